package io.github.pgredis.sink;

import static io.github.pgredis.sink.testing.StubSinkTaskContext.putAndSettle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.pgredis.sink.testing.ChangeRecords;
import io.github.pgredis.sink.testing.RedisServer;
import io.github.pgredis.sink.testing.RedisServerExtension;
import io.github.pgredis.sink.testing.StubSinkTaskContext;
import io.lettuce.core.api.sync.RedisCommands;

/** The task against a real redis-server: what users rely on, asserted on Redis contents. */
@ExtendWith(RedisServerExtension.class)
class RedisSinkTaskIT {
    private static final String USERS_KEY = "public.users:";
    private static final String OFFSETS_KEY = "__pgr:offsets:{it-sink}";
    private static final String VERSION_FIELD = "__pgr:v";
    private final RedisServer redis;
    private final RedisCommands<String, String> commands;
    private final List<RedisSinkTask> tasks = new ArrayList<>();
    private ChangeRecords users = ChangeRecords.users();

    RedisSinkTaskIT(RedisServer redis) {
        this.redis = redis;
        this.commands = redis.commands();
    }

    @AfterEach
    void stopTasks() {
        tasks.forEach(RedisSinkTask::stop);
    }

    private Map<String, String> config(String... extra) {
        Map<String, String> config = new HashMap<>(Map.of("name", "it-sink", RedisSinkConfig.REDIS_URI, redis.uri(),
                "errors.tolerance", "all", RedisSinkConfig.RETRY_BACKOFF_INITIAL_MS, "10"));
        for (int i = 0; i < extra.length; i += 2) {
            config.put(extra[i], extra[i + 1]);
        }
        return config;
    }

    private StubSinkTaskContext context;

    private RedisSinkTask start(Map<String, String> config) {
        context = new StubSinkTaskContext(config);
        RedisSinkTask task = new RedisSinkTask(Time.SYSTEM);
        task.initialize(context);
        task.start(config);
        task.open(List.of(new TopicPartition(users.topic(), 0)));
        tasks.add(task);
        return task;
    }

    /** A users row's hash; without its version field when the last task started keeps versions in rows. */
    private Map<String, String> row(int id) {
        Map<String, String> row = commands.hgetall(USERS_KEY + id);
        if ("row".equals(context.configs().get(RedisSinkConfig.VERSION_STORAGE))) {
            assertThat(row.remove(VERSION_FIELD)).as("the version in row %d", id).isNotNull();
        }
        return row;
    }

    /** Every row, version key and stranger's list with its contents (not the offsets, which a replay moves back). */
    private Map<String, Object> snapshot() {
        Map<String, Object> state = new TreeMap<>();
        for (String key : commands.keys("*")) {
            if (key.startsWith("__pgr:offsets:")) {
                continue;
            }
            String type = commands.type(key);
            state.put(key, switch (type) {
                case "hash" -> new TreeMap<>(commands.hgetall(key));
                case "list" -> commands.lrange(key, 0, -1);
                default -> commands.get(key);
            });
        }
        return state;
    }

    @ParameterizedTest
    @ValueSource(strings = {"key", "row"})
    void appliesCreatesUpdatesAndDeletesAsWholeRows(String versionStorage) {
        RedisSinkTask task = start(config(RedisSinkConfig.VERSION_STORAGE, versionStorage));
        Struct v1 = users.row("id", 1, "name", "alice", "email", "a@x.org");
        Struct v2 = users.row("id", 1, "name", "alice b", "email", null);
        Struct bob = users.row("id", 2, "name", "bob");

        putAndSettle(task, List.of(users.create(100, v1), users.create(101, bob)));
        assertThat(row(1)).isEqualTo(Map.of("id", "1", "name", "alice", "email", "a@x.org"));

        putAndSettle(task, List.of(users.update(102, v1, v2), users.delete(103, bob)));

        assertThat(row(1)).as("a NULLed column disappears").isEqualTo(Map.of("id", "1", "name", "alice b"));
        assertThat(commands.exists(USERS_KEY + 2)).isZero();
    }

