package io.github.pgredis.sink;

import static io.github.pgredis.sink.testing.StubSinkTaskContext.putAndSettle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.pgredis.sink.event.ChangeVersion;
import io.github.pgredis.sink.testing.ChangeRecords;
import io.github.pgredis.sink.testing.RedisServer;
import io.github.pgredis.sink.testing.RedisServerExtension;
import io.github.pgredis.sink.testing.StubSinkTaskContext;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.sync.RedisCommands;

/** The change feed on a real redis-server: one entry per applied change, in order, never twice. */
@ExtendWith(RedisServerExtension.class)
class ChangeFeedIT {
    private static final String USERS_FEED = "__pgr:feed:public.users";
    private final RedisServer redis;
    private final RedisCommands<String, String> commands;
    private final List<RedisSinkTask> tasks = new ArrayList<>();
    private final ChangeRecords users = ChangeRecords.users();
    private final ChangeRecords orders = ChangeRecords.table("public", "orders", users.rowSchema(), "id")
            .partition(1);

    ChangeFeedIT(RedisServer redis) {
        this.redis = redis;
        this.commands = redis.commands();
    }

    @AfterEach
    void stopTasks() {
        tasks.forEach(RedisSinkTask::stop);
    }

    private RedisSinkTask start(String... settings) {
        Map<String, String> config = new HashMap<>(Map.of("name", "feed-sink", RedisSinkConfig.REDIS_URI,
                redis.uri(), "table.public.users.feed.enabled", "true"));
        for (int i = 0; i < settings.length; i += 2) {
            config.put(settings[i], settings[i + 1]);
        }
        RedisSinkTask task = new RedisSinkTask(Time.SYSTEM);
        task.initialize(new StubSinkTaskContext(config));
        task.start(config);
        task.open(List.of(new TopicPartition(users.topic(), 0), new TopicPartition(orders.topic(), 1)));
        tasks.add(task);
        return task;
    }

    private Struct user(int id, String name) {
        return users.row("id", id, "name", name);
    }

    private List<String> feed(String stream) {
        List<String> entries = new ArrayList<>();
        for (StreamMessage<String, String> entry : commands.xrange(stream, Range.create("-", "+"))) {
            Map<String, String> body = entry.getBody();
            entries.add(entry.getId() + " " + body.get("op") + " " + body.get("key")
                    + (body.containsKey("row.name") ? " " + body.get("row.name") : ""));
        }
        return entries;
    }

    @ParameterizedTest
    @ValueSource(strings = {"key", "row"})
    void everyAppliedChangeIsAppendedOnceInOrderEvenWithinOneBatchAndAcrossAReplay(String versionStorage) {
        RedisSinkTask task = start(RedisSinkConfig.VERSION_STORAGE, versionStorage);
        List<SinkRecord> history = List.of(users.snapshotRead(90, user(9, "snapshot")),
                users.create(100, user(1, "a")), users.create(101, user(2, "b")),
                users.update(102, user(1, "a"), user(1, "a2")), users.update(103, user(1, "a2"), user(1, "a3")),
                users.delete(104, user(2, "b")), users.tombstone(user(2, "b")),
                orders.create(105, orders.row("id", 7, "name", "not fed")));

        putAndSettle(task, history);
        List<String> expected = List.of("99-201 c public.users:1 a", "100-203 c public.users:2 b",
                "101-205 u public.users:1 a2", "102-207 u public.users:1 a3", "103-208 d public.users:2");
        assertThat(feed(USERS_FEED)).as("snapshot rows and tombstones are not changes").isEqualTo(expected);
        assertThat(commands.hget("public.users:1", "name")).isEqualTo("a3");

        putAndSettle(task, history);
        putAndSettle(task, history.subList(2, 5));
        assertThat(feed(USERS_FEED)).as("after replays").isEqualTo(expected);
        assertThat(commands.exists("__pgr:feed:public.orders")).as("a table without the feed").isZero();
        assertThat(commands.xrange(USERS_FEED, Range.create("-", "+")).get(0).getBody())
                .containsEntry("version", ChangeVersion.ofSourcePosition(0, 99, 100).encode())
                .containsEntry("row.id", "1").containsOnlyKeys("op", "key", "version", "row.id", "row.name");
    }

