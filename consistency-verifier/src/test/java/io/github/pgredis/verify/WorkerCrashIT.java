package io.github.pgredis.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.ForkedWorker;
import io.github.pgredis.sink.testing.Pipeline;
import io.github.pgredis.sink.testing.PostgresServer;
import io.github.pgredis.sink.testing.RedisServer;

/**
 * A Connect worker running sink tasks is killed with SIGKILL while changes stream: its tasks die mid-batch without
 * stopping or committing, their partitions move to the surviving workers, and Redis must still end equal to
 * PostgreSQL without any reader seeing a row go back in time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerCrashIT {
    private static final String CLUSTER = "worker-crash";
    private static final Duration WAIT = Duration.ofSeconds(240);
    private static final int ROWS = 5_000;
    private final Pipeline pipeline = Pipeline.start(CLUSTER, 1);
    private final PostgresServer postgres = pipeline.postgres();
    private final RedisServer redis = pipeline.redis();
    private final Map<String, String> standalone = CounterWorkload.standalone(redis);
    private final EmbeddedConnectCluster connect = pipeline.connect();
    private final List<ForkedWorker> forked = List.of(ForkedWorker.join(CLUSTER, connect, "forked-worker-1"),
            ForkedWorker.join(CLUSTER, connect, "forked-worker-2"));

    @AfterAll
    void stop() {
        forked.forEach(ForkedWorker::close);
        pipeline.close();
    }

    private List<ConnectorStateInfo.TaskState> sinkTasks() {
        return connect.connectorStatus("redis-sink").tasks();
    }

    private long sinkTasksOn(ForkedWorker worker) {
        return sinkTasks().stream().filter(task -> task.workerId().equals(worker.workerId())).count();
    }

    @Test
    void aWorkerKilledMidStreamLosesNothingAndNeverMovesARowBack() {
        CounterWorkload workload = CounterWorkload.create(postgres, ROWS);
        // the dead worker's consumers leave the sink's consumer group when their session expires
        workload.connect(connect, standalone, Map.of("consumer.override.session.timeout.ms", "10000",
                "consumer.override.heartbeat.interval.ms", "2000"));
        ConnectClusters.await(WAIT, "three sink tasks running, some on a forked worker", () -> sinkTasks().size() == 3
                && sinkTasks().stream().allMatch(task -> task.state().equals("RUNNING"))
                && forked.stream().anyMatch(worker -> sinkTasksOn(worker) > 0));
        ConnectClusters.await(WAIT, "the snapshot in Redis", () -> workload.inSync(standalone));

        try (MonotonicReader reader = MonotonicReader.start(standalone, workload)) {
            CompletableFuture<Integer> load = workload.start(300, 40);
            ConnectClusters.sleep(5_000);
            ForkedWorker victim = forked.stream().max(Comparator.comparingLong(this::sinkTasksOn)).orElseThrow();
            long killedTasks = sinkTasksOn(victim);
            victim.kill();
            assertThat(load).as("the load still running when the worker died").isNotDone();
            assertThat(killedTasks).as("sink tasks on the killed worker").isPositive();

            load.join();
            ConnectClusters.await(WAIT, "Redis equal to the table after the crash", () -> workload.inSync(standalone));
            reader.stop();
            assertThat(reader.violations()).as("rows that went back in time").isEmpty();
            assertThat(reader.reads()).as("samples taken while the sink wrote").isGreaterThan(1_000);
            // the sink's consumer group hands the dead tasks' partitions to live tasks before Connect's own group
            // notices the worker is gone (worker session timeout, then scheduled.rebalance.max.delay.ms) and
            // restarts those tasks elsewhere, so Redis can be in sync while the status still names the dead worker
            ConnectClusters.await(WAIT, "the killed worker's tasks running on the other workers", () -> {
                List<ConnectorStateInfo.TaskState> tasks = sinkTasks();
                return tasks.size() == 3 && tasks.stream().allMatch(task -> task.state().equals("RUNNING")
                        && !task.workerId().equals(victim.workerId()));
            });
        }
    }
}