    /**
     * More rows than one script call carries, some of them large enough to end a call early, with a refused key among
     * them: every other row lands with its newest change, and a replay of the whole batch changes nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"key", "row"})
    void aBatchOfManyCallsAppliesEveryRowAndRefusesOnlyTheFaultyOne(String versionStorage) {
        RedisSinkTask task = start(config(RedisSinkConfig.VERSION_STORAGE, versionStorage));
        commands.rpush(USERS_KEY + 150, "someone else's list");
        List<SinkRecord> batch = new ArrayList<>();
        long lsn = 1_000;
        for (int id = 1; id <= 300; id++) {
            String name = id % 25 == 0 ? "n".repeat(60_000) + id : "first " + id;
            batch.add(users.create(lsn++, users.row("id", id, "name", name)));
        }
        for (int id = 1; id <= 300; id += 7) {
            batch.add(users.update(lsn++, null, users.row("id", id, "name", "second " + id)));
        }

        putAndSettle(task, batch);
        Map<String, Object> applied = snapshot();
        putAndSettle(task, batch);

        assertThat(context.reported).hasSize(2).allSatisfy(report -> assertThat(report.error())
                .hasMessageContaining("WRONGTYPE").hasMessageContaining(USERS_KEY + 150));
        for (int id = 1; id <= 300; id++) {
            String expected = (id - 1) % 7 == 0 ? "second " + id : id % 25 == 0 ? "n".repeat(60_000) + id
                    : "first " + id;
            if (id != 150) {
                assertThat(row(id).get("name")).as("row %d", id).isEqualTo(expected);
            }
        }
        assertThat(commands.lrange(USERS_KEY + 150, 0, -1)).containsExactly("someone else's list");
        assertThat(snapshot()).as("the replay").isEqualTo(applied);
    }

    @ParameterizedTest
    @ValueSource(strings = {"key", "row"})
    void replayingAnyPrefixLeavesRedisUnchanged(String versionStorage) {
        RedisSinkTask task = start(config(RedisSinkConfig.VERSION_STORAGE, versionStorage));
        List<SinkRecord> history = new ArrayList<>();
        long lsn = 1_000;
        for (int round = 0; round < 5; round++) {
            for (int id = 1; id <= 4; id++) {
                Struct row = users.row("id", id, "name", "v" + round);
                history.add(round == 0 ? users.create(lsn++, row) : users.update(lsn++, null, row));
            }
            history.add(users.delete(lsn++, users.row("id", round % 4 + 1)));
        }
        putAndSettle(task, history);
        Map<String, Object> applied = snapshot();

        for (int prefix = 1; prefix < history.size(); prefix += 3) {
            putAndSettle(task, history.subList(0, prefix));
            assertThat(snapshot()).as("after replaying the first %d records", prefix).isEqualTo(applied);
        }
        for (SinkRecord record : history) {
            putAndSettle(task, List.of(record));
        }
        assertThat(snapshot()).isEqualTo(applied);
    }

    @ParameterizedTest
    @ValueSource(strings = {"key", "row"})
    void aDeletedRowDoesNotComeBackWhenOlderChangesAreReplayed(String versionStorage) {
        RedisSinkTask task = start(config(RedisSinkConfig.DELETE_MARKER_RETENTION_MS, "600000",
                RedisSinkConfig.VERSION_STORAGE, versionStorage));
        Struct row = users.row("id", 9, "name", "gone");
        SinkRecord create = users.create(500, row);

        putAndSettle(task, List.of(create, users.update(501, row, row)));
        putAndSettle(task, List.of(users.delete(502, row), users.tombstone(row)));
        putAndSettle(task, List.of(create, users.update(501, row, row)));

        assertThat(commands.exists(USERS_KEY + 9)).isZero();
        String marker = "__pgr:v{" + USERS_KEY + "9}";
        assertThat(commands.pttl(marker)).isBetween(1L, 600_000L);
    }

    @Test
    void withVersionsInRowsAStoredRowHoldsItsVersionAndOnlyAMissingRowHasAVersionKey() {
        RedisSinkTask task = start(config(RedisSinkConfig.VERSION_STORAGE, "row",
                RedisSinkConfig.DELETE_MARKER_RETENTION_MS, "600000"));
        Struct row = users.row("id", 1, "name", "a");
        String versionKey = "__pgr:v{" + USERS_KEY + "1}";

        putAndSettle(task, List.of(users.create(100, row), users.update(101, row, users.row("id", 1, "name", "b"))));
        assertThat(commands.hgetall(USERS_KEY + 1)).containsEntry("name", "b").containsKey(VERSION_FIELD);
        assertThat(commands.hget(USERS_KEY + 1, VERSION_FIELD)).hasSize(53);
        assertThat(commands.exists(versionKey)).isZero();

        putAndSettle(task, List.of(users.delete(102, row)));
        assertThat(commands.exists(USERS_KEY + 1)).isZero();
        assertThat(commands.pttl(versionKey)).as("the deleted row's marker").isBetween(1L, 600_000L);

        putAndSettle(task, List.of(users.update(101, row, users.row("id", 1, "name", "b"))));
        assertThat(commands.exists(USERS_KEY + 1)).as("a replayed change from before the delete").isZero();

        putAndSettle(task, List.of(users.create(103, users.row("id", 1, "name", "c"))));
        assertThat(row(1)).isEqualTo(Map.of("id", "1", "name", "c"));
        assertThat(commands.exists(versionKey)).as("the marker, now in the row again").isZero();
    }

    /** Rows keep their guard when version.storage changes, in both directions, and move as they are written. */
    @Test
    void changingWhereVersionsAreKeptKeepsEveryRowGuarded() {
        Struct v1 = users.row("id", 2, "name", "v1");
        Struct v2 = users.row("id", 2, "name", "v2");
        Struct v3 = users.row("id", 2, "name", "v3");
        String versionKey = "__pgr:v{" + USERS_KEY + "2}";
        RedisSinkTask inKeys = start(config());
        putAndSettle(inKeys, List.of(users.create(200, v1), users.update(201, v1, v2)));
        inKeys.stop();
        tasks.remove(inKeys);

        RedisSinkTask inRows = start(config(RedisSinkConfig.VERSION_STORAGE, "row"));
        putAndSettle(inRows, List.of(users.create(200, v1)));
        assertThat(commands.hget(USERS_KEY + 2, "name")).as("an older change, guarded by the version key")
                .isEqualTo("v2");
        putAndSettle(inRows, List.of(users.update(202, v2, v3)));
        assertThat(commands.hgetall(USERS_KEY + 2)).containsEntry("name", "v3").containsKey(VERSION_FIELD);
        assertThat(commands.exists(versionKey)).as("moved into the row").isZero();
        inRows.stop();
        tasks.remove(inRows);

        RedisSinkTask backInKeys = start(config());
        putAndSettle(backInKeys, List.of(users.update(201, v1, v2)));
        assertThat(row(2)).as("an older change, guarded by the version field").containsEntry("name", "v3");
        putAndSettle(backInKeys, List.of(users.update(203, v3, users.row("id", 2, "name", "v4"))));
        assertThat(commands.hgetall(USERS_KEY + 2)).isEqualTo(Map.of("id", "2", "name", "v4"));
        assertThat(commands.get(versionKey)).as("moved back into the version key").hasSize(53);
    }

