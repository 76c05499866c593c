package io.github.pgredis.sink.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/** Kafka's in-process Connect cluster (KRaft broker and real workers with the REST API), set up for our plugins. */
public final class ConnectClusters {
    private ConnectClusters() {
    }

    public static EmbeddedConnectCluster start(String name, int workers) {
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("plugin.discovery", "service_load");
        workerProps.put("offset.flush.interval.ms", "500");
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name(name)
                .numWorkers(workers)
                .numBrokers(1)
                .workerProps(workerProps)
                .build();
        cluster.start();
        return cluster;
    }

    /** Polls until the condition holds, failing with the message after the timeout. */
    public static void await(Duration timeout, String message, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // the condition reads live systems that may not be ready yet
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(message, e);
            }
        }
        throw new AssertionError("timed out after " + timeout + ": " + message);
    }

    /** The sum of the connector's committed offsets, as the Connect offsets REST API reports them. */
    public static long committedOffsetSum(EmbeddedConnectCluster connect, String connector) {
        ConnectorOffsets offsets = connect.connectorOffsets(connector);
        long sum = 0;
        for (ConnectorOffset offset : offsets.offsets()) {
            sum += ((Number) offset.offset().get("kafka_offset")).longValue();
        }
        return sum;
    }
}
