package io.github.pgredis.sink;

import static io.github.pgredis.sink.testing.StubSinkTaskContext.putAndSettle;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.pgredis.sink.redis.InternalKeys;
import io.github.pgredis.sink.testing.ChangeRecords;
import io.github.pgredis.sink.testing.RedisServer;
import io.github.pgredis.sink.testing.RedisServerExtension;
import io.github.pgredis.sink.testing.SinkMetricsJmx;
import io.github.pgredis.sink.testing.StubSinkTaskContext;
import io.lettuce.core.api.sync.RedisCommands;

/** Write modes, time to live and per-table settings, asserted on a real redis-server. */
@ExtendWith(RedisServerExtension.class)
class WriteModesIT {
    private static final long RETENTION_MS = 3_600_000;
    private final RedisServer redis;
    private final RedisCommands<String, String> commands;
    private final InternalKeys keys = new InternalKeys("__pgr:");
    private final List<RedisSinkTask> tasks = new ArrayList<>();
    private final ChangeRecords users = ChangeRecords.users();
    private final ChangeRecords orders = ChangeRecords.table("public", "orders", users.rowSchema(), "id")
            .partition(1);

    WriteModesIT(RedisServer redis) {
        this.redis = redis;
        this.commands = redis.commands();
    }

    @AfterEach
    void stopTasks() {
        tasks.forEach(RedisSinkTask::stop);
    }

    private RedisSinkTask start(Time time, String... settings) {
        Map<String, String> config = new HashMap<>(Map.of("name", "modes-sink", RedisSinkConfig.REDIS_URI,
                redis.uri(), RedisSinkConfig.DELETE_MARKER_RETENTION_MS, Long.toString(RETENTION_MS)));
        for (int i = 0; i < settings.length; i += 2) {
            config.put(settings[i], settings[i + 1]);
        }
        RedisSinkTask task = new RedisSinkTask(time);
        task.initialize(new StubSinkTaskContext(config));
        task.start(config);
        task.open(List.of(new TopicPartition(users.topic(), 0), new TopicPartition(orders.topic(), 1)));
        tasks.add(task);
        return task;
    }

    private RedisSinkTask start(String... settings) {
        return start(Time.SYSTEM, settings);
    }

    private Struct user(int id, String name) {
        return users.row("id", id, "name", name);
    }

    @Test
    void invalidateDeletesTheKeyOnEveryChangeAndItsMarkerRefusesOlderChanges() {
        RedisSinkTask task = start(RedisSinkConfig.WRITE_MODE, "invalidate");
        commands.hset("public.users:1", Map.of("id", "1", "name", "filled"));

        putAndSettle(task, List.of(users.update(200, user(1, "a"), user(1, "b"))));

        assertThat(commands.exists("public.users:1")).as("the change invalidated the cached row").isZero();
        assertThat(commands.pttl(keys.version("public.users:1"))).isBetween(1L, RETENTION_MS);
        putAndSettle(task, List.of(users.create(100, user(1, "older"))));
        assertThat(commands.exists("public.users:1")).isZero();
        assertThat(commands.get(keys.version("public.users:1"))).contains(Long.toHexString(200));
        assertThat(metric("changes-applied-total")).isEqualTo(1);
        assertThat(metric("changes-invalidated-total")).isEqualTo(1);
        assertThat(metric("changes-skipped-total")).as("the older change").isEqualTo(1);
    }

    private double metric(String name) {
        return SinkMetricsJmx.count("modes-sink", 0, "public.users", name);
    }