    /** Back with versions in keys, a delete of a row that still holds its version in the row is guarded by it. */
    @Test
    void backInKeysADeleteOfARowThatHoldsItsVersionIsGuardedByIt() {
        Struct v1 = users.row("id", 3, "name", "v1");
        Struct v2 = users.row("id", 3, "name", "v2");
        String versionKey = "__pgr:v{" + USERS_KEY + "3}";
        RedisSinkTask inRows = start(config(RedisSinkConfig.VERSION_STORAGE, "row"));
        putAndSettle(inRows, List.of(users.create(300, v1), users.update(302, v1, v2)));
        String inRow = commands.hget(USERS_KEY + 3, VERSION_FIELD);
        inRows.stop();
        tasks.remove(inRows);

        RedisSinkTask inKeys = start(config(RedisSinkConfig.DELETE_MARKER_RETENTION_MS, "600000"));
        putAndSettle(inKeys, List.of(users.delete(301, v1)));
        assertThat(commands.hget(USERS_KEY + 3, "name")).as("an older delete").isEqualTo("v2");
        putAndSettle(inKeys, List.of(users.delete(303, v2), users.tombstone(v2)));
        assertThat(commands.exists(USERS_KEY + 3)).isZero();
        assertThat(commands.get(versionKey)).as("the marker, newer than the row's version").isGreaterThan(inRow);
        assertThat(commands.pttl(versionKey)).isBetween(1L, 600_000L);
        putAndSettle(inKeys, List.of(users.update(302, v1, v2)));
        assertThat(commands.exists(USERS_KEY + 3)).as("a replayed change from before the delete").isZero();
    }

    /** A row that expires keeps its version in its key, which outlives it, also once versions go into rows. */
    @Test
    void withVersionsInRowsARowThatExpiresKeepsItsVersionInItsKey() {
        Struct v1 = users.row("id", 4, "name", "v1");
        String versionKey = "__pgr:v{" + USERS_KEY + "4}";
        RedisSinkTask withTtl = start(config(RedisSinkConfig.TTL_MS, "600000"));
        putAndSettle(withTtl, List.of(users.create(400, v1)));
        withTtl.stop();
        tasks.remove(withTtl);

        RedisSinkTask inRows = start(config(RedisSinkConfig.VERSION_STORAGE, "row"));
        putAndSettle(inRows, List.of(users.update(401, v1, users.row("id", 4, "name", "v2"))));

        assertThat(commands.hgetall(USERS_KEY + 4)).isEqualTo(Map.of("id", "4", "name", "v2"));
        assertThat(commands.pttl(USERS_KEY + 4)).as("the row still expires").isBetween(1L, 600_000L);
        assertThat(commands.get(versionKey)).as("its version, in its key").hasSize(53);
        long rowLeft = commands.pttl(USERS_KEY + 4);
        assertThat(commands.pttl(versionKey)).as("which outlives the row by the retention, then goes")
                .isBetween(rowLeft + RedisSinkConfig.DELETE_MARKER_RETENTION_MS_DEFAULT - 60_000,
                        600_000L + RedisSinkConfig.DELETE_MARKER_RETENTION_MS_DEFAULT);
        putAndSettle(inRows, List.of(users.update(400, null, v1)));
        assertThat(commands.hget(USERS_KEY + 4, "name")).as("a replayed older change").isEqualTo("v2");
    }

