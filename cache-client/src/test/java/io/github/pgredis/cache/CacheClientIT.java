package io.github.pgredis.cache;

import static io.github.pgredis.sink.testing.ConnectClusters.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.math.BigDecimal;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.github.pgredis.sink.redis.InternalKeys;
import io.github.pgredis.sink.testing.AclRules;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.PostgresServer;
import io.github.pgredis.sink.testing.RedisServer;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The cache client in front of the whole pipeline (PostgreSQL → Debezium → Kafka → sink → Redis), one table per
 * write mode, all real processes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CacheClientIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final List<String> MODES = List.of("upsert", "invalidate", "update-if-cached", "adaptive");
    /** Rows 1 to ROWS are the stress test's; the two after them belong to one test each. */
    private static final int ROWS = 20;
    private static final int MODE_ROW = ROWS + 1;
    private static final int RACE_ROW = ROWS + 2;
    private static final int TRIGGER_ROW = ROWS + 3;
    private static final long TTL_MS = 3_000;

    private PostgresServer postgres;
    private RedisServer redis;
    /** The Redis of a second sink of the same tables, which keeps versions in the rows (version.storage=row). */
    private RedisServer rowsRedis;
    private Map<String, String> rowsSinkConfig;
    private EmbeddedConnectCluster connect;
    private HikariDataSource pool;
    private RedisCommands<String, String> commands;
    private Map<String, String> sinkConfig;
    private final InternalKeys keys = new InternalKeys("__pgr:");

    private static String table(String mode) {
        return "modes_" + mode.replace('-', '_');
    }

    @BeforeAll
    void start() {
        postgres = PostgresServer.start();
        redis = RedisServer.start();
        commands = redis.commands();
        connect = ConnectClusters.start("cache", 1);
        List<String> statements = new ArrayList<>();
        List<String> tables = new ArrayList<>();
        sinkConfig = ConnectClusters.sinkConfig(redis.uri());
        sinkConfig.put("adaptive.window.ms", "10000");
        for (String mode : MODES) {
            statements.add("CREATE TABLE " + table(mode) + " (id int PRIMARY KEY, v int NOT NULL, name text)");
            statements.add("INSERT INTO " + table(mode) + " SELECT i, 1, 'row ' || i FROM generate_series(1, "
                    + TRIGGER_ROW + ") i");
            tables.add("public." + table(mode));
            sinkConfig.put("table.public." + table(mode) + ".write.mode", mode);
        }
        for (String ttlMode : List.of("fixed", "sliding")) {
            statements.add("CREATE TABLE ttl_" + ttlMode + " (id int PRIMARY KEY, v int NOT NULL)");
            statements.add("INSERT INTO ttl_" + ttlMode + " VALUES (1, 1)");
            tables.add("public.ttl_" + ttlMode);
            sinkConfig.put("table.public.ttl_" + ttlMode + ".ttl.ms", Long.toString(TTL_MS));
            sinkConfig.put("table.public.ttl_" + ttlMode + ".ttl.mode", ttlMode);
        }
        statements.add("CREATE TABLE truncated (id int PRIMARY KEY, v int NOT NULL)");
        statements.add("INSERT INTO truncated VALUES (1, 1)");
        tables.add("public.truncated");
        sinkConfig.put("table.public.truncated.write.mode", "update-if-cached");
        statements.add("CREATE TABLE odd_keys (k numeric(10,2) PRIMARY KEY, v int NOT NULL)");
        statements.add("INSERT INTO odd_keys VALUES (1.00, 1)");
        tables.add("public.odd_keys");
        statements.add("CREATE TABLE shaped (id int PRIMARY KEY, secret text, full_name text, price numeric(10,3), "
                + "at timestamptz, doc jsonb, tags text[], uid uuid, raw bytea)");
        statements.add("INSERT INTO shaped VALUES (1, 'hidden', 'Ann', 12.5, '2024-01-02 03:04:05.5+02', "
                + "'{\"a\": [1, 2]}', '{x,\"y z\"}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x00ff')");
        tables.add("public.shaped");
        sinkConfig.put("table.public.shaped.key.template", "shaped:${key.id}");
        sinkConfig.put("table.public.shaped.columns.exclude", "secret");
        sinkConfig.put("table.public.shaped.columns.rename", "full_name:name");
        // not captured: the sink would refuse its rows, the cache client must not fill them
        statements.add("CREATE TABLE clashing (id int PRIMARY KEY, \"__pgr:v\" text)");
        statements.add("INSERT INTO clashing VALUES (1, 'a column, not a version')");
        postgres.execute(statements.toArray(String[]::new));
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl());
        config.setUsername("postgres");
        config.setPassword("postgres");
        config.setMaximumPoolSize(8);
        pool = new HikariDataSource(config);
        Map<String, String> source = postgres.debeziumConfig("pg", String.join(",", tables));
        source.put("skipped.operations", "none");
        connect.configureConnector("pg-source", source);
        connect.configureConnector("redis-sink", sinkConfig);
        rowsRedis = RedisServer.start();
        rowsSinkConfig = new HashMap<>(sinkConfig);
        rowsSinkConfig.keySet().removeIf(key -> key.endsWith(".ttl.ms") || key.endsWith(".ttl.mode"));
        rowsSinkConfig.put("redis.uri", rowsRedis.uri());
        rowsSinkConfig.put("version.storage", "row");
        connect.configureConnector("redis-sink-rows", rowsSinkConfig);
        for (String mode : MODES) {
            await(WAIT, "the snapshot of " + table(mode) + " was applied",
                    () -> commands.exists(keys.version("public." + table(mode) + ":" + RACE_ROW)) == 1);
        }
        for (String mode : List.of("upsert", "update-if-cached")) {
            String key = "public." + table(mode) + ":" + RACE_ROW;
            await(WAIT, "the snapshot of " + table(mode) + " was applied with versions in rows",
                    () -> rowsRedis.commands().exists(keys.version(key)) == 1
                            || rowsRedis.commands().hexists(key, keys.versionField()));
        }
        await(WAIT, "the snapshot of shaped was applied", () -> commands.exists("shaped:1") == 1);
        await(WAIT, "the snapshot of odd_keys was applied", () -> commands.exists("public.odd_keys:1.00") == 1);
        await(WAIT, "the snapshot of truncated was applied",
                () -> commands.exists(keys.version("public.truncated:1")) == 1);
        for (String ttlMode : List.of("fixed", "sliding")) {
            await(WAIT, "the snapshot of ttl_" + ttlMode + " was applied",
                    () -> commands.exists(keys.version("public.ttl_" + ttlMode + ":1")) == 1);
        }
    }

    @AfterAll
    void stop() {
        pool.close();
        connect.stop();
        rowsRedis.close();
        redis.close();
        postgres.close();
    }

    private CacheClient client(DataSource dataSource) {
        return new CacheClient(sinkConfig, dataSource, "pg");
    }

    /** Updates the row in its own transaction, then waits until the sink has applied it; the new v. */
    private int update(CacheClient client, String table, int id) throws Exception {
        int v;
        long position;
        try (Connection db = pool.getConnection()) {
            db.setAutoCommit(false);
            try (PreparedStatement lock = db.prepareStatement("SELECT v FROM " + table + " WHERE id = ? FOR UPDATE")) {
                lock.setInt(1, id);
                lock.executeQuery().close();
            }
            position = CacheClient.writePosition(db);
            try (PreparedStatement change = db.prepareStatement(
                    "UPDATE " + table + " SET v = v + 1 WHERE id = ? RETURNING v")) {
                change.setInt(1, id);
                try (ResultSet result = change.executeQuery()) {
                    result.next();
                    v = result.getInt(1);
                }
            }
            db.commit();
        }
        assertThat(client.awaitApplied("public." + table, Map.of("id", id), position, WAIT))
                .as("the sink applied v%d of %s:%d", v, table, id).isTrue();
        return v;
    }

    private static int v(Optional<CachedRow> row) {
        return Integer.parseInt(row.orElseThrow().fields().get("v"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"upsert", "invalidate", "update-if-cached", "adaptive"})
    void eachModeKeepsRedisToWhatItPromisesAndReadsAreFresh(String mode) throws Exception {
        String table = table(mode);
        String key = "public." + table + ":" + MODE_ROW;
        try (CacheClient client = client(pool)) {
            boolean stored = mode.equals("upsert") || mode.equals("adaptive");
            assertThat(commands.exists(key)).as("a snapshot row is stored only by a mode that populates")
                    .isEqualTo(stored ? 1L : 0L);

            Optional<CachedRow> first = client.get("public." + table, MODE_ROW);
            assertThat(first.orElseThrow().fields()).isEqualTo(Map.of("id", Integer.toString(MODE_ROW), "v", "1", "name",
                    "row " + MODE_ROW));
            assertThat(first.get().fromCache()).isEqualTo(stored);
            assertThat(commands.hgetall(key)).as("a miss fills the key").isEqualTo(first.get().fields());
            assertThat(client.get("public." + table, MODE_ROW).orElseThrow().fromCache()).isTrue();

            int v = update(client, table, MODE_ROW);
            if (mode.equals("invalidate")) {
                assertThat(commands.exists(key)).as("the change invalidated the key").isZero();
            } else {
                assertThat(commands.hget(key, "v")).as("the change refreshed the cached key")
                        .isEqualTo(Integer.toString(v));
            }
            assertThat(v(client.get("public." + table, MODE_ROW))).isEqualTo(v);
            assertThat(client.get("public." + table, 999)).isEmpty();
            assertThat(client.hits("public." + table)).isPositive();
            assertThat(client.misses("public." + table)).isPositive();
        }
    }

    /**
     * The cache-aside race, made deterministic: a reader misses, reads the row from PostgreSQL and is held before
     * its fill while a change is committed and applied; its fill must not land.
     */
    @ParameterizedTest
    @ValueSource(strings = {"upsert", "invalidate", "update-if-cached", "adaptive"})
    void aFillHeldPastAnAppliedChangeNeverLands(String mode) throws Exception {
        String table = table(mode);
        String key = "public." + table + ":" + RACE_ROW;
        try (HeldReader reader = new HeldReader()) {
            commands.del(key);
            int before = Integer.parseInt(postgres.query("SELECT v FROM " + table + " WHERE id = " + RACE_ROW));
            reader.readUntilHeld("public." + table, RACE_ROW);

            int v = update(reader.client(), table, RACE_ROW);

            assertThat(v(reader.release())).as("the reader read before the change").isEqualTo(before);
            String cached = commands.hget(key, "v");
            assertThat(cached).as("no stale fill").isNotEqualTo(Integer.toString(before));
            switch (mode) {
                case "upsert" -> assertThat(cached).isEqualTo(Integer.toString(v));
                case "adaptive" -> assertThat(cached).as("written when warming, absent when refreshing")
                        .isIn(Integer.toString(v), null);
                default -> assertThat(cached).isNull();
            }
            assertThat(v(reader.client().get("public." + table, RACE_ROW))).isEqualTo(v);
        }
    }

    /**
     * With versions in rows: the race above, a wait that reads the row's version field, and a hit that shows only
     * the row's columns.
     */
    @ParameterizedTest
    @ValueSource(strings = {"upsert", "update-if-cached"})
    void withVersionsInRowsAFillHeldPastAnAppliedChangeNeverLandsAndAHitShowsOnlyColumns(String mode)
            throws Exception {
        String table = table(mode);
        String key = "public." + table + ":" + RACE_ROW;
        RedisCommands<String, String> rows = rowsRedis.commands();
        try (HeldReader reader = new HeldReader(rowsSinkConfig)) {
            rows.del(key);
            int before = Integer.parseInt(postgres.query("SELECT v FROM " + table + " WHERE id = " + RACE_ROW));
            reader.readUntilHeld("public." + table, RACE_ROW);

            int v = update(reader.client(), table, RACE_ROW);

            assertThat(v(reader.release())).as("the reader read before the change").isEqualTo(before);
            if (mode.equals("upsert")) {
                assertThat(rows.hget(key, "v")).isEqualTo(Integer.toString(v));
                assertThat(rows.hexists(key, keys.versionField())).isTrue();
                assertThat(rows.exists(keys.version(key))).isZero();
                Optional<CachedRow> hit = reader.client().get("public." + table, RACE_ROW);
                assertThat(hit.orElseThrow().fromCache()).isTrue();
                assertThat(hit.get().fields()).isEqualTo(Map.of("id", Integer.toString(RACE_ROW), "v",
                        Integer.toString(v), "name", "row " + RACE_ROW));
            } else {
                assertThat(rows.exists(key)).as("no stale fill").isZero();
                assertThat(v(reader.client().get("public." + table, RACE_ROW))).isEqualTo(v);
            }
        }
    }

    /**
     * A key value that PostgreSQL's = matches but that the sink spells otherwise (numeric 1 for 1.00) reads the row
     * and never fills a key that no change would ever refresh.
     */
    /**
     * docs/security.md's rule for the cache client, read from the doc: a miss filled, a hit, read counters, and a
     * wait for a write to be applied (read-your-writes).
     */
    @Test
    void theDocumentedCacheClientUserReadsFillsCountsAndWaits() throws Exception {
        String password = "cache-acl-password";
        AclRules.create(commands, AclRules.documented("cache-client-acl"), "pgredis-cache-test", password);
        Map<String, String> asUser = new HashMap<>(sinkConfig);
        asUser.put("redis.username", "pgredis-cache-test");
        asUser.put("redis.password", password);
        String table = "public." + table("invalidate");
        commands.del(table + ":1");
        try (CacheClient client = new CacheClient(asUser, pool, "pg")) {
            assertThat(client.get(table, 1).orElseThrow().fromCache()).as("a miss, filled").isFalse();
            assertThat(client.get(table, 1).orElseThrow().fromCache()).as("then a hit").isTrue();
            update(client, table("upsert"), 2);
        }
        assertThat(commands.keys("__pgr:reads:" + table + ":*")).as("its reads counted").isNotEmpty();
    }

    @Test
    void aKeyValueSpelledOtherwiseThanTheSinkDoesIsReadButNeverFilled() throws Exception {
        try (CacheClient client = client(pool)) {
            assertThat(client.get("public.odd_keys", new BigDecimal("1")).orElseThrow().fromCache())
                    .isFalse();
            assertThat(commands.exists("public.odd_keys:1")).isZero();
            assertThat(client.get("public.odd_keys", new BigDecimal("1.00")).orElseThrow().fromCache())
                    .isTrue();
        }
    }

    /** A column named as the version field would be taken for the row's version: read, never filled. */
    @Test
    void aRowWithAColumnNamedAsTheVersionFieldIsReadButNeverFilled() throws Exception {
        String key = "public.clashing:1";
        try (CacheClient client = client(pool)) {
            CachedRow read = client.get("public.clashing", 1).orElseThrow();
            assertThat(read.fromCache()).isFalse();
            assertThat(read.fields()).containsEntry(keys.versionField(), "a column, not a version");
            assertThat(commands.exists(key)).isZero();
            assertThat(commands.exists(keys.lease(key))).as("the lease is given back").isZero();
            assertThat(client.get("public.clashing", 1).orElseThrow().fromCache()).isFalse();
        }
    }

    /** A read inside the caller's transaction may see an old snapshot or its own uncommitted change: no fill. */
    @Test
    void aConnectionOutsideAutocommitIsReadFromButNeverFills() throws Exception {
        String key = "public." + table("invalidate") + ":" + MODE_ROW;
        DataSource inTransaction = (DataSource) Proxy.newProxyInstance(CacheClientIT.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(method, pool, args);
                    if (result instanceof Connection connection) {
                        connection.setAutoCommit(false);
                    }
                    return result;
                });
        try (CacheClient client = client(inTransaction)) {
            commands.del(key);
            assertThat(client.get("public." + table("invalidate"), MODE_ROW)).isPresent();
            assertThat(commands.exists(key)).isZero();
            assertThat(commands.exists(keys.lease(key))).as("the lease is given back").isZero();
        }
    }

    /** A reader that finds another reader's lease reads PostgreSQL and leaves the fill to the lease's holder. */
    @Test
    void aReaderThatFindsAnothersLeaseNeitherFillsNorTakesIt() throws Exception {
        String key = "public." + table("invalidate") + ":" + TRIGGER_ROW;
        commands.set(keys.lease(key), "another-reader:", SetArgs.Builder.px(60_000));
        try (CacheClient client = client(pool)) {
            Optional<CachedRow> row = client.get("public." + table("invalidate"), TRIGGER_ROW);

            assertThat(row.orElseThrow().fromCache()).isFalse();
            assertThat(commands.exists(key)).isZero();
            assertThat(commands.get(keys.lease(key))).isEqualTo("another-reader:");
        } finally {
            commands.del(keys.lease(key));
        }
    }

    /** The same race with a TRUNCATE as the change: the row is gone, and the held fill must not bring it back. */
    @Test
    void aFillHeldPastATruncateNeverLands() throws Exception {
        try (HeldReader reader = new HeldReader()) {
            String marker = commands.get(keys.version("public.truncated:1"));
            reader.readUntilHeld("public.truncated", 1);

            postgres.execute("TRUNCATE truncated");
            await(WAIT, "the truncate was applied",
                    () -> !marker.equals(commands.get(keys.version("public.truncated:1"))));

            assertThat(reader.release()).as("the reader read before the truncate").isPresent();
            assertThat(commands.exists("public.truncated:1")).as("no fill of a truncated row").isZero();
            assertThat(reader.client().get("public.truncated", 1)).isEmpty();
        }
    }

    /**
     * Reads that hit reach the target: the sink stops populating the table and only refreshes what is cached. The
     * sink decides when changes come (at most every 5 seconds), so a change of another row carries the decision.
     */
    @Test
    void adaptiveStopsWarmingOnceReadsHitAndItsStateSaysSo() throws Exception {
        String table = table("adaptive");
        try (CacheClient client = client(pool)) {
            await(WAIT, "the adaptive table turned to refreshing", () -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        client.get("public." + table, MODE_ROW);
                    }
                    Thread.sleep(1_500);
                    update(client, table, TRIGGER_ROW);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return "refreshing".equals(commands.hget(keys.adaptiveState("public." + table), "state"));
            });
            long position;
            try (Connection db = pool.getConnection()) {
                position = CacheClient.writePosition(db);
            }
            postgres.execute("INSERT INTO " + table + " VALUES (1000, 1, 'new')");
            assertThat(client.awaitApplied("public." + table, Map.of("id", 1000), position, WAIT)).isTrue();
            assertThat(commands.exists("public." + table + ":1000")).as("a new row is not populated").isZero();
            assertThat(v(client.get("public." + table, 1000))).isEqualTo(1);
        }
    }

    /**
     * Several readers, writers and an evictor over all four modes at once. Every write is confirmed applied before
     * it counts; no read may return a version older than the last write confirmed before the read began, and at
     * the end every key in Redis must equal its row.
     */
    @Test
    void aRandomizedStressFindsNoStaleReadAndLeavesNoStaleKey() throws Exception {
        Map<String, AtomicLong> confirmed = new ConcurrentHashMap<>();
        for (String mode : MODES) {
            for (int id = 1; id <= ROWS; id++) {
                confirmed.put(table(mode) + ":" + id, new AtomicLong(Long.parseLong(postgres.query(
                        "SELECT v FROM " + table(mode) + " WHERE id = " + id))));
            }
        }
        List<String> stale = new ArrayList<>();
        AtomicLong reads = new AtomicLong();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(7);
        try (CacheClient client = client(pool)) {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                writers.add(threads.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        String table = table(MODES.get(ThreadLocalRandom.current().nextInt(MODES.size())));
                        int id = 1 + ThreadLocalRandom.current().nextInt(ROWS);
                        int v = update(client, table, id);
                        confirmed.get(table + ":" + id).accumulateAndGet(v, Math::max);
                    }
                    return null;
                }));
            }
            List<Future<?>> others = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                others.add(threads.submit(() -> {
                    while (writing.get()) {
                        String table = table(MODES.get(ThreadLocalRandom.current().nextInt(MODES.size())));
                        int id = 1 + ThreadLocalRandom.current().nextInt(ROWS);
                        long floor = confirmed.get(table + ":" + id).get();
                        int v = v(client.get("public." + table, id));
                        reads.incrementAndGet();
                        if (v < floor) {
                            synchronized (stale) {
                                stale.add(table + ":" + id + " read v" + v + " after v" + floor + " was applied");
                            }
                        }
                    }
                    return null;
                }));
            }
            others.add(threads.submit(() -> {
                RedisCommands<String, String> evictor = redis.commands();
                while (writing.get()) {
                    String table = table(MODES.get(ThreadLocalRandom.current().nextInt(MODES.size())));
                    evictor.del("public." + table + ":" + (1 + ThreadLocalRandom.current().nextInt(ROWS)));
                    Thread.sleep(5);
                }
                return null;
            }));
            for (Future<?> writer : writers) {
                writer.get(10, TimeUnit.MINUTES);
            }
            writing.set(false);
            for (Future<?> other : others) {
                other.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(stale).isEmpty();
        assertThat(reads.get()).as("reads made").isGreaterThan(1_000);
        for (String mode : MODES) {
            for (int id = 1; id <= ROWS; id++) {
                String cached = commands.hget("public." + table(mode) + ":" + id, "v");
                if (cached != null) {
                    assertThat(cached).as("%s:%d left in Redis", table(mode), id)
                            .isEqualTo(postgres.query("SELECT v FROM " + table(mode) + " WHERE id = " + id));
                }
            }
        }
    }

    /** The client renders a row exactly as the sink does, under the table's own key template and columns. */
    @Test
    void aFillEqualsWhatTheSinkWrote() throws Exception {
        Map<String, String> written = commands.hgetall("shaped:1");
        assertThat(written).doesNotContainKeys("secret", "full_name").containsEntry("name", "Ann")
                .containsEntry("price", "12.500").containsKeys("at", "doc", "tags", "uid", "raw");
        commands.del("shaped:1");
        try (CacheClient client = client(pool)) {
            assertThat(client.get("public.shaped", 1).orElseThrow().fields()).isEqualTo(written);
        }
        assertThat(commands.hgetall("shaped:1")).isEqualTo(written);
    }

    @Test
    void aFixedTimeToLiveRunsFromTheWriteAndASlidingOneFromEachRead() throws Exception {
        try (CacheClient client = client(pool)) {
            for (String ttlMode : List.of("fixed", "sliding")) {
                String key = "public.ttl_" + ttlMode + ":1";
                commands.del(key);
                commands.pexpire(keys.version(key), 1_000);
                assertThat(client.get("public.ttl_" + ttlMode, 1)).isPresent();
                assertThat(commands.pttl(key)).as("a fill sets the time to live").isBetween(1L, TTL_MS);
                assertThat(commands.pttl(keys.version(key))).as("a fill makes the version outlive the row")
                        .isGreaterThan(TTL_MS);
            }
            Thread.sleep(1_000);
            commands.pexpire(keys.version("public.ttl_sliding:1"), 1_000);
            client.get("public.ttl_fixed", 1);
            client.get("public.ttl_sliding", 1);
            assertThat(commands.pttl("public.ttl_fixed:1")).as("a read leaves a fixed time to live")
                    .isBetween(1L, TTL_MS - 1_000);
            assertThat(commands.pttl("public.ttl_sliding:1")).as("a read starts a sliding one again")
                    .isGreaterThan(TTL_MS - 500);
            assertThat(commands.pttl(keys.version("public.ttl_sliding:1")))
                    .as("a sliding read makes the version outlive the row again").isGreaterThan(TTL_MS);

            update(client, "ttl_fixed", 1);
            assertThat(commands.pttl("public.ttl_fixed:1")).as("the sink's write sets it again")
                    .isGreaterThan(TTL_MS - 1_000);
            await(WAIT, "the fixed row expired", () -> commands.exists("public.ttl_fixed:1") == 0);
            assertThat(v(client.get("public.ttl_fixed", 1))).isEqualTo(2);
        }
    }

    /**
     * A row written with versions in rows, then read with a sliding time to live (the setting changed to key and a
     * ttl.ms): its version moves to its version key before the row is made to expire, so it outlives the row.
     */
    @Test
    void aSlidingReadOfARowHoldingItsVersionMovesTheVersionOutOfTheRow() throws Exception {
        String key = "public.ttl_sliding:1";
        try (CacheClient client = client(pool)) {
            client.get("public.ttl_sliding", 1);
            String version = commands.get(keys.version(key));
            assertThat(version).as("the row's version").isNotNull();
            commands.del(keys.version(key));
            commands.persist(key);
            commands.hset(key, keys.versionField(), version);

            CachedRow hit = client.get("public.ttl_sliding", 1).orElseThrow();
            assertThat(hit.fromCache()).isTrue();
            assertThat(hit.fields()).doesNotContainKey(keys.versionField());
            assertThat(commands.hexists(key, keys.versionField())).isFalse();
            assertThat(commands.get(keys.version(key))).isEqualTo(version);
            assertThat(commands.pttl(key)).isBetween(1L, TTL_MS);
            assertThat(commands.pttl(keys.version(key))).as("the version outlives the row").isGreaterThan(TTL_MS);
        }
    }

    /** A cache client whose first row read from PostgreSQL is held, before its fill, until released. */
    private final class HeldReader implements AutoCloseable {
        private final CountDownLatch readDone = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicBoolean holding = new AtomicBoolean(true);
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final CacheClient client;
        private Future<Optional<CachedRow>> read;

        /** A reader for the sink of {@code config}. */
        HeldReader(Map<String, String> config) {
            client = new CacheClient(config, pausingAfterRowReads(pool, () -> {
                if (holding.getAndSet(false)) {
                    readDone.countDown();
                    awaitLatch(released);
                }
            }), "pg");
        }

        HeldReader() {
            this(sinkConfig);
        }

        CacheClient client() {
            return client;
        }

        /** Starts a read of the row and returns once the reader has read it from PostgreSQL. */
        void readUntilHeld(String table, int id) throws InterruptedException {
            read = thread.submit(() -> client.get(table, id));
            assertThat(readDone.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the reader reached PostgreSQL")
                    .isTrue();
        }

        /** Lets the reader go on to its fill; what it read. */
        Optional<CachedRow> release() throws Exception {
            released.countDown();
            return read.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            released.countDown();
            thread.shutdownNow();
            client.close();
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the reader");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A data source whose row reads (SELECT * ... by primary key) run {@code afterRead} once they returned. */
    private static DataSource pausingAfterRowReads(DataSource pool, Runnable afterRead) {
        return (DataSource) Proxy.newProxyInstance(CacheClientIT.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(method, pool, args);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    Connection connection = (Connection) result;
                    return Proxy.newProxyInstance(CacheClientIT.class.getClassLoader(),
                            new Class<?>[] {Connection.class}, (InvocationHandler) (p, m, a) -> {
                                Object made = invoke(m, connection, a);
                                if (!m.getName().equals("prepareStatement") || !((String) a[0]).startsWith(
                                        "SELECT * FROM")) {
                                    return made;
                                }
                                PreparedStatement statement = (PreparedStatement) made;
                                return Proxy.newProxyInstance(CacheClientIT.class.getClassLoader(),
                                        new Class<?>[] {PreparedStatement.class}, (sp, sm, sa) -> {
                                            Object value = invoke(sm, statement, sa);
                                            if (sm.getName().equals("executeQuery")) {
                                                afterRead.run();
                                            }
                                            return value;
                                        });
                            });
                });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