    @Test
    void updateIfCachedRefreshesOnlyWhatIsCachedAndLeavesMarkersForTheRest() {
        RedisSinkTask task = start(RedisSinkConfig.WRITE_MODE, "update-if-cached");
        commands.hset("public.users:1", Map.of("id", "1", "name", "filled"));

        putAndSettle(task, List.of(users.update(300, user(1, "a"), user(1, "b")), users.create(301, user(2, "c"))));

        assertThat(commands.hgetall("public.users:1")).isEqualTo(Map.of("id", "1", "name", "b"));
        assertThat(commands.exists("public.users:2")).as("an absent key stays absent").isZero();
        assertThat(commands.pttl(keys.version("public.users:2"))).as("a marker").isBetween(1L, RETENTION_MS);
        assertThat(commands.pttl(keys.version("public.users:1"))).as("a cached row's version stays").isEqualTo(-1);
        assertThat(metric("changes-not-cached-total")).isEqualTo(1);
        putAndSettle(task, List.of(users.delete(302, user(1, "b"))));
        assertThat(commands.exists("public.users:1")).isZero();
        assertThat(metric("changes-applied-total")).isEqualTo(3);
        assertThat(metric("changes-deleted-total")).isEqualTo(1);
        assertThat(metric("changes-invalidated-total")).isZero();
    }

    @Test
    void theTimeToLiveIsSetByTheWriteAndTheVersionOutlivesTheRow() {
        RedisSinkTask task = start(RedisSinkConfig.TTL_MS, "60000", RedisSinkConfig.VALUE_FORMAT, "json");

        putAndSettle(task, List.of(users.create(400, user(1, "a"))));
        commands.pexpire("public.users:1", 5_000);
        putAndSettle(task, List.of(users.update(401, user(1, "a"), user(1, "b"))));

        assertThat(commands.get("public.users:1")).contains("\"b\"");
        assertThat(commands.pttl("public.users:1")).as("every write starts the time to live again")
                .isBetween(50_000L, 60_000L);
        assertThat(commands.pttl(keys.version("public.users:1"))).isGreaterThan(60_000L + RETENTION_MS - 10_000);
        putAndSettle(task, List.of(users.delete(402, user(1, "b"))));
        assertThat(commands.pttl(keys.version("public.users:1"))).as("a delete marker's own retention")
                .isBetween(RETENTION_MS - 10_000, RETENTION_MS);
    }

    @Test
    void invalidateNeverRendersSoARowTooLargeToStoreStillInvalidatesItsKey() {
        RedisSinkTask task = start(RedisSinkConfig.WRITE_MODE, "invalidate", RedisSinkConfig.VALUE_MAX_BYTES, "10");
        commands.hset("public.users:1", Map.of("id", "1", "name", "filled"));

        putAndSettle(task, List.of(users.update(250, user(1, "a"), user(1, "a name longer than ten bytes"))));

        assertThat(commands.exists("public.users:1")).isZero();
        assertThat(commands.get(keys.version("public.users:1"))).contains(Long.toHexString(250));
    }

    @Test
    void updateIfCachedInvalidatesARowItCannotStore() {
        RedisSinkTask task = start(RedisSinkConfig.WRITE_MODE, "update-if-cached",
                RedisSinkConfig.VALUE_MAX_BYTES, "10");
        commands.hset("public.users:1", Map.of("id", "1", "name", "filled"));

        putAndSettle(task, List.of(users.update(255, user(1, "a"), user(1, "a name longer than ten bytes"))));

        assertThat(commands.exists("public.users:1")).as("no stale cached row").isZero();
        assertThat(commands.get(keys.version("public.users:1"))).contains(Long.toHexString(255));
    }

    @Test
    void aRefreshOfACachedRowKeepsTheTimeItHasLeft() {
        RedisSinkTask task = start(RedisSinkConfig.WRITE_MODE, "update-if-cached", RedisSinkConfig.TTL_MS, "60000");
        commands.hset("public.users:1", Map.of("id", "1", "name", "filled"));
        commands.pexpire("public.users:1", 5_000);

        putAndSettle(task, List.of(users.update(260, user(1, "a"), user(1, "b"))));

        assertThat(commands.hget("public.users:1", "name")).isEqualTo("b");
        assertThat(commands.pttl("public.users:1")).as("only readers keep a cached row").isBetween(1L, 5_000L);
        assertThat(commands.pttl(keys.version("public.users:1"))).isBetween(RETENTION_MS, RETENTION_MS + 5_000);
    }

