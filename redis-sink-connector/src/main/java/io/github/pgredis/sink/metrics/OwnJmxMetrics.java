package io.github.pgredis.sink.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.utils.Time;

/**
 * A task's own metrics registry. For workers older than Kafka 4.1 (no plugin metrics) it reports to JMX under the
 * names the worker would give ({@code kafka.connect:type=plugins,connector=...,task=...}), so one set of
 * Prometheus rules serves both, and unregisters them when the task stops.
 */
final class OwnJmxMetrics implements MetricsRegistry {
    static final String JMX_DOMAIN = "kafka.connect";
    static final String GROUP = "plugins";

    private final Metrics metrics;
    private final LinkedHashMap<String, String> taskTags;

    private OwnJmxMetrics(Metrics metrics, LinkedHashMap<String, String> taskTags) {
        this.metrics = metrics;
        this.taskTags = taskTags;
    }

    /**
     * A registry reporting to JMX, tagged with the connector and task. Its own count of metrics
     * ({@code type=kafka-metrics-count}) is left out of JMX: the worker's has that name.
     */
    static OwnJmxMetrics reportingToJmx(String connector, String task, Time time) {
        JmxReporter jmx = new JmxReporter();
        jmx.configure(Map.of(JmxReporter.EXCLUDE_CONFIG, ".*type=kafka-metrics-count.*"));
        LinkedHashMap<String, String> tags = new LinkedHashMap<>();
        tags.put("connector", connector);
        tags.put("task", task);
        return new OwnJmxMetrics(new Metrics(new MetricConfig(), List.of(jmx), time,
                new KafkaMetricsContext(JMX_DOMAIN)), tags);
    }

    /** A registry that keeps figures and reports them nowhere, for a task whose metrics the worker refused. */
    static OwnJmxMetrics unreported(Time time) {
        return new OwnJmxMetrics(new Metrics(new MetricConfig(), List.of(), time), new LinkedHashMap<>());
    }

    @Override
    public MetricName name(String name, String description, LinkedHashMap<String, String> tags) {
        LinkedHashMap<String, String> all = new LinkedHashMap<>(taskTags);
        all.putAll(tags);
        return metrics.metricName(name, GROUP, description, all);
    }

    @Override
    public void add(MetricName name, MetricValueProvider<?> value) {
        metrics.addMetric(name, value);
    }

    @Override
    public Sensor sensor(String name) {
        return metrics.sensor(name);
    }

    @Override
    public void close() {
        metrics.close();
    }
}
