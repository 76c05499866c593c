package io.github.pgredis.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.pgredis.sink.RedisSinkConfig;
import io.github.pgredis.sink.apply.TableSettings;
import io.github.pgredis.sink.apply.TtlMode;
import io.github.pgredis.sink.apply.ChangeWriter;
import io.github.pgredis.sink.apply.VersionStorage;
import io.github.pgredis.sink.event.ChangeEvent;
import io.github.pgredis.sink.event.ChangeEventDecoder;
import io.github.pgredis.sink.mapping.RenderedRow;
import io.github.pgredis.sink.mapping.RowRenderer;
import io.github.pgredis.sink.mapping.ValueFormat;
import io.github.pgredis.sink.redis.InternalKeys;
import io.github.pgredis.sink.redis.LuaScript;
import io.github.pgredis.sink.redis.RedisClients;
import io.github.pgredis.sink.redis.Topology;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * Cache-aside reads of PostgreSQL rows through Redis, under the Redis sink's own rules (the sink connector's
 * configuration: same keys, same fields, same per-table settings), safe to share between threads.
 *
 * <p>{@link #get} reads the row from Redis in one round trip. On a miss it takes a lease on the key in that same
 * round trip, reads the row from PostgreSQL with a prepared statement and fills Redis; the fill lands only if no
 * change to the row was applied since the lease was taken, so a fill never brings back a value that a change
 * replaced. A reader that finds another's lease waits a few milliseconds for that reader's fill, then reads
 * PostgreSQL without filling. Hits and misses are counted per
 * table and added to Redis once a second, for the sink's write.mode=adaptive.
 */
public final class CacheClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CacheClient.class);
    private static final long FLUSH_INTERVAL_MS = 1_000;
    private static final long LONGEST_POLL_MS = 20;
    /** How often, and how long each time, a reader that finds another's lease waits for that reader's fill. */
    private static final int HOT_MISS_WAITS = 5;
    private static final long HOT_MISS_WAIT_MS = 2;

    private final RedisSinkConfig sink;
    private final DataSource postgres;
    private final String topicPrefix;
    private final long leaseMs;
    private final InternalKeys keys;
    private final ChangeEventDecoder decoder;
    private final RowRenderer renderer;
    private final String format;
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final ReadCounters counters;
    private final ScheduledExecutorService flusher;
    private final Map<String, TableReads> tables = new ConcurrentHashMap<>();
    private final String leaseTokenPrefix = UUID.randomUUID().toString();
    private final AtomicLong leases = new AtomicLong();
    /** Written and read by the flusher thread only (and by close() after it stopped). */
    private boolean countersFailing;

    /** How one table's rows are read: its primary key, the statement, the row schema and the sink's settings. */
    private record TableReads(PostgresRows.Table table, String topic, String select, Schema rowSchema,
            TableSettings settings) {
    }

    /**
     * A client for the tables of the sink connector configured by {@code sinkConfig} (the connector's JSON config
     * as a map; its Redis connection settings are used too). {@code topicPrefix} is Debezium's topic.prefix, for
     * key templates that use ${topic}. A lease lasts {@code lease}: a reader that takes longer than that between
     * its miss and its fill does not fill.
     */
    public CacheClient(Map<String, String> sinkConfig, DataSource postgres, String topicPrefix, Duration lease) {
        this.sink = RedisSinkConfig.checked(sinkConfig);
        this.postgres = postgres;
        this.topicPrefix = topicPrefix;
        this.leaseMs = lease.toMillis();
        if (leaseMs <= 0 || leaseMs >= sink.deleteMarkerRetentionMs()) {
            throw new IllegalArgumentException("a lease must last more than 0 ms and less than the sink's "
                    + RedisSinkConfig.DELETE_MARKER_RETENTION_MS + " (" + sink.deleteMarkerRetentionMs()
                    + " ms), so that a version marker outlives every lease that recorded it; got " + leaseMs + " ms");
        }
        this.keys = new InternalKeys(sink.internalKeyPrefix());
        this.decoder = new ChangeEventDecoder(sink.versionEpoch(), sink.versionField(),
                sink.flattenedMetadataPrefix());
        this.renderer = new RowRenderer(sink.valueFormat(), sink.toastPlaceholder());
        this.format = sink.valueFormat() == ValueFormat.HASH ? "hash" : "json";
        if (sink.redisSettings().topology() == Topology.CLUSTER) {
            throw new IllegalArgumentException("the cache client reaches a standalone Redis or a Sentinel master; "
                    + RedisSinkConfig.REDIS_TOPOLOGY + "=cluster is not supported by it yet");
        }
        this.redisClient = RedisClients.create(sink.redisSettings());
        try {
            this.connection = redisClient.connect();
        } catch (RuntimeException e) {
            redisClient.shutdown();
            throw e;
        }
        this.redis = connection.sync();
        this.counters = new ReadCounters(keys, sink.adaptiveWindowMs(), System::currentTimeMillis);
        this.flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pgredis-cache-counters");
            thread.setDaemon(true);
            return thread;
        });
        flusher.scheduleWithFixedDelay(this::flushCounters, FLUSH_INTERVAL_MS, FLUSH_INTERVAL_MS,
                TimeUnit.MILLISECONDS);
    }

    /** A client with leases of ten seconds. */
    public CacheClient(Map<String, String> sinkConfig, DataSource postgres, String topicPrefix) {
        this(sinkConfig, postgres, topicPrefix, Duration.ofSeconds(10));
    }

    /**
     * The row of {@code table} (schema.table) whose primary key columns have the given values, from Redis or, on a
     * miss, from PostgreSQL; empty when PostgreSQL has no such row.
     */
    public Optional<CachedRow> get(String table, Map<String, ?> primaryKey) throws SQLException {
        TableReads reads = reads(table);
        String key = key(reads, primaryKey);
        String[] rowKeys = {key, keys.version(key), keys.lease(key)};
        List<Object> reply = readOrLease(reads, rowKeys);
        for (int wait = 0; reply.size() == 1 && wait < HOT_MISS_WAITS; wait++) {
            // another reader holds the lease and is filling the row: wait for its fill rather than join the herd
            try {
                Thread.sleep(HOT_MISS_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            reply = readOrLease(reads, rowKeys);
        }
        if (((Long) reply.get(0)) == 1) {
            counters.hit(reads.table().toString());
            return Optional.of(cached(key, reply.get(1)));
        }
        counters.miss(reads.table().toString());
        String lease = reply.size() > 1 ? (String) reply.get(1) : null;
        PostgresRead read = null;
        try {
            read = readPostgres(reads, table, primaryKey);
        } finally {
            if (lease != null) {
                // a column named as the version field would be taken for the row's version: never filled
                boolean fillable = read != null && read.fresh() && key.equals(read.key()) && !(read.row() != null
                        && format.equals("hash") && ChangeWriter.namesVersionField(read.row(), keys.versionField()));
                fill(rowKeys, lease, reads.settings().ttlMs(), fillable ? read.row() : null);
            }
        }
        return Optional.ofNullable(read.row()).map(rendered -> new CachedRow(key,
                format.equals("hash") ? rendered.values() : null,
                format.equals("json") ? rendered.toJsonDocument() : null, false));
    }

    /** The cache-read script's reply: {1, row}, {0, lease} or {0} when another reader holds the lease. */
    private List<Object> readOrLease(TableReads reads, String[] rowKeys) {
        long slidingTtl = reads.settings().ttlMode() == TtlMode.SLIDING ? reads.settings().ttlMs() : 0;
        String token = leaseTokenPrefix + "-" + leases.incrementAndGet();
        return evaluate(LuaScript.CACHE_READ, ScriptOutputType.MULTI, rowKeys, format, Long.toString(slidingTtl),
                Long.toString(sink.deleteMarkerRetentionMs()), token, Long.toString(leaseMs), keys.versionField());
    }

    /**
     * A row read from PostgreSQL (null when there is none), the key the sink gives it (which differs from the key
     * asked for when PostgreSQL's = matched another spelling of the key value: 1 for a numeric 1.00, an upper-case
     * uuid, a char(n) without its padding), and whether the read ran on its own, in autocommit: only then does it
     * see every change committed before it and nothing uncommitted, which a fill relies on.
     */
    private record PostgresRead(RenderedRow row, String key, boolean fresh) {
    }

    /** {@link #get(String, Map)} for a table whose primary key is one column. */
    public Optional<CachedRow> get(String table, Object primaryKey) throws SQLException {
        TableReads reads = reads(table);
        if (reads.table().keyColumns().size() != 1) {
            throw new IllegalArgumentException("the primary key of " + table + " has the columns "
                    + reads.table().keyColumns() + ": give them as a map");
        }
        return get(table, Map.of(reads.table().keyColumns().get(0), primaryKey));
    }

    /**
     * A position to wait for with {@link #awaitApplied}: call it inside the writer's transaction once the rows it
     * waits for are locked by it (after a SELECT ... FOR UPDATE of them, or before an INSERT of a new key), and
     * before the change it waits for. No other transaction can then change those rows between this position and
     * the writer's commit, so a row whose applied change lies past the position holds the writer's change or a later
     * one.
     */
    public static long writePosition(Connection transaction) throws SQLException {
        try (PreparedStatement statement = transaction.prepareStatement("SELECT pg_current_wal_insert_lsn()::text");
                ResultSet result = statement.executeQuery()) {
            result.next();
            return parseLsn(result.getString(1));
        }
    }

    /**
     * Waits until the sink has applied to the row a change that lies at or after {@code position} (its own change or a
     * later one, deletes included), or until the timeout; true when it has. What a later {@link #get} then returns
     * reflects that change or a later one. False does not mean the change is lost: the sink may lag, or a snapshot
     * of the row (which carries no change position) replaced the change.
     */
    public boolean awaitApplied(String table, Map<String, ?> primaryKey, long position, Duration timeout)
            throws SQLException, InterruptedException {
        String rowKey = key(reads(table), primaryKey);
        long deadline = System.nanoTime() + timeout.toNanos();
        long pollMs = 1;
        while (true) {
            if (appliedAfter(appliedVersion(rowKey), position)) {
                return true;
            }
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs <= 0) {
                return false;
            }
            Thread.sleep(Math.min(pollMs, leftMs));
            pollMs = Math.min(pollMs * 2, LONGEST_POLL_MS);
        }
    }

    /**
     * The version of the change last applied to the row, found where apply-change.lua finds it: where the sink keeps
     * versions first (version.storage), then, for a hash row, the other place.
     */
    private String appliedVersion(String rowKey) {
        boolean hash = format.equals("hash");
        if (hash && sink.versionStorage() == VersionStorage.ROW) {
            String inRow = redis.hget(rowKey, keys.versionField());
            return inRow != null ? inRow : redis.get(keys.version(rowKey));
        }
        String inKey = redis.get(keys.version(rowKey));
        return inKey != null || !hash ? inKey : redis.hget(rowKey, keys.versionField());
    }

    /** Reads of the table (schema.table, or a table of public) that found the row in Redis, since this started. */
    public long hits(String table) {
        return counters.hits(qualified(table));
    }

    /** Reads of the table that did not, since this client started. */
    public long misses(String table) {
        return counters.misses(qualified(table));
    }

    private static String qualified(String table) {
        String[] name = PostgresRows.split(table);
        return name[0] + "." + name[1];
    }

    /**
     * Whether a version key's value (version of 37 hex characters: epoch 4, kind 1, commit position 16, change
     * position 16) is of a change streamed from a WAL position at or after {@code position} (the next record's
     * position, which the writer's own change may start at).
     */
    static boolean appliedAfter(String version, long position) {
        if (version == null || version.length() < 37 || version.charAt(4) != '2') {
            return false;
        }
        long change = Long.parseUnsignedLong(version.substring(21, 37), 16);
        return change != 0 && Long.compareUnsigned(change, position) >= 0;
    }

    /** A pg_lsn's text (for example 16/B374D848) as the 64-bit position Debezium reports. */
    static long parseLsn(String lsn) {
        int slash = lsn.indexOf('/');
        return Long.parseLong(lsn.substring(0, slash), 16) << 32 | Long.parseLong(lsn.substring(slash + 1), 16);
    }

    private TableReads reads(String table) throws SQLException {
        TableReads reads = tables.get(table);
        if (reads != null) {
            return reads;
        }
        String[] name = PostgresRows.split(table);
        try (Connection db = postgres.getConnection()) {
            PostgresRows.Table found = PostgresRows.table(db, name[0], name[1]);
            List<String> conditions = new ArrayList<>();
            for (String column : found.keyColumns()) {
                conditions.add(PostgresRows.quote(column) + " = ?");
            }
            String select = "SELECT * FROM " + found.qualified() + " WHERE " + String.join(" AND ", conditions);
            String topic = PostgresRows.topic(topicPrefix, found);
            Schema rowSchema;
            try (PreparedStatement statement = db.prepareStatement(select)) {
                rowSchema = PostgresRows.rowSchema(statement.getMetaData(), topic);
            }
            reads = new TableReads(found, topic, select, rowSchema, sink.table(found.schema(), found.name()));
        }
        tables.putIfAbsent(table, reads);
        return reads;
    }

    /** The row's Redis key: the sink's key template applied to a record holding only the key columns. */
    private String key(TableReads reads, Map<String, ?> primaryKey) {
        if (!primaryKey.keySet().equals(new HashSet<>(reads.table().keyColumns()))) {
            throw new IllegalArgumentException("the primary key of " + reads.table() + " is "
                    + reads.table().keyColumns() + ", got " + primaryKey.keySet());
        }
        Struct row = new Struct(reads.rowSchema());
        for (String column : reads.table().keyColumns()) {
            row.put(column, KeyValues.coerce(reads.rowSchema().field(column).schema(), column,
                    primaryKey.get(column)));
        }
        return reads.settings().keyTemplate().render(event(reads.table(), reads.topic(), reads.rowSchema(), row));
    }

    private ChangeEvent event(PostgresRows.Table table, String topic, Schema rowSchema, Struct row) {
        return decoder.decode(PostgresRows.snapshotRecord(table, topic, rowSchema, row));
    }

    private PostgresRead readPostgres(TableReads reads, String table, Map<String, ?> primaryKey)
            throws SQLException {
        try (Connection db = postgres.getConnection();
                PreparedStatement statement = db.prepareStatement(reads.select())) {
            boolean fresh = db.getAutoCommit();
            int index = 1;
            for (String column : reads.table().keyColumns()) {
                KeyValues.bind(statement, index++, KeyValues.coerce(reads.rowSchema().field(column).schema(), column,
                        primaryKey.get(column)), primaryKey.get(column));
            }
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    return new PostgresRead(null, null, fresh);
                }
                Schema rowSchema = reads.rowSchema();
                Schema current = PostgresRows.rowSchema(result.getMetaData(), reads.topic());
                if (!current.fields().equals(rowSchema.fields())) {
                    // the table's columns changed since this client first read it
                    tables.put(table, new TableReads(reads.table(), reads.topic(), reads.select(), current,
                            reads.settings()));
                    rowSchema = current;
                }
                ChangeEvent event = event(reads.table(), reads.topic(), rowSchema, PostgresRows.row(result, rowSchema));
                return new PostgresRead(reads.settings().columns().apply(renderer.render(event)),
                        reads.settings().keyTemplate().render(event), fresh);
            }
        }
    }

    /**
     * Fills the row through the lease, or only gives the lease back when there is no row to fill. A fill is an
     * optimisation: when Redis fails it, the reader still has its row and the lease expires by itself.
     */
    private void fill(String[] rowKeys, String lease, long ttlMs, RenderedRow row) {
        List<String> args = new ArrayList<>();
        args.add(lease);
        args.add(lease.substring(lease.indexOf(':') + 1));
        if (row == null || row.values().isEmpty()) {
            args.add("none");
        } else {
            args.add(format);
            args.add(Long.toString(ttlMs));
            args.add(Long.toString(sink.deleteMarkerRetentionMs()));
            if (format.equals("hash")) {
                row.values().forEach((field, value) -> {
                    args.add(field);
                    args.add(value);
                });
            } else {
                args.add(row.toJsonDocument());
            }
        }
        try {
            evaluate(LuaScript.CACHE_FILL, ScriptOutputType.INTEGER, rowKeys, args.toArray(String[]::new));
        } catch (RedisException e) {
            log.debug("Cannot fill {}: {}", rowKeys[0], e.toString());
        }
    }

    private <T> T evaluate(LuaScript script, ScriptOutputType type, String[] keyNames, String... args) {
        try {
            return redis.evalsha(script.sha(), type, keyNames, args);
        } catch (RedisNoScriptException e) {
            redis.scriptLoad(script.source());
            return redis.evalsha(script.sha(), type, keyNames, args);
        }
    }

    @SuppressWarnings("unchecked")
    private CachedRow cached(String key, Object row) {
        if (row instanceof List<?> fieldsAndValues) {
            Map<String, String> fields = new LinkedHashMap<>();
            List<String> flat = (List<String>) fieldsAndValues;
            String versionField = keys.versionField();
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                if (!flat.get(i).equals(versionField)) {
                    fields.put(flat.get(i), flat.get(i + 1));
                }
            }
            return new CachedRow(key, fields, null, true);
        }
        return new CachedRow(key, null, (String) row, true);
    }

    /** Logs the first failure of a run of them at WARN, the rest at DEBUG, and the recovery at INFO. */
    private void flushCounters() {
        try {
            counters.flush(connection.async());
            if (countersFailing) {
                countersFailing = false;
                log.info("The cache's read counts reach Redis again");
            }
        } catch (RuntimeException e) {
            if (countersFailing) {
                log.debug("Cannot add the cache's read counts to Redis: {}", e.toString());
            } else {
                countersFailing = true;
                log.warn("Cannot add the cache's read counts to Redis; they are kept for the next try: {}",
                        e.toString());
            }
        }
    }

    /** Adds the last counts to Redis and closes the connection. */
    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(FLUSH_INTERVAL_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushCounters();
        connection.close();
        redisClient.shutdown();
    }
}
