package io.github.pgredis.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.github.pgredis.cache.CacheClient;
import io.github.pgredis.cache.CachedRow;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.PostgresServer;
import io.github.pgredis.sink.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The brief's three sync strategies side by side: readers with Zipf-skewed key popularity through each strategy,
 * while a writer changes rows in PostgreSQL at a fixed rate. A checker knows every committed version: a read is
 * stale when it returns a version older than the newest one committed before the read began.
 */
final class CacheRun implements AutoCloseable {
    private static final String TABLE = "public.items";
    /** Shorter than a strategy's run, so that cold rows expire while it is measured. */
    private static final long TTL_MS = 20_000;
    private static final int READERS = 4;
    private static final int WRITE_TICK_MS = 10;
    private static final long STALE_AGE_MS = 1_000;

    /** What one strategy measured. */
    record Result(String strategy, double readsPerSecond, double hitRate, long staleReads, long staleOlderThan1s,
            long reads, double p50Ms, double p99Ms, double postgresReadsPerSecond, double writesPerSecond,
            double redisMiB) {
    }

    /** A read of one row through a strategy: its version, or -1 when the row is not found. */
    private interface Reader {
        int read(int id) throws Exception;

        /** Reads that went to PostgreSQL. */
        long postgresReads();

        /** Reads that Redis answered. */
        long hits();
    }

    private final PostgresServer postgres;
    private final RedisServer redis;
    private final EmbeddedConnectCluster connect;
    private final int rows;
    private final int writeRate;
    private final double[] zipf;
    private final HikariDataSource pool;
    /** Per row, its newest committed version (high 32 bits) and when it was committed (ms since the start). */
    private final AtomicLongArray committed;
    private final long startNs = System.nanoTime();
    private final RedisCommands<String, String> admin;

