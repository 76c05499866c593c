package io.github.pgredis.verify;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import io.github.pgredis.sink.RedisSinkConfig;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.PostgresServer;
import io.github.pgredis.sink.testing.RedisServer;

/**
 * A table under steady change for the fault tests. Every update raises a row's counter, a tenth of the rows is
 * deleted and as many new rows inserted along the way, so a reader of Redis can tell a row that went back in time.
 */
final class CounterWorkload {
    static final String TABLE = "items";
    static final String TOPIC = "pg.public." + TABLE;
    private static final int UPDATE_GROUPS = 50;
    private final PostgresServer postgres;
    private final int rows;

    private CounterWorkload(PostgresServer postgres, int rows) {
        this.postgres = postgres;
        this.rows = rows;
    }

    static CounterWorkload create(PostgresServer postgres, int rows) {
        postgres.execute("CREATE TABLE " + TABLE + " (id int PRIMARY KEY, counter bigint NOT NULL, note text)",
                "INSERT INTO " + TABLE + " SELECT g, 0, 'seed' FROM generate_series(1, " + rows + ") g");
        return new CounterWorkload(postgres, rows);
    }

    /**
     * Streams the table through Debezium into a six-partition topic and a sink with three tasks, with the given
     * additions to the sink's configuration.
     */
    void connect(EmbeddedConnectCluster connect, Map<String, String> redis, Map<String, String> sinkSettings) {
        connect.kafka().createTopic(TOPIC, 6);
        connect.configureConnector("pg-source", postgres.debeziumConfig("pg", "public." + TABLE));
        configureSink(connect, redis, sinkSettings);
    }

    /** Creates or reconfigures the sink alone: three tasks, with the given additions to its configuration. */
    void configureSink(EmbeddedConnectCluster connect, Map<String, String> redis, Map<String, String> sinkSettings) {
        configureSink(connect, "redis-sink", redis, sinkSettings);
    }

    /** {@link #configureSink(EmbeddedConnectCluster, Map, Map)} for a sink connector of the given name. */
    void configureSink(EmbeddedConnectCluster connect, String name, Map<String, String> redis,
            Map<String, String> sinkSettings) {
        Map<String, String> sink = ConnectClusters.sinkConfig(redis.get(RedisSinkConfig.REDIS_URI));
        sink.putAll(redis);
        sink.put("tasks.max", "3");
        sink.putAll(sinkSettings);
        connect.configureConnector(name, sink);
    }

    /** Ids that exist when the workload starts; the first tenth of them is deleted, never to come back. */
    int initialRows() {
        return rows;
    }

    /** Ids above {@link #initialRows()} are inserted along the way and never deleted. */
    int maxId() {
        return rows + rows / 10;
    }

    static String rowKey(int id) {
        return "public." + TABLE + ":" + id;
    }

    /**
     * Runs {@code rounds} transactions in a thread of its own, each updating a fiftieth of the rows, with a pause
     * between them; returns the number of row changes made.
     */
    CompletableFuture<Integer> start(int rounds, long pauseMs) {
        return CompletableFuture.supplyAsync(() -> {
            int changes = 0;
            for (int round = 1; round <= rounds; round++) {
                postgres.execute("UPDATE " + TABLE + " SET counter = counter + 1, note = 'round " + round
                        + "' WHERE id % " + UPDATE_GROUPS + " = " + round % UPDATE_GROUPS);
                changes += Integer.parseInt(postgres.query("SELECT count(*) FROM " + TABLE + " WHERE id % "
                        + UPDATE_GROUPS + " = " + round % UPDATE_GROUPS));
                if (round == rounds / 3) {
                    postgres.execute("DELETE FROM " + TABLE + " WHERE id <= " + rows / 10);
                    changes += rows / 10;
                }
                if (round == 2 * rounds / 3) {
                    postgres.execute("INSERT INTO " + TABLE + " SELECT g, 0, 'inserted' FROM generate_series("
                            + (rows + 1) + ", " + maxId() + ") g");
                    changes += rows / 10;
                }
                ConnectClusters.sleep(pauseMs);
            }
            return changes;
        });
    }

    /** How a standalone server is reached, as the sink's settings. */
    static Map<String, String> standalone(RedisServer redis) {
        return Map.of(RedisSinkConfig.REDIS_URI, redis.uri());
    }

    /** The verifier's verdict: every row of the table in Redis (reached with these sink settings) and equal. */
    boolean inSync(Map<String, String> redis) {
        try {
            return ConsistencyVerifier.check(postgres.jdbcUrl(), "postgres", "postgres",
                    new RedisSinkConfig(redis), "pg", List.of(TABLE))
                    .stream().allMatch(ConsistencyVerifier.TableReport::inSync);
        } catch (Exception notReachableYet) {
            return false;
        }
    }
}
