package io.github.pgredis.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import io.github.pgredis.sink.redis.InternalKeys;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;

/**
 * Hits and misses per table, counted in memory and added to Redis in batches ({@link #flush}), into the
 * 10-second buckets the sink's adaptive mode reads. Totals since the client started stay readable.
 */
final class ReadCounters {
    private static final class Counts {
        final LongAdder hits = new LongAdder();
        final LongAdder misses = new LongAdder();
        final LongAdder unflushedHits = new LongAdder();
        final LongAdder unflushedMisses = new LongAdder();
    }

    private final Map<String, Counts> tables = new ConcurrentHashMap<>();
    private final InternalKeys keys;
    private final long bucketRetentionMs;
    private final LongSupplier clock;

    ReadCounters(InternalKeys keys, long windowMs, LongSupplier clock) {
        this.keys = keys;
        this.bucketRetentionMs = windowMs + 2 * InternalKeys.READ_BUCKET_MS;
        this.clock = clock;
    }

    void hit(String table) {
        Counts counts = tables.computeIfAbsent(table, name -> new Counts());
        counts.hits.increment();
        counts.unflushedHits.increment();
    }

    void miss(String table) {
        Counts counts = tables.computeIfAbsent(table, name -> new Counts());
        counts.misses.increment();
        counts.unflushedMisses.increment();
    }

    long hits(String table) {
        Counts counts = tables.get(table);
        return counts == null ? 0 : counts.hits.sum();
    }

    long misses(String table) {
        Counts counts = tables.get(table);
        return counts == null ? 0 : counts.misses.sum();
    }

    /**
     * Adds what was counted since the last flush to the current bucket of each table. When a write fails the counts
     * are given back for the next flush (a write that failed after Redis applied it is then counted twice: these
     * counts steer a heuristic, they are not billing).
     */
    void flush(RedisAsyncCommands<String, String> redis) {
        long now = clock.getAsLong();
        List<Runnable> restores = new ArrayList<>();
        List<RedisFuture<?>> replies = new ArrayList<>();
        tables.forEach((table, counts) -> {
            long hits = counts.unflushedHits.sumThenReset();
            long misses = counts.unflushedMisses.sumThenReset();
            if (hits == 0 && misses == 0) {
                return;
            }
            String key = keys.readCounter(table, now);
            replies.add(redis.hincrby(key, "hits", hits));
            replies.add(redis.hincrby(key, "misses", misses));
            replies.add(redis.pexpire(key, bucketRetentionMs));
            restores.add(() -> {
                counts.unflushedHits.add(hits);
                counts.unflushedMisses.add(misses);
            });
        });
        try {
            for (RedisFuture<?> reply : replies) {
                reply.get();
            }
        } catch (Exception e) {
            restores.forEach(Runnable::run);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot add the read counts to Redis: " + e, e);
        }
    }
}
