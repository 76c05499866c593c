package io.github.pgredis.sink;

import static io.github.pgredis.sink.testing.ConnectClusters.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.ContainerPostgres;
import io.github.pgredis.sink.testing.RedisServer;
import io.github.pgredis.sink.testing.RedisServerExtension;

/**
 * Debezium cut off from PostgreSQL by a real network partition (Testcontainers: the server's container leaves its
 * network, packets are dropped, nothing resets), while changes are committed; then healed. Nothing of it reaches
 * Redis during the partition, and afterwards every change does: Redis equals the table, and both connectors run.
 */
@ExtendWith(RedisServerExtension.class)
class DebeziumPartitionIT {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void changesCommittedWhileDebeziumIsCutOffReachRedisOnceTheNetworkHeals(RedisServer redis) {
        try (ContainerPostgres postgres = ContainerPostgres.start()) {
            EmbeddedConnectCluster connect = ConnectClusters.start("pg-partition", 1);
            try {
                postgres.execute("CREATE TABLE items (id int PRIMARY KEY, name text)",
                        "INSERT INTO items SELECT i, 'before ' || i FROM generate_series(1, 10) i");
                connect.configureConnector("pg-source", postgres.debeziumConfig("pg", "public.items"));
                connect.configureConnector("redis-sink", ConnectClusters.sinkConfig(redis.uri()));
                await(WAIT, "the snapshot in Redis", () -> redis.hashes("public.items:*").size() == 10);

                postgres.partition();
                postgres.psqlInside("INSERT INTO items SELECT i, 'during ' || i FROM generate_series(11, 20) i");
                postgres.psqlInside("UPDATE items SET name = 'changed during' WHERE id <= 5");
                postgres.psqlInside("DELETE FROM items WHERE id = 10");
                ConnectClusters.sleep(5_000);
                assertThat(redis.hashes("public.items:*")).as("nothing crosses the partition").hasSize(10)
                        .allSatisfy((key, row) -> assertThat(row.get("name")).startsWith("before"));

                postgres.heal();
                Map<String, Map<String, String>> expected = new TreeMap<>();
                for (int id = 1; id <= 20; id++) {
                    String name = id <= 5 ? "changed during" : id < 10 ? "before " + id : "during " + id;
                    if (id != 10) {
                        expected.put("public.items:" + id, Map.of("id", Integer.toString(id), "name", name));
                    }
                }
                await(WAIT, "every change of the partition in Redis",
                        () -> expected.equals(new TreeMap<>(redis.hashes("public.items:*"))));
                connect.assertions().assertConnectorAndAtLeastNumTasksAreRunning("pg-source", 1,
                        "Debezium runs after the partition");
                connect.assertions().assertConnectorAndAtLeastNumTasksAreRunning("redis-sink", 1,
                        "the sink runs after the partition");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                connect.stop();
            }
        }
    }
}
