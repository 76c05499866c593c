package io.github.pgredis.sink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.pgredis.signal.NotificationHeaders;
import io.github.pgredis.sink.RedisSinkConfig;
import io.github.pgredis.sink.event.ChangeVersion;
import io.github.pgredis.sink.mapping.ValueFormat;
import io.github.pgredis.sink.redis.InternalKeys;
import io.github.pgredis.sink.redis.OffsetStore;
import io.github.pgredis.sink.redis.RedisSession;
import io.github.pgredis.sink.testing.RedisServer;
import io.github.pgredis.sink.testing.RedisServerExtension;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The reconciliation's decisions on a real Redis, with Debezium's notifications as records and the topic's end
 * offsets given: which snapshot's start a scan completion takes, when it runs, and who runs it.
 */
@ExtendWith(RedisServerExtension.class)
class ReconciliationIT {
    private static final String NOTIFICATIONS = "pg-notifications";
    private static final String TOPIC = "pg.public.items";
    private static final Schema NOTIFICATION = SchemaBuilder.struct().name("io.debezium.connector.common.Notification")
            .field("id", Schema.STRING_SCHEMA).field("aggregate_type", Schema.STRING_SCHEMA)
            .field("type", Schema.STRING_SCHEMA)
            .field("additional_data", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build())
            .field("timestamp", Schema.INT64_SCHEMA).build();

    private final RedisServer redis;
    private final RedisCommands<String, String> commands;
    private final InternalKeys keys = new InternalKeys("__pgr:");
    private final OffsetStore offsets = new OffsetStore("__pgr:", "sink");
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final AtomicReference<Map<Integer, Long>> ends = new AtomicReference<>(Map.of(0, 10L));
    private RedisSession session;
    private Reconciliation reconciliation;
    private long notificationOffset;

    ReconciliationIT(RedisServer redis) {
        this.redis = redis;
        this.commands = redis.commands();
    }

    @BeforeEach
    void start() {
        RedisSinkConfig config = new RedisSinkConfig(Map.of("redis.uri", redis.uri()));
        session = RedisSession.open(config.redisSettings());
        reconciliation = new Reconciliation(NOTIFICATIONS, 0, keys, "sink", offsets, topic -> {
            Map<Integer, Long> known = ends.get();
            if (known == null) {
                throw new IllegalStateException("Kafka is unreachable");
            }
            return known;
        }, config::table, new ChangeWriter(ValueFormat.HASH, VersionStorage.KEY, keys, 60_000, 1_000), clock::get);
        reconciliation.assigned(List.of(new TopicPartition(NOTIFICATIONS, 0), new TopicPartition(TOPIC, 0)));
    }

    @AfterEach
    void stop() {
        session.close();
    }

    private void notify(String id, String type, Map<String, String> data, Long commitLsn) {
        Struct value = new Struct(NOTIFICATION).put("id", id).put("aggregate_type", "Incremental Snapshot")
                .put("type", type).put("additional_data", data).put("timestamp", clock.get());
        ConnectHeaders headers = new ConnectHeaders();
        if (commitLsn != null) {
            headers.addString(NotificationHeaders.COMMIT_LSN, commitLsn.toString());
        }
        reconciliation.notification(session, new SinkRecord(NOTIFICATIONS, 0, null, null, NOTIFICATION, value,
                notificationOffset++, null, null, headers));
    }

    private void started(String id, long commitLsn) {
        notify(id, "STARTED", Map.of("connector_name", "pg", "data_collections", "public.items"), commitLsn);
    }

    private void scanCompleted(String id) {
        notify(id, "TABLE_SCAN_COMPLETED", Map.of("connector_name", "pg", "scanned_collection", "public.items",
                "status", "SUCCEEDED", "data_collections", "public.items"), null);
    }

    private void row(String key, long commit, long change) {
        commands.hset(key, Map.of("id", key));
        commands.set(keys.version(key), ChangeVersion.ofSourcePosition(0, commit, change).encode()
                + "000000000000002a");
    }

    private void applied(long nextOffset) {
        offsets.record(session, Map.of(new TopicPartition(TOPIC, 0), nextOffset));
    }

    private void check() {
        clock.addAndGet(Reconciliation.GRACE_MS + 1_000);
        reconciliation.runDue(session);
    }

    @Test
    void aScanCompletionTakesItsSnapshotsStartOnceTheTopicIsApplied() {
        row("public.items:stale", 999, 1_200);
        row("public.items:changed", 1_000, 1_010);
        started("resync:nightly@1", 1_000);
        scanCompleted("resync:nightly@1");

        applied(9);
        check();
        assertThat(commands.exists("public.items:stale")).as("the topic is not applied yet").isEqualTo(1);

        applied(10);
        check();
        assertThat(commands.exists("public.items:stale")).isZero();
        assertThat(commands.exists("public.items:changed")).isEqualTo(1);
        assertThat(commands.hlen(keys.reconciliations("sink"))).as("nothing owed").isZero();
    }

    @Test
    void aSignalThatJoinedTheRunningSnapshotSharesItsStart() {
        row("public.items:stale", 999, 1_200);
        row("public.items:changed", 1_000, 1_010);
        started("resync:orders@1", 1_000);
        // Debezium's later notifications carry the joining signal's id, and no STARTED of their own
        scanCompleted("resync:items@2");
        applied(10);
        check();
        assertThat(commands.exists("public.items:stale")).isZero();
        assertThat(commands.exists("public.items:changed")).isEqualTo(1);

        notify("resync:items@2", "COMPLETED", Map.of("connector_name", "pg"), null);
        assertThat(commands.hlen(keys.snapshotStarts())).as("the ended snapshot's starts, all of them").isZero();
        row("public.items:stale", 999, 1_200);
        scanCompleted("resync:items@3");
        check();
        assertThat(commands.exists("public.items:stale")).as("no snapshot runs: no start to judge by").isEqualTo(1);
    }

    @Test
    void snapshotsAskedForByHandAreNotReconciled() {
        row("public.items:outside-the-filter", 999, 1_200);
        started("ad-hoc", 1_000);
        scanCompleted("ad-hoc");
        applied(10);
        check();
        assertThat(commands.exists("public.items:outside-the-filter")).isEqualTo(1);
        assertThat(commands.hlen(keys.reconciliations("sink"))).isZero();
    }

    @Test
    void onlyTheHolderOfTheNotificationPartitionReconcilesAndAFailureWaits() {
        row("public.items:stale", 999, 1_200);
        started("resync:nightly@1", 1_000);
        scanCompleted("resync:nightly@1");
        applied(10);

        reconciliation.assigned(List.of(new TopicPartition(TOPIC, 0)));
        check();
        assertThat(commands.exists("public.items:stale")).as("not the owner").isEqualTo(1);

        reconciliation.assigned(List.of(new TopicPartition(NOTIFICATIONS, 0)));
        ends.set(null);
        check();
        assertThat(commands.exists("public.items:stale")).as("Kafka failed: it waits").isEqualTo(1);
        ends.set(Map.of(0, 10L));
        check();
        assertThat(commands.exists("public.items:stale")).as("still waiting, 30 s").isEqualTo(1);
        clock.addAndGet(30_000);
        check();
        assertThat(commands.exists("public.items:stale")).isZero();
    }
}