    /** update-if-cached refreshes a row a cache client filled, and the version goes into it. */
    @Test
    void withVersionsInRowsACachedRowThatIsRefreshedTakesItsVersion() {
        RedisSinkTask task = start(config(RedisSinkConfig.VERSION_STORAGE, "row", RedisSinkConfig.WRITE_MODE,
                "update-if-cached"));
        commands.hset(USERS_KEY + 5, Map.of("id", "5", "name", "filled"));

        putAndSettle(task, List.of(users.update(500, null, users.row("id", 5, "name", "refreshed"))));
        assertThat(row(5)).isEqualTo(Map.of("id", "5", "name", "refreshed"));
        assertThat(commands.exists("__pgr:v{" + USERS_KEY + "5}")).isZero();

        putAndSettle(task, List.of(users.update(499, null, users.row("id", 5, "name", "older"))));
        assertThat(row(5)).as("a replayed older change").containsEntry("name", "refreshed");
    }

    @Test
    void aColumnNamedAsTheVersionFieldFailsOnlyItsRecord() {
        RedisSinkTask task = start(config());
        ChangeRecords clashing = ChangeRecords.table("public", "clash", SchemaBuilder.struct().optional()
                .field("id", Schema.INT32_SCHEMA).field(VERSION_FIELD, Schema.OPTIONAL_STRING_SCHEMA).build(), "id");
        SinkRecord clash = clashing.create(300, clashing.row("id", 1, VERSION_FIELD, "a column's value"));

        putAndSettle(task, List.of(clash, users.create(301, users.row("id", 3, "name", "c"))));

        assertThat(context.reported).singleElement().satisfies(report -> {
            assertThat(report.record()).isSameAs(clash);
            assertThat(report.error()).hasMessageContaining("public.clash:1").hasMessageContaining(VERSION_FIELD);
        });
        assertThat(commands.exists("public.clash:1")).isZero();
        assertThat(row(3)).containsEntry("name", "c");
    }

    /** apply-change.lua's side of ChangeVersion.replaces, batch by batch, with replays in both directions. */
    @ParameterizedTest
    @ValueSource(strings = {"key", "row"})
    void betweenASnapshotRowAndAChangeWhoseCommitIsUnknownRedisFollowsKafkaOrder(String versionStorage) {
        RedisSinkTask task = start(config(RedisSinkConfig.VERSION_STORAGE, versionStorage));
        Struct v0 = users.row("id", 40, "name", "snapshot");
        Struct v1 = users.row("id", 40, "name", "committed after the snapshot");
        users.atOffset(10);
        SinkRecord snapshot = users.snapshotRead(5_000, v0);
        SinkRecord openAcross = users.envelope("u", null, v1, users.source(4_000L, "[null,\"4000\"]", "false"));

        putAndSettle(task, List.of(snapshot));
        putAndSettle(task, List.of(openAcross));
        assertThat(row(40)).containsEntry("name", "committed after the snapshot");
        putAndSettle(task, List.of(snapshot));
        putAndSettle(task, List.of(snapshot, openAcross));
        assertThat(row(40)).as("after replays").containsEntry("name", "committed after the snapshot");

        Struct v2 = users.row("id", 41, "name", "second snapshot");
        users.atOffset(5);
        SinkRecord streamedBefore = users.envelope("u", null, users.row("id", 41, "name", "streamed before"),
                users.source(4_600L, "[null,\"4600\"]", "false"));
        users.atOffset(30);
        putAndSettle(task, List.of(users.snapshotRead(5_000, v2)));
        putAndSettle(task, List.of(streamedBefore));
        assertThat(row(41)).as("a change read before the snapshot row").containsEntry("name", "second snapshot");
    }

