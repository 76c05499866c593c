package io.github.pgredis.sink;

import static io.github.pgredis.sink.testing.StubSinkTaskContext.putAndSettle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.pgredis.sink.testing.ChangeRecords;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.FreePorts;
import io.github.pgredis.sink.testing.RedisServer;
import io.github.pgredis.sink.testing.RedisServerExtension;
import io.github.pgredis.sink.testing.StubSinkTaskContext;

/** Redis failing in the ways production Redis fails: the batch waits and is never lost or sent to the DLQ. */
@ExtendWith(RedisServerExtension.class)
class RedisFailuresIT {
    private final RedisServer redis;
    private final ChangeRecords users = ChangeRecords.users();
    private final TopicPartition partition = new TopicPartition(users.topic(), 0);
    private StubSinkTaskContext context;
    private RedisSinkTask task;

    RedisFailuresIT(RedisServer redis) {
        this.redis = redis;
    }

    private RedisSinkTask start() {
        Map<String, String> config = new HashMap<>(Map.of("name", "faults", RedisSinkConfig.REDIS_URI, redis.uri(),
                "errors.tolerance", "all", RedisSinkConfig.RETRY_BACKOFF_INITIAL_MS, "10"));
        context = new StubSinkTaskContext(config);
        task = new RedisSinkTask();
        task.initialize(context);
        task.start(config);
        task.open(List.of(partition));
        return task;
    }

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
        redis.commands().configSet("maxmemory", "0");
        redis.commands().replicaofNoOne();
    }

    private List<SinkRecord> rows(int from, int to) {
        return users.numberedUsers(from, to);
    }

    @Test
    void outOfMemoryIsBackPressureNotDeadLetters() {
        start();
        redis.commands().configSet("maxmemory-policy", "noeviction");
        redis.commands().configSet("maxmemory", "1");

        task.put(rows(0, 10));
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThatThrownBy(() -> putAndSettle(task, List.of())).isInstanceOf(RetriableException.class)
                    .hasMessageContaining("OOM");
        }
        assertThat(context.reported).isEmpty();
        assertThat(context.timeouts).hasSize(3);
        assertThat(task.preCommit(Map.of(partition, new OffsetAndMetadata(10)))).as("nothing of the failed batch")
                .containsEntry(partition, new OffsetAndMetadata(0));

        redis.commands().configSet("maxmemory", "0");
        putAndSettle(task, List.of());
        assertThat(redis.commands().keys("public.users:*")).hasSize(10);
        assertThat(task.preCommit(Map.of(partition, new OffsetAndMetadata(10))))
                .containsEntry(partition, new OffsetAndMetadata(10));
    }

    /**
     * Redis checks the memory limit only until a script's first write: a delete after a refused create would still
     * run in the same call. The call stops at the refusal instead, so nothing after it is applied before the batch is
     * sent again, in order.
     */
    @Test
    void aWriteRefusedForMemoryStopsItsCallSoNothingAfterItIsApplied() {
        start();
        putAndSettle(task, rows(0, 1));
        redis.commands().configSet("maxmemory-policy", "noeviction");
        redis.commands().configSet("maxmemory", "1");

        task.put(List.of(users.create(2_000, users.row("id", 5, "name", "new")),
                users.delete(2_001, users.row("id", 0))));
        assertThatThrownBy(() -> putAndSettle(task, List.of())).isInstanceOf(RetriableException.class)
                .hasMessageContaining("OOM");
        assertThat(redis.commands().exists("public.users:0")).as("the delete after the refused create").isOne();

        redis.commands().configSet("maxmemory", "0");
        putAndSettle(task, List.of());
        assertThat(redis.commands().exists("public.users:0")).isZero();
        assertThat(redis.commands().hget("public.users:5", "name")).isEqualTo("new");
        assertThat(context.reported).isEmpty();
    }

    @Test
    void batchesFailedOnAReadOnlyReplicaAreSentAgainAndItsPromotionRewinds() {
        start();
        redis.commands().replicaof("127.0.0.1", FreePorts.next());
        context.seeks.clear();

        task.put(rows(0, 5));
        task.put(rows(5, 10));
        assertThatThrownBy(() -> task.put(List.of())).isInstanceOf(RetriableException.class)
                .hasMessageContaining("READONLY");
        assertThat(context.reported).isEmpty();

        redis.commands().replicaofNoOne();
        StubSinkTaskContext.putAsConnectRetries(task, List.of());
        assertThat(redis.commands().keys("public.users:*")).as("the failed batches, kept and sent again").hasSize(10);
        ConnectClusters.sleep(1_100);
        task.put(List.of());
        // a replica promoted again has a new replication ID: had it followed a real master, it would have dropped
        // what that master lacked, so the sink starts again from what the server holds
        assertThat(context.seeks).containsEntry(partition, 0L);
        StubSinkTaskContext.putAsConnectRetries(task, rows(0, 10));
        putAndSettle(task, List.of());
        assertThat(task.preCommit(Map.of(partition, new OffsetAndMetadata(10))))
                .containsEntry(partition, new OffsetAndMetadata(10));
    }

    @Test
    void restoreFromAnOlderSnapshotRewindsToTheOffsetsItHolds() {
        start();
        putAndSettle(task, rows(0, 4));
        redis.commands().save();
        putAndSettle(task, rows(4, 8));
        assertThat(redis.commands().hget("__pgr:offsets:{faults}", users.topic() + "/0")).startsWith("8 ");

        redis.restart();
        context.seeks.clear();
        StubSinkTaskContext.putAsConnectRetries(task, rows(8, 10));

        assertThat(context.seeks).containsEntry(partition, 4L);
        assertThat(redis.commands().keys("public.users:*")).as("the snapshot's rows, and the batch that found the "
                + "restore (written, but its offsets refused)").containsExactlyInAnyOrder("public.users:0",
                "public.users:1", "public.users:2", "public.users:3", "public.users:8", "public.users:9");
        StubSinkTaskContext.putAsConnectRetries(task, rows(4, 10));
        assertThat(redis.commands().keys("public.users:*")).as("redelivered from the rewound offset").hasSize(10);
        assertThat(redis.commands().hget("__pgr:offsets:{faults}", users.topic() + "/0")).startsWith("10 ");
    }
}
