package io.github.pgredis.sink.metrics;

import java.util.LinkedHashMap;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * The worker's plugin metrics (KIP-877, Kafka 4.1+): the worker tags them with the connector and task, reports them
 * to its own reporters (JMX: {@code kafka.connect:type=plugins,connector=...,task=...}) and removes them when the
 * task stops. The only class of the sink that names {@link PluginMetrics}.
 */
final class WorkerPluginMetrics implements MetricsRegistry {
    private final PluginMetrics metrics;

    private WorkerPluginMetrics(PluginMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * The worker's plugin metrics, or null where the worker has none; throws a {@link LinkageError} on workers older
     * than Kafka 4.1, whose task context lacks the method.
     */
    static MetricsRegistry of(SinkTaskContext context) {
        PluginMetrics metrics = context.pluginMetrics();
        return metrics == null ? null : new WorkerPluginMetrics(metrics);
    }

    @Override
    public MetricName name(String name, String description, LinkedHashMap<String, String> tags) {
        return metrics.metricName(name, description, tags);
    }

    @Override
    public void add(MetricName name, MetricValueProvider<?> value) {
        metrics.addMetric(name, value);
    }

    @Override
    public Sensor sensor(String name) {
        return metrics.addSensor(name);
    }

    @Override
    public void close() {
        // the worker closes its plugin metrics after the task stops
    }
}