    @ParameterizedTest
    @ValueSource(strings = {"key", "row"})
    void createAndDeleteOfOneKeyInOneBatchEndDeletedAndTheReverseEndsCreated(String versionStorage) {
        RedisSinkTask task = start(config(RedisSinkConfig.VERSION_STORAGE, versionStorage));
        Struct three = users.row("id", 3, "name", "c");
        Struct four = users.row("id", 4, "name", "d");

        putAndSettle(task, List.of(users.create(10, three), users.delete(11, three), users.delete(12, four),
                users.create(13, four)));

        assertThat(commands.exists(USERS_KEY + 3)).isZero();
        assertThat(row(4)).containsEntry("name", "d");
    }

    @Test
    void unchangedToastColumnKeepsItsValueInHashAndJsonModes() {
        for (List<String> formatAndStorage : List.of(List.of("hash", "key"), List.of("hash", "row"),
                List.of("json", "key"))) {
            String format = formatAndStorage.get(0);
            commands.flushall();
            RedisSinkTask task = start(config(RedisSinkConfig.VALUE_FORMAT, format, RedisSinkConfig.VERSION_STORAGE,
                    formatAndStorage.get(1)));
            String big = "x".repeat(10_000);
            Struct full = users.row("id", 5, "name", "n1", "email", big);
            Struct toasted = users.row("id", 5, "name", "n2", "email", "__debezium_unavailable_value");

            putAndSettle(task, List.of(users.create(20, full)));
            putAndSettle(task, List.of(users.update(21, null, toasted)));

            if (format.equals("hash")) {
                assertThat(row(5)).isEqualTo(Map.of("id", "5", "name", "n2", "email", big));
            } else {
                assertThat(commands.get(USERS_KEY + 5)).isEqualTo("{\"id\":5,\"name\":\"n2\",\"email\":\"" + big + "\"}");
            }
            putAndSettle(task, List.of(users.update(22, null, toasted), users.update(23, null,
                    users.row("id", 5, "name", "n3", "email", "__debezium_unavailable_value"))));
            assertThat(format.equals("hash") ? row(5).get("email") : commands.get(USERS_KEY + 5)).contains(big);
            assertThat(commands.keys("*").toString()).doesNotContain("unavailable");
        }
    }

    @Test
    void jsonModeKeepsUnchangedToastedJsonbAndBigintArraysByteForByte() {
        RedisSinkTask task = start(config(RedisSinkConfig.VALUE_FORMAT, "json"));
        Schema json = SchemaBuilder.string().optional().name("io.debezium.data.Json").build();
        ChangeRecords docs = ChangeRecords.table("public", "docs", SchemaBuilder.struct().optional()
                .field("id", Schema.INT32_SCHEMA).field("note", Schema.OPTIONAL_STRING_SCHEMA).field("doc", json)
                .field("ids", SchemaBuilder.array(Schema.OPTIONAL_INT64_SCHEMA).optional().build()).build(), "id");
        String doc = "{\"z\": 12345678901234567890, \"b\": 0.1000000000000000055511151231257827, \"e\": [], "
                + "\"o\": {}, \"n\": {\"y\": [1, {\"x\": \"q\\\"}]\"}], \"a\": null}}";
        List<Long> ids = List.of(9_223_372_036_854_775_807L, -9_223_372_036_854_775_808L, 12_345_678_901_234_567L);
        List<Long> unavailableIds = new ArrayList<>();
        for (byte b : "__debezium_unavailable_value".getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            unavailableIds.add((long) b);
        }

        putAndSettle(task, List.of(docs.create(70, docs.row("id", 1, "note", "v1", "doc", doc, "ids", ids))));
        String stored = commands.get("public.docs:1");
        putAndSettle(task, List.of(docs.update(71, null, docs.row("id", 1, "note", "v2", "doc",
                "__debezium_unavailable_value", "ids", unavailableIds))));

        String updated = commands.get("public.docs:1");
        assertThat(updated).startsWith("{\"id\":1,\"note\":\"v2\"")
                .contains("\"doc\":" + doc).contains("\"ids\":[9223372036854775807,-9223372036854775808,"
                        + "12345678901234567]")
                .doesNotContain("unavailable").doesNotContain("95,95");
        assertThat(updated.replace("\"note\":\"v2\"", "\"note\":\"v1\"")).hasSameSizeAs(stored);
    }

