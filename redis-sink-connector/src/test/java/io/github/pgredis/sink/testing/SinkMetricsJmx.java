package io.github.pgredis.sink.testing;

import java.lang.management.ManagementFactory;

import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.ObjectName;

/** Reads the sink's metrics where a Prometheus JMX exporter would: the MBeans kafka.connect:type=plugins,... */
public final class SinkMetricsJmx {
    private SinkMetricsJmx() {
    }

    /** A task metric, or null when the task has not registered it. */
    public static Double task(String connector, int task, String metric) {
        return read("kafka.connect:type=plugins,connector=" + connector + ",task=" + task, metric);
    }

    /** A per-table metric of a task, or null when the task has not registered it. */
    public static Double table(String connector, int task, String table, String metric) {
        return read("kafka.connect:type=plugins,connector=" + connector + ",task=" + task + ",table=" + table,
                metric);
    }

    /** The per-table metric as a number, 0 when not registered yet (a counter nothing has counted). */
    public static double count(String connector, int task, String table, String metric) {
        Double value = table(connector, task, table, metric);
        return value == null ? 0 : value;
    }

    private static Double read(String name, String attribute) {
        try {
            Object value = ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName(name), attribute);
            return value == null ? null : ((Number) value).doubleValue();
        } catch (InstanceNotFoundException e) {
            return null;
        } catch (JMException e) {
            throw new IllegalStateException("cannot read " + name + " " + attribute, e);
        }
    }
}
