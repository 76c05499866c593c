package io.github.pgredis.sink.apply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.pgredis.sink.redis.InternalKeys;
import io.github.pgredis.sink.redis.RedisSession;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;

/**
 * Decides, per table in write.mode=adaptive, whether its changes populate Redis (warming, as upsert) or only refresh
 * what is cached (as update-if-cached), from the read hits and misses the cache client counts in Redis. The state
 * changes to refreshing when the hit rate over the window reaches the target, and back to warming only when it falls
 * below the target minus the hysteresis; with fewer than {@value #MIN_READS} reads in the window it stays. Each
 * decision is written to the table's adaptive state key for operators.
 */
public final class AdaptiveModes {
    /** How often the counters are read. */
    static final long REFRESH_INTERVAL_MS = 5_000;
    /** Fewer reads than this in the window say nothing about the hit rate. */
    static final long MIN_READS = 100;

    private static final Logger log = LoggerFactory.getLogger(AdaptiveModes.class);

    /** One table's decision, a pure function of what it observes. */
    static final class TableState {
        private final double target;
        private final double hysteresis;
        private boolean refreshing;
        private double hitRate = Double.NaN;
        private long reads;

        TableState(double target, double hysteresis) {
            this.target = target;
            this.hysteresis = hysteresis;
        }

        /** Takes the window's counts; true when the state changed. */
        boolean observe(long hits, long misses) {
            reads = hits + misses;
            if (reads < MIN_READS) {
                return false;
            }
            hitRate = (double) hits / reads;
            boolean next = refreshing ? hitRate >= target - hysteresis : hitRate >= target;
            boolean changed = next != refreshing;
            refreshing = next;
            return changed;
        }

        WriteMode mode() {
            return refreshing ? WriteMode.UPDATE_IF_CACHED : WriteMode.UPSERT;
        }

        String stateName() {
            return refreshing ? "refreshing" : "warming";
        }
    }

    private final InternalKeys keys;
    private final double hysteresis;
    private final long windowMs;
    private final LongSupplier clock;
    private final Map<String, TableState> tables = new LinkedHashMap<>();
    private long nextRefreshMs;

    public AdaptiveModes(InternalKeys keys, double hysteresis, long windowMs, LongSupplier clock) {
        this.keys = keys;
        this.hysteresis = hysteresis;
        this.windowMs = windowMs;
        this.clock = clock;
    }

    /** How the table's next changes are written; a table met for the first time starts warming. */
    WriteMode resolve(String table, TableSettings settings) {
        return tables.computeIfAbsent(table, name -> new TableState(settings.adaptiveTargetHitRate(), hysteresis))
                .mode();
    }

    /**
     * Reads the counters of every adaptive table once the refresh interval has passed, in one pipelined round trip.
     * A failure to read them keeps the current decisions (both are correct, only their cost differs) and is logged;
     * the batch's own writes meet the same Redis and are handled by the failure policy.
     */
    void refreshIfDue(RedisSession session) {
        long now = clock.getAsLong();
        if (tables.isEmpty() || now < nextRefreshMs) {
            return;
        }
        nextRefreshMs = now + REFRESH_INTERVAL_MS;
        try {
            Map<String, List<RedisFuture<List<KeyValue<String, String>>>>> replies = new LinkedHashMap<>();
            for (String table : tables.keySet()) {
                List<RedisFuture<List<KeyValue<String, String>>>> buckets = new ArrayList<>();
                for (long start = now - windowMs; start <= now; start += InternalKeys.READ_BUCKET_MS) {
                    buckets.add(session.commands().hmget(keys.readCounter(table, start), "hits", "misses"));
                }
                replies.put(table, buckets);
            }
            session.flush();
            long deadline = now + session.timeoutMs();
            List<RedisFuture<Long>> written = new ArrayList<>();
            for (Map.Entry<String, List<RedisFuture<List<KeyValue<String, String>>>>> entry : replies.entrySet()) {
                long hits = 0;
                long misses = 0;
                for (RedisFuture<List<KeyValue<String, String>>> bucket : entry.getValue()) {
                    List<KeyValue<String, String>> counts = RedisSession.awaitUntil(bucket, deadline);
                    hits += count(counts.get(0));
                    misses += count(counts.get(1));
                }
                TableState state = tables.get(entry.getKey());
                if (state.observe(hits, misses)) {
                    log.info("Adaptive write mode of {}: {} at a hit rate of {} over {} reads (target {})",
                            entry.getKey(), state.stateName(), String.format("%.3f", state.hitRate), state.reads,
                            state.target);
                }
                written.add(session.commands().hset(keys.adaptiveState(entry.getKey()), Map.of("state",
                        state.stateName(), "hit.rate", Double.isNaN(state.hitRate) ? "unknown"
                                : Double.toString(state.hitRate), "reads", Long.toString(state.reads), "target",
                        Double.toString(state.target), "at", Long.toString(now))));
            }
            session.flush();
            for (RedisFuture<Long> reply : written) {
                RedisSession.awaitUntil(reply, deadline);
            }
        } catch (RedisException e) {
            log.warn("Cannot read the hit rates of the adaptive tables {}; their write modes stay as they are: {}",
                    tables.keySet(), e.toString());
        }
    }

    private static long count(KeyValue<String, String> value) {
        return value.hasValue() ? Long.parseLong(value.getValue()) : 0;
    }
}
