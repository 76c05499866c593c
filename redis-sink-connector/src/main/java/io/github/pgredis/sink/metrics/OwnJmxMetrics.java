package io.github.pgredis.sink.metrics;

import java.util.LinkedHashMap;
import java.util.List;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.utils.Time;

/**
 * A task's own metrics registry, for workers older than Kafka 4.1 (no plugin metrics): it reports to JMX under the
 * names the worker would give ({@code kafka.connect:type=plugins,connector=...,task=...}), so one set of
 * Prometheus rules serves both, and unregisters them when the task stops.
 */
final class OwnJmxMetrics implements MetricsRegistry {
    static final String JMX_DOMAIN = "kafka.connect";
    static final String GROUP = "plugins";

    private final Metrics metrics;
    private final LinkedHashMap<String, String> taskTags;

    OwnJmxMetrics(String connector, String task, Time time) {
        this.metrics = new Metrics(new MetricConfig(), List.of(new JmxReporter()), time,
                new KafkaMetricsContext(JMX_DOMAIN));
        this.taskTags = new LinkedHashMap<>();
        taskTags.put("connector", connector);
        taskTags.put("task", task);
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
