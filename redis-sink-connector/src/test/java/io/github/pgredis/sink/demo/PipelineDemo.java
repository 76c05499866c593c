package io.github.pgredis.sink.demo;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.PostgresServer;
import io.github.pgredis.sink.testing.RedisServer;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The pipeline on one machine, as real processes: PostgreSQL → Debezium → Kafka → Redis sink → Redis. Makes a few
 * changes with SQL and prints what Redis holds after each. With --hold it keeps running until Enter is pressed.
 */
public final class PipelineDemo {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private PipelineDemo() {
    }

    public static void main(String[] args) throws Exception {
        boolean hold = args.length > 0 && args[0].equals("--hold");
        System.out.println("Starting PostgreSQL, Redis, Kafka and a Connect worker (logs: "
                + "redis-sink-connector/target/test-logs/tests.log) ...");
        try (PostgresServer postgres = PostgresServer.start(); RedisServer redis = RedisServer.start()) {
            EmbeddedConnectCluster connect = ConnectClusters.start("demo", 1);
            try {
                run(postgres, redis, connect, hold);
            } finally {
                connect.stop();
            }
        }
        System.out.println("Stopped; no process of the demo is left running.");
        System.exit(0);
    }

    private static void run(PostgresServer postgres, RedisServer redis, EmbeddedConnectCluster connect,
            boolean hold) throws Exception {
        RedisCommands<String, String> commands = redis.commands();
        postgres.execute("CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text, "
                        + "balance numeric(12,2), updated timestamptz DEFAULT now())",
                "INSERT INTO customers (id, name, email, balance) VALUES (1, 'Ada', 'ada@example.org', 10.50), "
                        + "(2, 'Grace', NULL, 99.99)");
        connect.configureConnector("pg-source", postgres.debeziumConfig("pg", "public.customers"));
        connect.configureConnector("redis-sink", ConnectClusters.sinkConfig(redis.uri()));

        ConnectClusters.await(WAIT, "the snapshot reaches Redis", () -> commands.exists("public.customers:2") == 1);
        show("After the initial snapshot", commands);

        postgres.execute("UPDATE customers SET email = 'grace@example.org', balance = 120.00 WHERE id = 2",
                "INSERT INTO customers (id, name) VALUES (3, 'Linus')");
        ConnectClusters.await(WAIT, "the insert reaches Redis", () -> commands.exists("public.customers:3") == 1);
        show("After UPDATE of id 2 and INSERT of id 3", commands);

        postgres.execute("DELETE FROM customers WHERE id = 1");
        ConnectClusters.await(WAIT, "the delete reaches Redis", () -> commands.exists("public.customers:1") == 0);
        show("After DELETE of id 1", commands);

        System.out.println("Endpoints:");
        System.out.println("  PostgreSQL  postgresql://postgres@127.0.0.1:" + postgres.port() + "/postgres");
        System.out.println("  Redis       " + redis.uri());
        System.out.println("  Connect     " + connect.endpointForResource("connectors"));
        if (hold) {
            System.out.println("Running; change the customers table with psql and watch Redis. Press Enter to stop.");
            System.in.read();
        }
    }

    private static void show(String title, RedisCommands<String, String> commands) {
        System.out.println();
        System.out.println("== " + title + ": Redis holds");
        Map<String, Map<String, String>> rows = new TreeMap<>();
        for (String key : commands.keys("public.customers:*")) {
            rows.put(key, new TreeMap<>(commands.hgetall(key)));
        }
        rows.forEach((key, row) -> System.out.println("  HGETALL " + key + " -> " + row));
        System.out.println();
    }
}