    @Test
    void aReplayPastLostVersionKeysFindsItsEntriesInTheStreamAndAddsNone() {
        RedisSinkTask task = start();
        List<SinkRecord> history = List.of(users.create(110, user(1, "a")), users.update(111, user(1, "a"),
                user(1, "b")), users.create(112, user(2, "c")));
        putAndSettle(task, history);
        List<String> before = feed(USERS_FEED);
        commands.del("__pgr:v{public.users:1}", "__pgr:v{public.users:2}");

        putAndSettle(task, history);

        assertThat(feed(USERS_FEED)).isEqualTo(before).hasSize(3);
    }

    @Test
    void aChangeBelowTheStreamsLastThatItNeverHeldFailsTheTaskInsteadOfVanishing() {
        RedisSinkTask task = start("errors.tolerance", "none");
        commands.xadd(USERS_FEED, new XAddArgs().id("999999-1"), Map.of("op", "u", "key", "elsewhere"));

        assertThatThrownBy(() -> putAndSettle(task, List.of(users.create(120, user(1, "a")))))
                .hasStackTraceContaining("FEEDGAP").hasStackTraceContaining("public.users:1");
        assertThat(commands.exists("public.users:1", "__pgr:v{public.users:1}")).as("nothing written").isZero();

        RedisSinkTask restarted = start("errors.tolerance", "none");
        assertThatThrownBy(() -> putAndSettle(restarted, List.of(users.create(120, user(1, "a")))))
                .as("a restart does not go on past the gap").hasStackTraceContaining("FEEDGAP");
    }

    @Test
    void aJsonMergeOfUnchangedToastColumnsAddsItsEntryOnlyOnceTheMergeSucceeded() {
        RedisSinkTask task = start(RedisSinkConfig.VALUE_FORMAT, "json", "errors.tolerance", "all");
        putAndSettle(task, List.of(users.create(140, users.row("id", 1, "name", "a", "email", "a@x.org"))));
        putAndSettle(task, List.of(users.update(141, null,
                users.row("id", 1, "name", "b", "email", RedisSinkConfig.TOAST_PLACEHOLDER_DEFAULT))));
        commands.set("public.users:2", "not a json row");
        commands.set("__pgr:v{public.users:2}", ChangeVersion.ofSourcePosition(0, 1, 2).encode() + "0".repeat(16));
        putAndSettle(task, List.of(users.update(142, null,
                users.row("id", 2, "name", "c", "email", RedisSinkConfig.TOAST_PLACEHOLDER_DEFAULT))));

        assertThat(commands.get("public.users:1")).contains("\"b\"", "a@x.org");
        assertThat(feed(USERS_FEED)).extracting(entry -> entry.substring(entry.indexOf(' ') + 1))
                .as("the refused merge of key 2 has no entry").containsExactly("c public.users:1", "u public.users:1");
    }

    @Test
    void eachVersionEpochHasAStreamOfItsOwn() {
        RedisSinkTask task = start(RedisSinkConfig.VERSION_EPOCH, "3");

        putAndSettle(task, List.of(users.create(130, user(1, "a"))));

        assertThat(feed(USERS_FEED + ":epoch3")).containsExactly("129-261 c public.users:1 a");
        assertThat(commands.exists(USERS_FEED)).isZero();
    }

    @Test
    void keyContentLeavesTheRowOutAndJsonCarriesTheDocument() {
        RedisSinkTask task = start("table.public.users.feed.content", "key", RedisSinkConfig.VALUE_FORMAT, "json",
                "table.public.orders.feed.enabled", "true");

        putAndSettle(task, List.of(users.create(200, user(1, "a")),
                orders.create(201, orders.row("id", 7, "name", "order"))));

        assertThat(commands.xrange(USERS_FEED, Range.create("-", "+")).get(0).getBody()).containsOnlyKeys("op", "key",
                "version");
        assertThat(commands.xrange("__pgr:feed:public.orders", Range.create("-", "+")).get(0).getBody().get("row"))
                .isEqualTo(commands.get("public.orders:7"));
    }

    @Test
    void aTruncateIsOneEntryAfterItsKeysAreGone() {
        RedisSinkTask task = start();
        putAndSettle(task, List.of(users.create(300, user(1, "a")), users.truncate(301)));
        putAndSettle(task, List.of(users.truncate(301)));

        assertThat(feed(USERS_FEED)).containsExactly("299-601 c public.users:1 a", "300-603 t null");
        assertThat(commands.exists("public.users:1")).isZero();
    }
}