    CacheRun(PostgresServer postgres, RedisServer redis, EmbeddedConnectCluster connect, int rows, double skew,
            int writeRate) {
        this.postgres = postgres;
        this.redis = redis;
        this.connect = connect;
        this.rows = rows;
        this.writeRate = writeRate;
        this.zipf = zipfCdf(rows, skew);
        this.committed = new AtomicLongArray(rows + 1);
        this.admin = redis.commands();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl());
        config.setUsername("postgres");
        config.setPassword("postgres");
        config.setMaximumPoolSize(READERS + 2);
        this.pool = new HikariDataSource(config);
    }

    private static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int rank = 1; rank <= n; rank++) {
            sum += 1 / Math.pow(rank, s);
            cdf[rank - 1] = sum;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= sum;
        }
        return cdf;
    }

    private int popularId() {
        int at = Arrays.binarySearch(zipf, ThreadLocalRandom.current().nextDouble());
        return (at >= 0 ? at : -at - 1) % rows + 1;
    }

    /** Creates the table and starts Debezium on it. */
    void start() {
        postgres.execute("CREATE TABLE items (id int PRIMARY KEY, v int NOT NULL, payload text NOT NULL)",
                "INSERT INTO items SELECT i, 1, repeat(md5(i::text), 6) FROM generate_series(1, " + rows + ") i");
        for (int id = 1; id <= rows; id++) {
            committed.set(id, 1L << 32);
        }
        connect.configureConnector("pg-source", postgres.debeziumConfig("pg", TABLE));
    }

    private Map<String, String> sinkConfig(String mode) {
        Map<String, String> config = ConnectClusters.sinkConfig(redis.uri());
        config.remove("topics.regex");
        config.put("topics", "pg." + TABLE);
        config.put("write.mode", mode);
        if (!mode.equals("upsert")) {
            config.put("ttl.ms", Long.toString(TTL_MS));
        }
        config.put("adaptive.window.ms", "20000");
        return config;
    }

    Result noCache(int seconds) throws Exception {
        AtomicLong reads = new AtomicLong();
        return measure("no-cache", seconds, usedMemory(), new Reader() {
            @Override
            public int read(int id) throws Exception {
                reads.incrementAndGet();
                return postgresVersion(id);
            }

            @Override
            public long postgresReads() {
                return reads.get();
            }

            @Override
            public long hits() {
                return 0;
            }
        });
    }

    /** The brief's time-based strategy as its example does it: GET, else SELECT then HSET and EXPIRE; no CDC. */
    Result ttlOnly(int seconds) throws Exception {
        admin.flushall();
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> cache = connection.sync();
            AtomicLong misses = new AtomicLong();
            AtomicLong hits = new AtomicLong();
            return measure("ttl-only", seconds, usedMemory(), new Reader() {
                @Override
                public int read(int id) throws Exception {
                    String key = TABLE + ":" + id;
                    Map<String, String> row = cache.hgetall(key);
                    if (!row.isEmpty()) {
                        hits.incrementAndGet();
                        return Integer.parseInt(row.get("v"));
                    }
                    misses.incrementAndGet();
                    try (Connection db = pool.getConnection();
                            PreparedStatement select = db.prepareStatement("SELECT * FROM items WHERE id = ?")) {
                        select.setInt(1, id);
                        try (ResultSet result = select.executeQuery()) {
                            if (!result.next()) {
                                return -1;
                            }
                            cache.hset(key, Map.of("id", Integer.toString(id), "v", result.getString("v"),
                                    "payload", result.getString("payload")));
                            cache.pexpire(key, TTL_MS);
                            return result.getInt("v");
                        }
                    }
                }

                @Override
                public long postgresReads() {
                    return misses.get();
                }

                @Override
                public long hits() {
                    return hits.get();
                }
            });
        } finally {
            client.shutdown();
        }
    }

    /** One of the sink's write modes with the cache client, the sink replaying the table into an empty Redis. */
    Result writeMode(String mode, int seconds) throws Exception {
        admin.flushall();
        long emptyBytes = usedMemory();
        String connector = "cache-" + mode;
        Map<String, String> config = sinkConfig(mode);
        connect.configureConnector(connector, config);
        try (CacheClient client = new CacheClient(config, pool, "pg")) {
            awaitCaughtUp(client, mode);
            return measure(mode, seconds, emptyBytes, new Reader() {
                @Override
                public int read(int id) throws Exception {
                    Optional<CachedRow> row = client.get(TABLE, id);
                    return row.map(found -> Integer.parseInt(found.fields().get("v"))).orElse(-1);
                }

                @Override
                public long postgresReads() {
                    return client.misses(TABLE);
                }

                @Override
                public long hits() {
                    return client.hits(TABLE);
                }
            });
        } finally {
            connect.deleteConnector(connector);
            connect.assertions().assertConnectorDoesNotExist(connector, "the sink " + connector + " was not deleted");
        }
    }

    /** A change made now is applied: the sink has replayed the topic (and every earlier run's changes). */
    private void awaitCaughtUp(CacheClient client, String mode) throws Exception {
        long position;
        try (Connection db = pool.getConnection()) {
            db.setAutoCommit(false);
            try (PreparedStatement lock = db.prepareStatement("SELECT v FROM items WHERE id = 1 FOR UPDATE")) {
                lock.executeQuery().close();
            }
            position = CacheClient.writePosition(db);
            try (PreparedStatement update = db.prepareStatement("UPDATE items SET v = v + 1 WHERE id = 1 RETURNING v");
                    ResultSet result = update.executeQuery()) {
                result.next();
                commit(1, result.getInt(1));
            }
            db.commit();
        }
        if (!client.awaitApplied(TABLE, Map.of("id", 1), position, Duration.ofMinutes(5))) {
            throw new IllegalStateException("the sink (" + mode + ") did not catch up within 5 minutes");
        }
    }

    /** Records a committed version of a row with its commit time, keeping the newest. */
    private void commit(int id, int v) {
        committed.accumulateAndGet(id, (long) v << 32 | elapsedMs(System.nanoTime()), Math::max);
    }

    private long elapsedMs(long nanoTime) {
        return TimeUnit.NANOSECONDS.toMillis(nanoTime - startNs);
    }

    private int postgresVersion(int id) throws Exception {
        try (Connection db = pool.getConnection();
                PreparedStatement select = db.prepareStatement("SELECT v FROM items WHERE id = ?")) {
            select.setInt(1, id);
            try (ResultSet result = select.executeQuery()) {
                return result.next() ? result.getInt(1) : -1;
            }
        }
    }

    /**
     * A third of the time warms up, the rest is measured; the writer runs throughout. Redis memory is what it uses
     * at the end beyond {@code baselineBytes}, what it used empty.
     */
    private Result measure(String strategy, int seconds, long baselineBytes, Reader reader) throws Exception {
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        AtomicLong writes = new AtomicLong();
        Connection writeConnection = pool.getConnection();
        PreparedStatement update = writeConnection.prepareStatement(
                "UPDATE items SET v = v + 1 WHERE id = ? RETURNING v");
        int writesPerTick = Math.max(1, writeRate * WRITE_TICK_MS / 1000);
        ScheduledFuture<?> writing = writer.scheduleAtFixedRate(() -> {
            try {
                for (int i = 0; i < writesPerTick; i++) {
                    int id = 1 + ThreadLocalRandom.current().nextInt(rows);
                    update.setInt(1, id);
                    try (ResultSet result = update.executeQuery()) {
                        result.next();
                        commit(id, result.getInt(1));
                    }
                    writes.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, 0, WRITE_TICK_MS, TimeUnit.MILLISECONDS);
        long warmupNs = TimeUnit.SECONDS.toNanos(seconds) / 3;
        long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long measureFromNs = System.nanoTime() + warmupNs;
        ExecutorService readers = Executors.newFixedThreadPool(READERS);
        List<Future<long[]>> latencies = new ArrayList<>();
        AtomicLong stale = new AtomicLong();
        AtomicLong staleOld = new AtomicLong();
        for (int r = 0; r < READERS; r++) {
            latencies.add(readers.submit(() -> {
                long[] samples = new long[1 << 16];
                int count = 0;
                while (System.nanoTime() < endNs) {
                    int id = popularId();
                    long newest = committed.get(id);
                    long floor = newest >>> 32;
                    long started = System.nanoTime();
                    int v = reader.read(id);
                    long took = System.nanoTime() - started;
                    if (started < measureFromNs) {
                        continue;
                    }
                    if (v < floor) {
                        stale.incrementAndGet();
                        // the newest version was committed at least this long before the read began
                        if (elapsedMs(started) - (newest & 0xFFFF_FFFFL) > STALE_AGE_MS) {
                            staleOld.incrementAndGet();
                        }
                    }
                    if (count == samples.length) {
                        samples = Arrays.copyOf(samples, count * 2);
                    }
                    samples[count++] = took;
                }
                return Arrays.copyOf(samples, count);
            }));
        }
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(warmupNs));
        long hitsBefore = reader.hits();
        long postgresBefore = reader.postgresReads();
        long writesBefore = writes.get();
        long measuredFrom = System.nanoTime();
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> samples : latencies) {
            all.add(samples.get());
        }
        double measuredSeconds = (System.nanoTime() - measuredFrom) / 1e9;
        long hits = reader.hits() - hitsBefore;
        long postgresReads = reader.postgresReads() - postgresBefore;
        long measuredWrites = writes.get() - writesBefore;
        readers.shutdown();
        if (writing.isDone()) {
            writing.get();
        }
        writer.shutdown();
        writer.awaitTermination(10, TimeUnit.SECONDS);
        update.close();
        writeConnection.close();
        long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        long reads = merged.length;
        double hitRate = strategy.equals("no-cache") ? 0 : (double) hits / Math.max(1, hits + postgresReads);
        return new Result(strategy, reads / measuredSeconds, hitRate, stale.get(), staleOld.get(), reads,
                percentile(merged, 0.50), percentile(merged, 0.99), postgresReads / measuredSeconds,
                measuredWrites / measuredSeconds, (usedMemory() - baselineBytes) / 1048576.0);
    }

    private static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, q * sorted.length)] / 1e6;
    }

    private long usedMemory() {
        for (String line : admin.info("memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("INFO memory has no used_memory");
    }

    @Override
    public void close() {
        pool.close();
    }
}
