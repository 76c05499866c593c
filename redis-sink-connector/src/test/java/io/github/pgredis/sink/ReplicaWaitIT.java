package io.github.pgredis.sink;

import static io.github.pgredis.sink.testing.ConnectClusters.await;
import static io.github.pgredis.sink.testing.StubSinkTaskContext.putAndSettle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.pgredis.sink.testing.ChangeRecords;
import io.github.pgredis.sink.testing.RedisServer;
import io.github.pgredis.sink.testing.StubSinkTaskContext;

/**
 * redis.wait.replicas against a real master and replica: a batch counts once the replica has it, and a stalled
 * replica holds the sink back (the batch is applied again later) instead of letting it count writes a failover could
 * lose.
 */
class ReplicaWaitIT {
    private final ChangeRecords users = ChangeRecords.users();
    private final TopicPartition partition = new TopicPartition(users.topic(), 0);
    private RedisServer master;
    private RedisServer replica;
    private RedisSinkTask task;

    @BeforeEach
    void start() {
        master = RedisServer.start();
        replica = RedisServer.start(List.of("--save", "", "--appendonly", "no", "--replicaof", "127.0.0.1",
                Integer.toString(master.port())));
        await(Duration.ofSeconds(30), "the replica in sync", () -> replica.commands().info("replication")
                .contains("master_link_status:up"));
        Map<String, String> config = new HashMap<>(Map.of("name", "wait-sink", RedisSinkConfig.REDIS_URI,
                master.uri(), RedisSinkConfig.REDIS_WAIT_REPLICAS, "1", RedisSinkConfig.REDIS_WAIT_TIMEOUT_MS, "300"));
        task = new RedisSinkTask(Time.SYSTEM);
        task.initialize(new StubSinkTaskContext(config));
        task.start(config);
        task.open(List.of(partition));
    }

    @AfterEach
    void stop() {
        task.stop();
        replica.resume();
        replica.close();
        master.close();
    }

    private long committed() {
        OffsetAndMetadata offset = task.preCommit(Map.of(partition, new OffsetAndMetadata(0))).get(partition);
        return offset == null ? -1 : offset.offset();
    }

    @Test
    void aBatchCountsOnlyOnceTheReplicaHasItAndAStalledReplicaHoldsTheSinkBack() {
        putAndSettle(task, List.of(users.create(100, users.row("id", 1, "name", "replicated"))));
        assertThat(replica.commands().hgetall("public.users:1")).as("WAIT returned: the replica has it, no polling")
                .containsEntry("name", "replicated");
        long before = committed();

        replica.pause();
        var batch = List.of(users.create(101, users.row("id", 2, "name", "held back")));
        assertThatThrownBy(() -> putAndSettle(task, batch)).isInstanceOf(RetriableException.class)
                .hasMessageContaining("NOREPLICAS").hasMessageContaining("0 of 1 replicas");
        assertThat(committed()).as("nothing of the unconfirmed batch counts").isEqualTo(before);

        replica.resume();
        await(Duration.ofSeconds(30), "the redelivered batch confirmed", () -> {
            try {
                putAndSettle(task, batch);
                return true;
            } catch (RetriableException notYet) {
                return false;
            }
        });
        assertThat(replica.commands().hget("public.users:2", "name")).isEqualTo("held back");
        assertThat(committed()).isGreaterThan(before);
    }

    @Test
    void aWaitTimeoutNotBelowHalfTheCommandTimeoutIsRefused() {
        assertThat(new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_WAIT_REPLICAS, "1",
                RedisSinkConfig.REDIS_WAIT_TIMEOUT_MS, "4999")).problems()).isEmpty();
        assertThat(new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_WAIT_REPLICAS, "1",
                RedisSinkConfig.REDIS_WAIT_TIMEOUT_MS, "5000")).problems())
                .extracting(RedisSinkConfig.Problem::key).containsExactly(RedisSinkConfig.REDIS_WAIT_TIMEOUT_MS);
    }
}
