package io.github.pgredis.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.github.pgredis.sink.RedisSinkConfig;
import io.github.pgredis.sink.errors.RedisFailure;
import io.github.pgredis.sink.event.ChangeVersion;
import io.github.pgredis.sink.redis.InternalKeys;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.redis.RedisConnection;
import io.github.pgredis.sink.redis.RedisSession;
import io.lettuce.core.KeyValue;

/**
 * Samples rows of a {@link CounterWorkload} in Redis while the sink writes them, as a cache reader would, and
 * records every observation that goes back in time: a lower counter, a lower stored version, a deleted row that
 * reappears or an inserted row that disappears.
 */
final class MonotonicReader implements AutoCloseable {
    private final CounterWorkload workload;
    private final RedisConnection redis;
    private final InternalKeys internalKeys = new InternalKeys("__pgr:");
    private final long[] counters;
    private final String[] versions;
    private final Boolean[] present;
    private final List<String> violations = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long reads;

    private MonotonicReader(Map<String, String> redisSettings, CounterWorkload workload) {
        this.workload = workload;
        this.redis = RedisConnection.open(new RedisSinkConfig(redisSettings).redisSettings());
        this.counters = new long[workload.maxId() + 1];
        this.versions = new String[workload.maxId() + 1];
        this.present = new Boolean[workload.maxId() + 1];
        this.thread = new Thread(() -> {
            try {
                sample();
            } catch (RuntimeException e) {
                // a defect of the reader must fail the test, not shorten its sampling unseen
                violations.add("the reader failed: " + e);
            }
        }, "monotonic-reader");
    }

    /** Samples through a connection made with these sink settings (any topology). */
    static MonotonicReader start(Map<String, String> redisSettings, CounterWorkload workload) {
        MonotonicReader reader = new MonotonicReader(redisSettings, workload);
        reader.thread.start();
        return reader;
    }

    private void sample() {
        Random random = new Random(42);
        while (running) {
            int id = 1 + random.nextInt(workload.maxId());
            String key = CounterWorkload.rowKey(id);
            String counter;
            String version;
            try {
                List<KeyValue<String, String>> fields = RedisSession.await(redis.commands().hmget(key, "counter",
                        internalKeys.versionField()), 5_000);
                counter = fields.get(0).getValueOrElse(null);
                // a row's version is in its hash with version.storage=row, else (and for a deleted row) in its key
                version = fields.get(1).hasValue() ? fields.get(1).getValue()
                        : RedisSession.await(redis.commands().get(internalKeys.version(key)), 5_000);
            } catch (RuntimeException failure) {
                if (RedisFailure.classify(failure) != RedisFailure.TRANSIENT) {
                    throw failure;
                }
                // a failover or restart under way: a reader retries, as an application's cache reads do (briefly: in a
                // Cluster only the failed master's slots fail until the client reads the new topology)
                ConnectClusters.sleep(5);
                continue;
            }
            check(id, counter, version);
            reads++;
            ConnectClusters.sleep(1);
        }
    }

    private void check(int id, String counter, String storedVersion) {
        String key = CounterWorkload.rowKey(id);
        boolean isPresent = counter != null;
        if (present[id] != null && present[id] != isPresent) {
            boolean deletable = id <= workload.initialRows() / 10;
            boolean inserted = id > workload.initialRows();
            if (isPresent ? !inserted : !deletable) {
                violations.add(key + (isPresent ? " reappeared after its delete" : " disappeared"));
            }
        }
        present[id] = isPresent;
        if (isPresent) {
            long value = Long.parseLong(counter);
            if (value < counters[id]) {
                violations.add(key + " counter went back from " + counters[id] + " to " + value);
            }
            counters[id] = value;
        }
        if (storedVersion != null) {
            String version = storedVersion.substring(0, ChangeVersion.ENCODED_LENGTH);
            if (versions[id] != null && version.compareTo(versions[id]) < 0) {
                violations.add(key + " version went back from " + versions[id] + " to " + version);
            }
            versions[id] = version;
        }
    }

    /** Stops sampling; the observations are complete after this. Safe to call again (close() does). */
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        redis.close();
    }

    @Override
    public void close() {
        stop();
    }

    List<String> violations() {
        return violations;
    }

    long reads() {
        return reads;
    }
}
