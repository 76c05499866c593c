package io.github.pgredis.sink.metrics;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.pgredis.sink.apply.BatchOutcome;
import io.github.pgredis.sink.apply.TableTally;
import io.github.pgredis.sink.event.ChangeEvent;

/**
 * The task's metrics, in group {@code plugins} tagged with the connector and task (and {@code table} for the
 * per-table ones). docs/monitoring.md describes each; the names here are the ones it and the Prometheus rules use.
 * Everything is recorded once per batch (or per retry, rewind), never per record.
 */
public final class SinkMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SinkMetrics.class);
    /** Sensor names are one namespace per worker: each task's carry a number of its own. */
    private static final AtomicLong INSTANCES = new AtomicLong();

    private final MetricsRegistry registry;
    private final Time time;
    private final String sensorPrefix = "pgredis-sink-" + INSTANCES.incrementAndGet() + ".";
    private final Sensor batchSize;
    private final Sensor roundTrip;
    private final Sensor retries;
    private final Sensor rewinds;
    private final Sensor reapplied;
    private volatile long backoffMs;
    private final Map<String, TableMetrics> tables = new ConcurrentHashMap<>();

    SinkMetrics(MetricsRegistry registry, Time time) {
        this.registry = registry;
        this.time = time;
        batchSize = sensor("batch-size");
        batchSize.add(name("batch-size-avg", "Records per batch sent to Redis, on average over the window", Map.of()),
                new Avg());
        batchSize.add(name("batch-size-max", "The largest batch sent to Redis in the window, in records", Map.of()),
                new Max());
        roundTrip = sensor("redis-round-trip-time");
        roundTrip.add(name("redis-round-trip-time-avg-ms", "Milliseconds from sending a batch to Redis until the "
                + "reply of its last write, on average over the window", Map.of()), new Avg());
        roundTrip.add(name("redis-round-trip-time-max-ms", "The longest time from sending a batch to Redis until "
                + "the reply of its last write in the window, in milliseconds", Map.of()), new Max());
        retries = total("retries-total", "Batches Redis failed transiently that the task retried", Map.of());
        rewinds = total("rewinds-total", "Times the task found Redis replaced (restarted without its data, restored, "
                + "failed over with lost writes) and rewound every partition to the offsets it holds", Map.of());
        reapplied = total("changes-reapplied-total", "Changes that had counted as applied and were applied again "
                + "after a rewind", Map.of());
        registry.add(name("retry-backoff-ms", "The pause before the next retry of a failed batch, 0 while batches "
                + "succeed", Map.of()), (Gauge<Long>) (config, now) -> backoffMs);
    }

    /**
     * The task's metrics in the worker's plugin metrics (Kafka 4.1+), else in a JMX registry of the task's own
     * under the same names.
     */
    public static SinkMetrics register(SinkTaskContext context, String connector, String task, Time time) {
        MetricsRegistry registry;
        try {
            registry = WorkerPluginMetrics.of(context);
        } catch (LinkageError | UnsupportedOperationException e) {
            registry = null;
        }
        if (registry == null) {
            log.info("The worker offers no plugin metrics (Kafka Connect before 4.1); the Redis sink's metrics are "
                    + "registered in JMX under the same names by the task itself");
            registry = new OwnJmxMetrics(connector, task, time);
        }
        return new SinkMetrics(registry, time);
    }

    public void batchSent(int records) {
        batchSize.record(records);
    }

    public void roundTrip(long nanos) {
        roundTrip.record(nanos / 1e6);
    }

    /** A batch whose replies were all checked and whose failed records went to the dead-letter queue. */
    public void settled(BatchOutcome outcome) {
        long now = time.milliseconds();
        for (Map.Entry<String, TableTally> entry : outcome.tables().entrySet()) {
            table(entry.getKey()).record(entry.getValue(), now);
        }
        if (!outcome.failed().isEmpty()) {
            Map<String, Long> perTable = new HashMap<>();
            for (BatchOutcome.Failed failed : outcome.failed()) {
                perTable.merge(ChangeEvent.tableNamedBy(failed.record().originalTopic()), 1L, Long::sum);
            }
            perTable.forEach((table, count) -> table(table).deadLetters.record(count));
        }
        backoffMs = 0;
    }

    public void retrying(long pauseMs) {
        retries.record();
        backoffMs = pauseMs;
    }

    public void rewound() {
        rewinds.record();
    }

    public void reapplied(long changes) {
        if (changes > 0) {
            reapplied.record(changes);
        }
    }

    @Override
    public void close() {
        registry.close();
    }

    private TableMetrics table(String table) {
        return tables.computeIfAbsent(table, TableMetrics::new);
    }

    private Sensor sensor(String name) {
        return registry.sensor(sensorPrefix + name);
    }

    private MetricName name(String name, String description, Map<String, String> tags) {
        return registry.name(name, description, new LinkedHashMap<>(tags));
    }

    private Sensor total(String name, String description, Map<String, String> tags) {
        Sensor sensor = registry.sensor(sensorPrefix + name + tags.values());
        sensor.add(name(name, description, tags), new CumulativeSum());
        return sensor;
    }

    /** The per-table metrics, tagged {@code table=<schema>.<table>}. */
    private final class TableMetrics {
        final Sensor applied;
        final Sensor skipped;
        final Sensor deleted;
        final Sensor invalidated;
        final Sensor notCached;
        final Sensor deadLetters;
        final Sensor lag;
        volatile long newestCommitTimeMs = ChangeEvent.UNKNOWN_TIME;

        TableMetrics(String table) {
            Map<String, String> tags = Map.of("table", table);
            applied = total("changes-applied-total", "Changes Redis took (written, deleted, invalidated or marked)",
                    tags);
            skipped = total("changes-skipped-total", "Changes the version guard skipped: Redis held them or a newer "
                    + "change of the key already (replays after a rewind or restart, stale changes)", tags);
            deleted = total("changes-deleted-total", "Applied changes that deleted a row", tags);
            invalidated = total("changes-invalidated-total", "Applied changes that removed a key in "
                    + "write.mode=invalidate", tags);
            notCached = total("changes-not-cached-total", "Applied row changes that left only a version marker "
                    + "because the key was absent (update-if-cached on a key not cached, or lacking TOAST columns)",
                    tags);
            deadLetters = total("dead-letters-total", "Records sent to the dead-letter queue (errant record reporter)",
                    tags);
            lag = registry.sensor(sensorPrefix + "freshness-lag" + tags.values());
            lag.add(name("freshness-lag-max-ms", "The largest freshness lag seen when a batch of the table was "
                    + "applied in the window: apply time minus the source commit time of its newest change", tags),
                    new Max());
            registry.add(name("freshness-lag-ms", "Now minus the source commit time of the newest change of the "
                    + "table applied; grows while the table has no changes; -1 before the first", tags),
                    (Gauge<Long>) (config, now) -> newestCommitTimeMs < 0 ? -1 : Math.max(0, now - newestCommitTimeMs));
        }

        void record(TableTally tally, long now) {
            recordIfAny(applied, tally.applied());
            recordIfAny(skipped, tally.skipped());
            recordIfAny(deleted, tally.deleted());
            recordIfAny(invalidated, tally.invalidated());
            recordIfAny(notCached, tally.notCached());
            long commitTimeMs = tally.newestCommitTimeMs();
            if (commitTimeMs >= 0) {
                lag.record(Math.max(0, now - commitTimeMs), now);
                if (commitTimeMs > newestCommitTimeMs) {
                    newestCommitTimeMs = commitTimeMs;
                }
            }
        }

        private void recordIfAny(Sensor sensor, long value) {
            if (value > 0) {
                sensor.record(value);
            }
        }
    }
}