    @Test
    void aChangeWithoutItsToastedColumnsNeverLeavesAPartialRow() {
        RedisSinkTask task = start(RedisSinkConfig.TTL_MS, "60000");
        putAndSettle(task, List.of(users.create(270, users.row("id", 1, "name", "a", "email", "a@x.org"))));
        commands.del("public.users:1");

        putAndSettle(task, List.of(users.update(271, null,
                users.row("id", 1, "name", "b", "email", RedisSinkConfig.TOAST_PLACEHOLDER_DEFAULT))));

        assertThat(commands.exists("public.users:1")).as("an expired row is not brought back without its email")
                .isZero();
        assertThat(commands.get(keys.version("public.users:1"))).contains(Long.toHexString(271));
    }

    @Test
    void aTruncateAdvancesTheMarkersOfAbsentRowsAndDropsTheTablesLeases() {
        RedisSinkTask task = start(RedisSinkConfig.WRITE_MODE, "update-if-cached");
        putAndSettle(task, List.of(users.create(280, user(1, "a")), users.create(281, user(2, "b"))));
        commands.hset("public.users:2", Map.of("id", "2", "name", "filled"));
        commands.set(keys.lease("public.users:3"), "reader-1:");
        String markerBefore = commands.get(keys.version("public.users:1"));

        putAndSettle(task, List.of(users.truncate(290)));

        assertThat(commands.get(keys.version("public.users:1"))).isNotEqualTo(markerBefore)
                .contains(Long.toHexString(290));
        assertThat(commands.exists("public.users:2")).isZero();
        assertThat(commands.get(keys.version("public.users:2"))).contains(Long.toHexString(290));
        assertThat(commands.exists(keys.lease("public.users:3"))).as("a fill in flight of a row with no key at all")
                .isZero();
    }

    @Test
    void eachTableFollowsItsOwnSettings() {
        RedisSinkTask task = start("table.public.orders.write.mode", "invalidate",
                "table.public.orders.key.template", "order:${key}",
                "table.public.users.columns.exclude", "email",
                "table.public.users.columns.rename", "name:full_name",
                "table.public.users.ttl.ms", "30000");
        commands.hset("order:7", Map.of("id", "7"));

        putAndSettle(task, List.of(users.create(500, users.row("id", 1, "name", "a", "email", "a@x.org")),
                orders.create(501, orders.row("id", 7, "name", "order"))));

        assertThat(commands.hgetall("public.users:1")).isEqualTo(Map.of("id", "1", "full_name", "a"));
        assertThat(commands.pttl("public.users:1")).isBetween(1L, 30_000L);
        assertThat(commands.exists("order:7")).isZero();
        assertThat(commands.exists(keys.version("order:7"))).isOne();
    }

    @Test
    void adaptiveWarmsBelowItsTargetAndOnlyRefreshesAtIt() {
        MockTime time = new MockTime();
        RedisSinkTask task = start(time, RedisSinkConfig.WRITE_MODE, "adaptive",
                RedisSinkConfig.ADAPTIVE_TARGET_HIT_RATE, "0.9");
        putAndSettle(task, List.of(users.create(600, user(1, "a"))));
        assertThat(commands.exists("public.users:1")).as("a table starts warming").isOne();

        commands.hset(keys.readCounter("public.users", time.milliseconds()), Map.of("hits", "950", "misses", "50"));
        time.sleep(6_000);
        putAndSettle(task, List.of(users.create(601, user(2, "b"))));
        assertThat(commands.exists("public.users:2")).as("at the target, only cached rows are refreshed").isZero();
        assertThat(commands.hget(keys.adaptiveState("public.users"), "state")).isEqualTo("refreshing");

        commands.hset(keys.readCounter("public.users", time.milliseconds()), Map.of("hits", "0", "misses", "9000"));
        time.sleep(6_000);
        putAndSettle(task, List.of(users.create(602, user(3, "c"))));
        assertThat(commands.exists("public.users:3")).isOne();
        assertThat(commands.hgetall(keys.adaptiveState("public.users"))).containsEntry("state", "warming")
                .containsKey("hit.rate");
    }
}
