package io.github.pgredis.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.Pipeline;
import io.github.pgredis.sink.testing.PostgresServer;
import io.github.pgredis.sink.testing.RedisServer;

/**
 * Workers join and leave a three-worker Connect cluster while about 100k changes stream through a sink with three
 * tasks on six partitions: partitions move between tasks mid-batch, and Redis must still end equal to PostgreSQL
 * without any reader ever seeing a row go back in time. A second sink of the same topic, into a Redis of its own,
 * keeps versions in the rows (version.storage=row) through the same rebalances.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RebalanceIT {
    private static final Duration WAIT = Duration.ofSeconds(240);
    private static final int ROWS = 10_000;
    private final Pipeline pipeline = Pipeline.start("rebalance", 3);
    private final PostgresServer postgres = pipeline.postgres();
    private final RedisServer redis = pipeline.redis();
    private final Map<String, String> standalone = CounterWorkload.standalone(redis);
    private final RedisServer rowsRedis = RedisServer.start();
    private final Map<String, String> rowsStandalone = CounterWorkload.standalone(rowsRedis);
    private final EmbeddedConnectCluster connect = pipeline.connect();

    @AfterAll
    void stop() {
        pipeline.close();
        rowsRedis.close();
    }

    @Test
    void workersJoiningAndLeavingMidStreamLoseNothingAndNeverMoveARowBack() throws InterruptedException {
        CounterWorkload workload = CounterWorkload.create(postgres, ROWS);
        workload.connect(connect, standalone, Map.of());
        workload.configureSink(connect, "redis-sink-rows", rowsStandalone, Map.of("version.storage", "row"));
        ConnectClusters.await(WAIT, "the snapshot in Redis", () -> workload.inSync(standalone)
                && workload.inSync(rowsStandalone));

        int membershipChanges = 0;
        int changes;
        try (MonotonicReader reader = MonotonicReader.start(standalone, workload);
                MonotonicReader rowsReader = MonotonicReader.start(rowsStandalone, workload)) {
            CompletableFuture<Integer> load = workload.start(460, 60);
            boolean grow = true;
            while (!load.isDone()) {
                ConnectClusters.sleep(5_000);
                if (grow) {
                    connect.addWorker();
                } else {
                    connect.removeWorker();
                }
                grow = !grow;
                membershipChanges++;
            }
            changes = load.join();
            ConnectClusters.await(WAIT, "Redis equal to the table after the rebalances",
                    () -> workload.inSync(standalone) && workload.inSync(rowsStandalone));
            reader.stop();
            rowsReader.stop();
            for (MonotonicReader sampled : new MonotonicReader[] {reader, rowsReader}) {
                assertThat(sampled.violations()).as("rows that went back in time").isEmpty();
                assertThat(sampled.reads()).as("samples taken while the sink wrote").isGreaterThan(1_000);
            }
            assertThat(rowsRedis.commands().hexists(CounterWorkload.rowKey(ROWS), "__pgr:v"))
                    .as("with version.storage=row the version is in the row").isTrue();
        }
        assertThat(ROWS + changes).as("changes streamed, snapshot included").isGreaterThanOrEqualTo(100_000);
        assertThat(membershipChanges).as("workers added and removed mid-stream").isGreaterThanOrEqualTo(3);
        // a worker removed last hands its tasks on only after scheduled.rebalance.max.delay.ms
        for (String sink : new String[] {"redis-sink", "redis-sink-rows"}) {
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(sink, 3,
                    "three sink tasks running after the rebalances");
        }
        assertThat(redis.commands().hget(CounterWorkload.rowKey(ROWS), "counter"))
                .isEqualTo(postgres.query("SELECT counter FROM items WHERE id = " + ROWS));
    }
}
