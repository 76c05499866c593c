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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.pgredis.sink.redis.RedisConnection;
import io.github.pgredis.sink.redis.RedisSession;
import io.github.pgredis.sink.testing.ChangeRecords;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.ContainerRedis;
import io.github.pgredis.sink.testing.StubSinkTaskContext;

/**
 * The sink cut off from Redis by a real network partition (Docker: a container leaves its network, packets are
 * dropped and nothing resets the connection), then healed: what it sent meanwhile is retried, never counted, never
 * lost, and the task recovers by itself. Once from a standalone server, once from one master of a three-master
 * Cluster, long enough for the other masters to count it as failed.
 */
class NetworkPartitionIT {
    private final ChangeRecords users = ChangeRecords.users();
    private final TopicPartition partition = new TopicPartition(users.topic(), 0);

    private List<SinkRecord> rows(int from, int to) {
        return users.numberedUsers(from, to);
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "cluster"})
    void aPartitionFromAMasterLosesNothingAndTheTaskRecoversByItselfOnceHealed(String topology) {
        try (ContainerRedis redis = topology.equals("cluster") ? ContainerRedis.startCluster(3)
                : ContainerRedis.start()) {
            partitionAndHeal(redis, topology);
        }
    }

    private void partitionAndHeal(ContainerRedis redis, String topology) {
        Map<String, String> config = new HashMap<>(Map.of("name", "partitioned", RedisSinkConfig.REDIS_URI,
                redis.uri(), RedisSinkConfig.REDIS_TOPOLOGY, topology, RedisSinkConfig.REDIS_TIMEOUT_MS, "1000",
                RedisSinkConfig.REDIS_CONNECT_TIMEOUT_MS, "1000", RedisSinkConfig.RETRY_BACKOFF_INITIAL_MS, "10"));
        StubSinkTaskContext context = new StubSinkTaskContext(config);
        RedisSinkTask task = new RedisSinkTask();
        task.initialize(context);
        task.start(config);
        try {
            task.open(List.of(partition));
            putAndSettle(task, rows(0, 10));
            assertThat(task.preCommit(Map.of(partition, new OffsetAndMetadata(99))))
                    .containsEntry(partition, new OffsetAndMetadata(10));

            redis.partition(0);
            long cutAt = System.nanoTime();
            assertThatThrownBy(() -> putAndSettle(task, rows(10, 20))).isInstanceOf(RetriableException.class);
            if (topology.equals("cluster")) {
                // past the node timeout the other masters count it as failed (and refuse writes, CLUSTERDOWN): the
                // writes still only wait
                ConnectClusters.sleep(3_000);
                assertThatThrownBy(() -> putAndSettle(task, rows(20, 30))).isInstanceOf(RetriableException.class);
            }
            assertThat(task.preCommit(Map.of(partition, new OffsetAndMetadata(99)))).as("nothing sent during the "
                    + "partition counts").containsEntry(partition, new OffsetAndMetadata(10));
            assertThat(context.reported).as("a partition is no record's fault").isEmpty();

            redis.heal(0);
            if (topology.equals("cluster")) {
                redis.awaitClusterOk();
            }
            StubSinkTaskContext.putAsConnectRetries(task, List.of());
            putAndSettle(task, rows(30, 35));
            long healedMs = (System.nanoTime() - cutAt) / 1_000_000;
            try (RedisConnection connection = RedisConnection.open(new RedisSinkConfig(config).redisSettings())) {
                for (int id = 0; id < 35; id++) {
                    boolean sent = id < 20 || id >= 30 || topology.equals("cluster");
                    assertThat(RedisSession.await(connection.commands().hget("public.users:" + id, "name"), 5_000))
                            .as("row %d, sent %s the partition", id, id < 10 ? "before" : id < 30 ? "during"
                                    : "after").isEqualTo(sent ? "user " + id : null);
                }
            }
            assertThat(task.preCommit(Map.of(partition, new OffsetAndMetadata(99))))
                    .containsEntry(partition, new OffsetAndMetadata(35));
            assertThat(context.reported).isEmpty();
            System.out.printf("RESULT partition_%s_cut_to_applied_ms=%d%n", topology, healedMs);
        } finally {
            task.stop();
        }
    }
}
