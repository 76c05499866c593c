package io.github.pgredis.sink.metrics;

import java.util.LinkedHashMap;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.Sensor;

/**
 * Where a task registers its metrics: the worker's plugin metrics ({@link WorkerPluginMetrics}, Kafka 4.1+) or a
 * registry of the task's own that reports to JMX under the same names ({@link OwnJmxMetrics}, older workers). This
 * interface names no class that older workers lack, so that the sink loads on them.
 */
interface MetricsRegistry {
    /** A metric of group {@code plugins}, tagged with the connector and task and then {@code tags}. */
    MetricName name(String name, String description, LinkedHashMap<String, String> tags);

    void add(MetricName name, MetricValueProvider<?> value);

    /** A sensor; the name is unique in the worker, since sensors of every task share one namespace. */
    Sensor sensor(String name);

    /** Removes what this registry registered, where the worker does not do it itself. */
    void close();
}