    @Test
    void everyShapeOfDebeziumsToastPlaceholderKeepsTheHashField() {
        RedisSinkTask task = start(config());
        ChangeRecords arrays = ChangeRecords.table("public", "arrays", SchemaBuilder.struct().optional()
                .field("id", Schema.INT32_SCHEMA)
                .field("ints", SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).optional().build())
                .field("uuids", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build())
                .field("tags", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).optional()
                        .build()).build(), "id");
        List<Integer> unavailableInts = new ArrayList<>();
        for (byte b : "__debezium_unavailable_value".getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            unavailableInts.add((int) b);
        }
        String placeholderUuid = java.util.UUID.nameUUIDFromBytes("__debezium_unavailable_value"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();

        putAndSettle(task, List.of(arrays.create(80, arrays.row("id", 1, "ints", List.of(1, 2), "uuids",
                List.of("6f1b3c1e-0000-4000-8000-000000000001"), "tags", Map.of("k", "v")))));
        putAndSettle(task, List.of(arrays.update(81, null, arrays.row("id", 1, "ints", unavailableInts, "uuids",
                List.of(placeholderUuid), "tags", Map.of("__debezium_unavailable_value",
                        "__debezium_unavailable_value")))));

        assertThat(commands.hgetall("public.arrays:1")).isEqualTo(Map.of("id", "1", "ints", "[1,2]", "uuids",
                "[\"6f1b3c1e-0000-4000-8000-000000000001\"]", "tags", "{\"k\":\"v\"}"));
    }

    @Test
    void jsonModeStoresTheRowAsOneDocumentWithNulls() {
        RedisSinkTask task = start(config(RedisSinkConfig.VALUE_FORMAT, "JSON"));

        putAndSettle(task, List.of(users.create(30, users.row("id", 6, "name", "q\"uote"))));

        assertThat(commands.get(USERS_KEY + 6)).isEqualTo("{\"id\":6,\"name\":\"q\\\"uote\",\"email\":null}");
    }

    @Test
    void aKeyHoldingAnotherTypeFailsOnlyItsRecordWhichIsReportedWithTheCause() {
        RedisSinkTask task = start(config());
        commands.rpush(USERS_KEY + 7, "someone else's list");
        SinkRecord clash = users.create(40, users.row("id", 7, "name", "x"));

        putAndSettle(task, List.of(clash, users.create(41, users.row("id", 8, "name", "y"))));

        assertThat(context.reported).hasSize(1);
        assertThat(context.reported.get(0).record()).isSameAs(clash);
        assertThat(context.reported.get(0).error()).hasMessageContaining("WRONGTYPE")
                .hasMessageContaining(USERS_KEY + 7).hasMessageContaining("record pg.public.users-0@");
        assertThat(commands.lrange(USERS_KEY + 7, 0, -1)).containsExactly("someone else's list");
        assertThat(row(8)).containsEntry("name", "y");
    }


    @Test
    void inJsonModeAKeyHoldingAHashFailsOnlyItsRecordAndAnEmptyStringIsOverwritten() {
        RedisSinkTask task = start(config(RedisSinkConfig.VALUE_FORMAT, "JSON"));
        commands.hset(USERS_KEY + 7, "someone", "else's hash");
        commands.set(USERS_KEY + 9, "");
        SinkRecord clash = users.create(40, users.row("id", 7, "name", "x"));

        putAndSettle(task, List.of(clash, users.create(41, users.row("id", 8, "name", "y")),
                users.create(42, users.row("id", 9, "name", "z"))));

        assertThat(context.reported).hasSize(1);
        assertThat(context.reported.get(0).record()).isSameAs(clash);
        assertThat(context.reported.get(0).error()).hasMessageContaining("WRONGTYPE")
                .hasMessageContaining(USERS_KEY + 7).hasMessageContaining("holds a hash");
        assertThat(commands.hgetall(USERS_KEY + 7)).containsExactly(Map.entry("someone", "else's hash"));
        assertThat(commands.get(USERS_KEY + 8)).contains("\"name\":\"y\"");
        assertThat(commands.get(USERS_KEY + 9)).contains("\"name\":\"z\"");
    }
    /** The offset the task lets Connect commit for the partition (0 when it names none). */
    private static long committable(RedisSinkTask task, TopicPartition partition) {
        OffsetAndMetadata offset = task.preCommit(Map.of(partition, new OffsetAndMetadata(Long.MAX_VALUE)))
                .get(partition);
        return offset == null ? 0 : offset.offset();
    }

    @Test
    void aDeadLetterCountsAsAppliedOnlyOnceTheDeadLetterQueueAcknowledgedIt() {
        RedisSinkTask task = start(config());
        context.holdReports = true;
        TopicPartition partition = new TopicPartition(users.topic(), 0);
        commands.rpush(USERS_KEY + 7, "someone else's list");
        users.atOffset(0);

        putAndSettle(task, List.of(users.create(40, users.row("id", 7, "name", "x")),
                users.create(41, users.row("id", 8, "name", "y"))));
        putAndSettle(task, List.of());

        assertThat(context.reported).hasSize(1);
        assertThat(commands.hget(OFFSETS_KEY, users.topic() + "/0")).as("offsets kept in Redis").isNull();
        assertThat(committable(task, partition)).isZero();

        context.heldReports.get(0).complete(null);
        putAndSettle(task, List.of());

        assertThat(commands.hget(OFFSETS_KEY, users.topic() + "/0")).startsWith("2 ");
        assertThat(task.preCommit(Map.of(partition, new OffsetAndMetadata(2))))
                .containsEntry(partition, new OffsetAndMetadata(2));
    }

    @Test
    void aDeadLetterThatCouldNotBeWrittenFailsTheTaskNamingTheRecordAndItsOffsetNeverCounts() {
        RedisSinkTask task = start(config());
        context.holdReports = true;
        TopicPartition partition = new TopicPartition(users.topic(), 0);
        commands.rpush(USERS_KEY + 7, "someone else's list");
        users.atOffset(5);
        putAndSettle(task, List.of(users.create(40, users.row("id", 7, "name", "x"))));

        context.heldReports.get(0).completeExceptionally(new IllegalStateException("DLQ topic unavailable"));

        assertThatThrownBy(() -> putAndSettle(task, List.of())).isInstanceOf(ConnectException.class)
                .hasMessageContaining("record pg.public.users-0@5").hasMessageContaining("DLQ topic unavailable");
        assertThat(commands.hget(OFFSETS_KEY, users.topic() + "/0")).isNull();
        assertThat(committable(task, partition)).isLessThanOrEqualTo(5);
    }

    @Test
    void aValueOverTheSizeLimitIsReportedAndTheRestApplied() {
        RedisSinkTask task = start(config(RedisSinkConfig.VALUE_MAX_BYTES, "1000"));
        SinkRecord big = users.create(60, users.row("id", 30, "name", "é".repeat(600)));

        putAndSettle(task, List.of(big, users.create(61, users.row("id", 31, "name", "small"))));

        assertThat(context.reported).extracting(StubSinkTaskContext.Reported::record).containsExactly(big);
        assertThat(context.reported.get(0).error()).hasMessageContaining("value.max.bytes=1000")
                .hasMessageContaining(USERS_KEY + 30);
        assertThat(commands.exists(USERS_KEY + 30)).isZero();
        assertThat(row(31)).containsEntry("name", "small");
    }

    @Test
    void withoutErrorToleranceTheTaskFailsNamingTheRecord() {
        Map<String, String> config = config();
        config.remove("errors.tolerance");
        RedisSinkTask task = start(config);
        SinkRecord noKey = users.atOffset(55).record(null, null, null, Map.of("id", 1L));

        assertThatThrownBy(() -> putAndSettle(task, List.of(noKey))).isInstanceOf(ConnectException.class)
                .hasMessageContaining("record pg.public.users-0@55").hasMessageContaining("has no key");
    }

    @ParameterizedTest
    @ValueSource(strings = {"key", "row"})
    void tombstoneDeletesRowsOfPlainTopicsButNotNewerDebeziumRows(String versionStorage) {
        RedisSinkTask task = start(config(RedisSinkConfig.VERSION_STORAGE, versionStorage));
        SinkRecord plain = new SinkRecord("plain", 0, Schema.STRING_SCHEMA, "k", null, Map.of("v", 1L), 10);
        SinkRecord plainTombstone = new SinkRecord("plain", 0, Schema.STRING_SCHEMA, "k", null, null, 11);
        Struct row = users.row("id", 12, "name", "kept");
        users.atOffset(100);
        SinkRecord staleTombstone = users.tombstone(row);
        SinkRecord recreate = users.create(900, row);

        putAndSettle(task, List.of(plain));
        assertThat(commands.hgetall("plain:k")).containsEntry("v", "1");
        putAndSettle(task, List.of(plainTombstone));
        assertThat(commands.exists("plain:k")).isZero();

        putAndSettle(task, List.of(recreate));
        putAndSettle(task, List.of(staleTombstone));
        assertThat(row(12)).as("a replayed tombstone from before the row's newest write").containsEntry("name",
                "kept");
    }

    @ParameterizedTest
    @ValueSource(strings = {"key", "row"})
    void truncateRemovesOnlyThatTablesKeys(String versionStorage) {
        RedisSinkTask task = start(config(RedisSinkConfig.VERSION_STORAGE, versionStorage));
        ChangeRecords accounts = ChangeRecords.table("public", "users2", SchemaBuilder.struct().optional()
                .field("id", Schema.INT32_SCHEMA).build(), "id");
        List<SinkRecord> rows = new ArrayList<>();
        for (int id = 0; id < 1_200; id++) {
            rows.add(users.create(1_000 + id, users.row("id", id, "name", "n")));
        }
        rows.add(accounts.create(5, accounts.row("id", 1)));
        putAndSettle(task, rows);

        putAndSettle(task, List.of(users.truncate(5_000)));
        putAndSettle(task, List.of(users.create(10, users.row("id", 3, "name", "replayed from before the truncate"))));

        assertThat(commands.keys(USERS_KEY + "*")).isEmpty();
        assertThat(commands.exists("public.users2:1")).isEqualTo(1);
    }

    @Test
    void recordsNextOffsetsInRedisAndCommitsOnlyWhatRedisAcknowledged() {
        RedisSinkTask task = start(config());
        TopicPartition partition = new TopicPartition(users.topic(), 0);
        users.atOffset(40);

        putAndSettle(task, List.of(users.create(1, users.row("id", 1)), users.create(2, users.row("id", 2))));

        assertThat(commands.hget("__pgr:offsets:{it-sink}", users.topic() + "/0")).as("the offset, and the fence of "
                + "the server that took it").startsWith("42 ");
        assertThat(task.preCommit(Map.of(partition, new OffsetAndMetadata(99))))
                .containsEntry(partition, new OffsetAndMetadata(42));
    }

    @Test
    void alterOffsetsSetsAndRemovesTheOffsetsRedisHolds() {
        String offsetsKey = "__pgr:offsets:{it-sink}";
        commands.hset(offsetsKey, Map.of("t/0", "10", "t/1", "20"));

        Map<TopicPartition, Long> altered = new HashMap<>();
        altered.put(new TopicPartition("t", 0), 3L);
        altered.put(new TopicPartition("t", 1), null);

        boolean handled = new RedisSinkConnector().alterOffsets(config(), altered);

        assertThat(handled).isTrue();
        assertThat(commands.hgetall(offsetsKey)).isEqualTo(Map.of("t/0", "3"));
    }

    @Test
    void flattenedRecordsMapToTheTablesKeysAndRewriteDeletesAreVersionedByTheirLsn() {
        RedisSinkTask task = start(config());
        Schema flat = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA)
                .field("name", Schema.OPTIONAL_STRING_SCHEMA).field("__lsn", Schema.OPTIONAL_INT64_SCHEMA)
                .field("__deleted", Schema.OPTIONAL_STRING_SCHEMA).build();
        Struct key = users.keyOf(users.row("id", 20));
        SinkRecord created = users.record(key.schema(), key, flat,
                new Struct(flat).put("id", 20).put("name", "flat").put("__lsn", 700L).put("__deleted", "false"));
        SinkRecord deleted = users.record(key.schema(), key, flat,
                new Struct(flat).put("id", 20).put("__lsn", 701L).put("__deleted", "true"));

        putAndSettle(task, List.of(created));
        assertThat(row(20)).isEqualTo(Map.of("id", "20", "name", "flat"));
        putAndSettle(task, List.of(deleted));
        putAndSettle(task, List.of(created));

        assertThat(commands.exists(USERS_KEY + 20)).isZero();
    }

    @Test
    void openRewindsToTheOffsetsRedisHolds() {
        commands.hset("__pgr:offsets:{it-sink}", users.topic() + "/0", "17");

        start(config());

        assertThat(context.seeks).containsEntry(new TopicPartition(users.topic(), 0), 17L);
    }

    @Test
    void restartedRedisThatLostItsDataMakesTheTaskRewind() {
        RedisSinkTask task = start(config());
        users.atOffset(0);
        putAndSettle(task, List.of(users.create(1, users.row("id", 1)), users.create(2, users.row("id", 2))));
        context.seeks.clear();

        redis.restart();
        StubSinkTaskContext.putAsConnectRetries(task, List.of(users.create(3, users.row("id", 3))));

        assertThat(context.seeks).containsEntry(new TopicPartition(users.topic(), 0), 0L);
        assertThat(redis.commands().hgetall("__pgr:offsets:{it-sink}")).isEmpty();
    }

    @Test
    void unreachableRedisMakesTheBatchRetriableWithBackoffAndNothingReported() {
        RedisSinkTask task = start(config());
        putAndSettle(task, List.of(users.create(1, users.row("id", 1))));
        redis.kill();

        for (int attempt = 0; attempt < 3; attempt++) {
            assertThatThrownBy(() -> putAndSettle(task, List.of(users.create(2, users.row("id", 2)))))
                    .isInstanceOf(RetriableException.class);
        }

        assertThat(context.timeouts).hasSize(3).allMatch(ms -> ms > 0);
        assertThat(context.reported).isEmpty();
        redis.restart();
    }
}
