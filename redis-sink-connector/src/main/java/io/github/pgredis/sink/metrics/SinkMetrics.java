package io.github.pgredis.sink.metrics;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

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
 * Everything is recorded once per batch (or per retry, rewind), never per record. Metrics never cost the data
 * path: a registration the worker refuses (a task of the same name not yet gone) leaves the figures unreported, with
 * a warning, and the task goes on.
 */
public final class SinkMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SinkMetrics.class);

    private final Time time;
    /** Sensor names are one namespace per worker, across class loaders too: each task's carry an id of its own. */
    private final String sensorPrefix = "pgredis-sink-" + UUID.randomUUID() + ".";
    private final Map<String, TableMetrics> tables = new HashMap<>();
    private final MetricsRegistry reported;
    private MetricsRegistry registry;
    private final TaskMetrics task;
    private volatile long backoffMs;

    SinkMetrics(MetricsRegistry registry, Time time) {
        this.time = time;
        this.reported = registry;
        this.registry = registry;
        this.task = registered(TaskMetrics::new);
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
            registry = OwnJmxMetrics.reportingToJmx(connector, task, time);
        }
        return new SinkMetrics(registry, time);
    }

    public void batchSent(int records) {
        task.batchSize.record(records);
    }

    /** Called from the thread that completes the batch's last reply. */
    public void roundTrip(long nanos) {
        task.roundTrip.record(nanos / 1e6);
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
                String table = failed.table() != null ? failed.table()
                        : ChangeEvent.tableNamedBy(failed.record().originalTopic());
                perTable.merge(table, 1L, Long::sum);
            }
            perTable.forEach((table, count) -> table(table).deadLetters.record(count));
        }
    }

    /** A failed batch is retried after {@code pauseMs}. */
    public void retrying(long pauseMs) {
        task.retries.record();
        backoffMs = pauseMs;
    }

    /** Nothing waits for a retry any more: a batch succeeded, or nothing is left to apply. */
    public void recovered() {
        backoffMs = 0;
    }

    public void rewound() {
        task.rewinds.record();
    }

    public void reapplied(long changes) {
        if (changes > 0) {
            task.reapplied.record(changes);
        }
    }

    @Override
    public void close() {
        registry.close();
        if (registry != reported) {
            reported.close();
        }
    }

    private TableMetrics table(String table) {
        TableMetrics metrics = tables.get(table);
        if (metrics == null) {
            metrics = registered(() -> new TableMetrics(table));
            tables.put(table, metrics);
        }
        return metrics;
    }

    /**
     * Registers with the current registry; when it refuses (IllegalArgumentException: a metric of that name is
     * there, a task of the same connector and number not yet gone), goes on with a registry of its own that reports
     * nowhere.
     */
    private <T> T registered(Supplier<T> registration) {
        try {
            return registration.get();
        } catch (IllegalArgumentException e) {
            if (registry != reported) {
                throw e;
            }
            log.warn("The worker refused the Redis sink's metrics ({}); this task's figures are not reported until "
                    + "it restarts", e.getMessage());
            registry = OwnJmxMetrics.unreported(time);
            return registration.get();
        }
    }

    private Sensor sensor(String name, Map<String, String> tags) {
        return registry.sensor(sensorPrefix + name + tags.values());
    }

    private MetricName name(String name, String description, Map<String, String> tags) {
        return registry.name(name, description, new LinkedHashMap<>(tags));
    }

    private Sensor total(String name, String description, Map<String, String> tags) {
        Sensor sensor = sensor(name, tags);
        sensor.add(name(name, description, tags), new CumulativeSum());
        return sensor;
    }

    /** The per-task metrics; like the per-table ones, in the registry current when they are made. */
    private final class TaskMetrics {
        final Sensor batchSize;
        final Sensor roundTrip;
        final Sensor retries;
        final Sensor rewinds;
        final Sensor reapplied;

        TaskMetrics() {
            Map<String, String> none = Map.of();
            batchSize = sensor("batch-size", none);
            batchSize.add(name("batch-size-avg", "Records per batch sent to Redis, on average over the window", none),
                    new Avg());
            batchSize.add(name("batch-size-max", "The largest batch sent to Redis in the window, in records", none),
                    new Max());
            roundTrip = sensor("redis-round-trip-time", none);
            roundTrip.add(name("redis-round-trip-time-avg-ms", "Milliseconds from sending a batch to Redis until "
                    + "the replies of its writes came back, on average over the window", none), new Avg());
            roundTrip.add(name("redis-round-trip-time-max-ms", "The longest time from sending a batch to Redis "
                    + "until the replies of its writes came back in the window, in milliseconds", none), new Max());
            retries = total("retries-total", "Batches Redis failed transiently that the task retried", none);
            rewinds = total("rewinds-total", "Times the task found Redis replaced (restarted without its data, "
                    + "restored, failed over with lost writes) and rewound every partition to the offsets it holds",
                    none);
            reapplied = total("changes-reapplied-total", "Changes that had counted as applied and were applied "
                    + "again after a rewind", none);
            registry.add(name("retry-backoff-ms", "The pause before the next retry of a failed batch, 0 once "
                    + "nothing waits for a retry", none), (Gauge<Long>) (config, now) -> backoffMs);
        }
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
            deleted = total("changes-deleted-total", "Applied deletes and tombstones", tags);
            invalidated = total("changes-invalidated-total", "Applied changes that removed a key in "
                    + "write.mode=invalidate", tags);
            notCached = total("changes-not-cached-total", "Applied row changes that left only a version marker "
                    + "because the key was absent (update-if-cached on a key not cached, or lacking TOAST columns)",
                    tags);
            deadLetters = total("dead-letters-total", "Records sent to the dead-letter queue (errant record reporter)",
                    tags);
            lag = sensor("freshness-lag", tags);
            lag.add(name("freshness-lag-max-ms", "The largest freshness lag seen when a batch of the table was "
                    + "applied in the window: apply time minus the source commit time of its newest applied change",
                    tags), new Max());
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
