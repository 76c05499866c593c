package io.github.pgredis.sink.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import io.github.pgredis.sink.apply.BatchOutcome;
import io.github.pgredis.sink.apply.PendingBatches;
import io.github.pgredis.sink.testing.SinkMetricsJmx;
import io.github.pgredis.sink.testing.StubSinkTaskContext;

class SinkMetricsTest {
    private final MockTime time = new MockTime();

    /** A worker of Kafka 4.1+: the task's metrics go to its plugin metrics, tagged by the worker. */
    @Test
    void aWorkerWithPluginMetricsGetsEveryMetricTaggedWithItsTable() {
        Metrics worker = new Metrics(time);
        Map<String, String> workerTags = new HashMap<>(Map.of("connector", "c", "task", "0"));
        PluginMetrics plugin = new PluginMetricsImpl(worker, workerTags);
        SinkMetrics metrics = SinkMetrics.register(contextWith(plugin), "c", "0", time);

        metrics.batchSent(40);
        metrics.settled(PendingBatches.outcome("public.users", 7, 2, 1, 0, 0, time.milliseconds() - 750));
        time.sleep(500);

        assertThat(value(worker, "changes-applied-total", "public.users")).isEqualTo(7);
        assertThat(value(worker, "changes-skipped-total", "public.users")).isEqualTo(2);
        assertThat(value(worker, "changes-deleted-total", "public.users")).isEqualTo(1);
        assertThat(value(worker, "freshness-lag-max-ms", "public.users")).isEqualTo(750);
        assertThat(value(worker, "freshness-lag-ms", "public.users")).as("now minus the newest commit")
                .isEqualTo(1_250);
        assertThat(value(worker, "batch-size-max", null)).isEqualTo(40);
        assertThat(value(worker, "retry-backoff-ms", null)).isZero();
        worker.close();
    }

    /**
     * A worker before Kafka 4.1: its task context lacks pluginMetrics() (NoSuchMethodError), and the task reports to
     * JMX itself, under the names the worker would give, until it stops.
     */
    @Test
    void aWorkerWithoutPluginMetricsGetsTheSameNamesInJmxUntilTheTaskStops() {
        StubSinkTaskContext olderWorker = new StubSinkTaskContext(Map.of()).pluginMetrics(() -> {
            throw new NoSuchMethodError("'org.apache.kafka.common.metrics.PluginMetrics "
                    + "org.apache.kafka.connect.sink.SinkTaskContext.pluginMetrics()'");
        });
        SinkMetrics metrics = SinkMetrics.register(olderWorker, "older", "3", time);

        metrics.retrying(800);
        metrics.rewound();
        metrics.reapplied(12);
        SinkRecord unreadable = new SinkRecord("pg.public.orders", 0, null, null, null, "garbage", 5);
        metrics.settled(new BatchOutcome(List.of(new BatchOutcome.Failed(unreadable, new ConnectException("bad"))),
                Map.of(), 0, Map.of()));

        assertThat(SinkMetricsJmx.task("older", 3, "retries-total")).isEqualTo(1);
        assertThat(SinkMetricsJmx.task("older", 3, "retry-backoff-ms")).isEqualTo(800);
        metrics.recovered();
        assertThat(SinkMetricsJmx.task("older", 3, "retry-backoff-ms")).as("nothing waits for a retry").isZero();
        assertThat(SinkMetricsJmx.task("older", 3, "rewinds-total")).isEqualTo(1);
        assertThat(SinkMetricsJmx.task("older", 3, "changes-reapplied-total")).isEqualTo(12);
        assertThat(SinkMetricsJmx.table("older", 3, "public.orders", "dead-letters-total")).isEqualTo(1);
        assertThat(SinkMetricsJmx.table("older", 3, "public.orders", "freshness-lag-ms"))
                .as("no change applied yet").isEqualTo(-1);

        metrics.close();
        assertThat(SinkMetricsJmx.task("older", 3, "retries-total")).as("unregistered at stop").isNull();
    }

    /**
     * A task whose metrics the worker refuses (those of a task of the same name are still registered: it was
     * cancelled and has not finished stopping) still starts and runs; its figures are not reported, the other's stay.
     */
    @Test
    void aTaskWhoseMetricsTheWorkerRefusesStillRuns() {
        Metrics worker = new Metrics(time);
        SinkMetrics stopping = SinkMetrics.register(contextWith(new PluginMetricsImpl(worker,
                Map.of("connector", "c", "task", "0"))), "c", "0", time);
        stopping.settled(PendingBatches.outcome("public.users", 3, 0, 0, 0, 0, -1));

        SinkMetrics restarted = SinkMetrics.register(contextWith(new PluginMetricsImpl(worker,
                Map.of("connector", "c", "task", "0"))), "c", "0", time);
        restarted.batchSent(10);
        restarted.settled(PendingBatches.outcome("public.orders", 4, 0, 0, 0, 0, -1));
        restarted.retrying(100);

        assertThat(value(worker, "changes-applied-total", "public.users")).isEqualTo(3);
        assertThat(worker.metrics().keySet()).noneMatch(name -> "public.orders".equals(name.tags().get("table")));
        restarted.close();
        worker.close();
    }

    /** Two tasks of one connector in one worker keep their own figures. */
    @Test
    void twoTasksInOneWorkerCountApart() {
        Metrics worker = new Metrics(time);
        SinkMetrics first = SinkMetrics.register(contextWith(new PluginMetricsImpl(worker,
                Map.of("connector", "c", "task", "0"))), "c", "0", time);
        SinkMetrics second = SinkMetrics.register(contextWith(new PluginMetricsImpl(worker,
                Map.of("connector", "c", "task", "1"))), "c", "1", time);

        first.settled(PendingBatches.outcome("public.users", 3, 0, 0, 0, 0, -1));
        second.settled(PendingBatches.outcome("public.users", 5, 0, 0, 0, 0, -1));

        assertThat(worker.metrics().entrySet()).filteredOn(e -> e.getKey().name().equals("changes-applied-total"))
                .extracting(e -> e.getKey().tags().get("task") + "=" + e.getValue().metricValue())
                .containsExactlyInAnyOrder("0=3.0", "1=5.0");
        worker.close();
    }

    private static StubSinkTaskContext contextWith(PluginMetrics plugin) {
        return new StubSinkTaskContext(Map.of()).pluginMetrics(() -> plugin);
    }

    private static double value(Metrics worker, String name, String table) {
        for (Map.Entry<MetricName, ? extends org.apache.kafka.common.Metric> entry : worker.metrics().entrySet()) {
            MetricName metric = entry.getKey();
            if (metric.name().equals(name) && metric.group().equals("plugins")
                    && (table == null ? !metric.tags().containsKey("table")
                            : table.equals(metric.tags().get("table")))) {
                return ((Number) entry.getValue().metricValue()).doubleValue();
            }
        }
        throw new AssertionError("no metric " + name + " for " + table + " in " + worker.metrics().keySet());
    }
}
