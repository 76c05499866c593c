package io.github.pgredis.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import io.github.pgredis.sink.testing.ConnectClusters;

/**
 * Runs one sink connector over a preloaded topic until its consumer group has committed every record, and measures
 * its rate from the first 5% to the end, so that task start-up and the consumer group join are not counted (unless
 * the whole topic is consumed between two offset commits: then from the connector's creation).
 */
final class ThroughputRun {
    private static final Duration TIMEOUT = Duration.ofMinutes(15);
    private final EmbeddedConnectCluster connect;
    private final LongSupplier redisCpuMicros;

    /** {@code redisCpuMicros}: the CPU time the Redis server has used so far. */
    ThroughputRun(EmbeddedConnectCluster connect, LongSupplier redisCpuMicros) {
        this.connect = connect;
        this.redisCpuMicros = redisCpuMicros;
    }

    /**
     * The rate of a connector over the whole topic; the heap its tasks hold once idle (the heap after a full GC with
     * the connector still running, less the heap after a full GC once it is deleted); and the CPU time per record
     * over the same part of the run as the rate, of this JVM (broker, Connect, converter and sink together) and of
     * the Redis servers.
     */
    record Measurement(double recordsPerSecond, long taskHeapBytes, double jvmCpuMicrosPerRecord,
            double redisCpuMicrosPerRecord) {
    }

    /** Runs the connector {@code name} with {@code config} until it committed all {@code records} records. */
    Measurement run(String name, Map<String, String> config, long records) {
        long jvmCpuBefore = jvmCpuNanos();
        long redisCpuBefore = redisCpuMicros.getAsLong();
        long created = System.nanoTime();
        connect.configureConnector(name, config);
        List<long[]> samples = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (Admin admin = Admin.create(adminProps())) {
            long committed = 0;
            while (committed < records) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " committed " + committed + " of " + records
                            + " records in " + TIMEOUT + "; see target/bench-logs/benchmarks.log");
                }
                ConnectClusters.sleep(50);
                committed = committed(admin, "connect-" + name);
                samples.add(new long[] {System.nanoTime(), committed, jvmCpuNanos(), redisCpuMicros.getAsLong()});
            }
        }
        long[] start = samples.stream().filter(sample -> sample[1] >= records / 20).findFirst().orElseThrow();
        if (start == samples.get(samples.size() - 1)) {
            start = new long[] {created, 0, jvmCpuBefore, redisCpuBefore};
        }
        long[] end = samples.get(samples.size() - 1);
        long measured = end[1] - start[1];
        double jvmCpu = (end[2] - start[2]) / 1e3 / measured;
        double redisCpu = (double) (end[3] - start[3]) / measured;
        long withTasks = heapAfterGc();
        connect.deleteConnector(name);
        ConnectClusters.await(TIMEOUT, name + " deleted", () -> !connect.connectors().contains(name));
        ConnectClusters.sleep(1_000);
        long taskHeap = withTasks - heapAfterGc();
        return new Measurement(measured * 1e9 / (end[0] - start[0]), taskHeap, jvmCpu, redisCpu);
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long heapAfterGc() {
        System.gc();
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private Properties adminProps() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers());
        return props;
    }

    private static long committed(Admin admin, String group) {
        try {
            long sum = 0;
            for (OffsetAndMetadata offset : admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get().values()) {
                if (offset != null) {
                    sum += offset.offset();
                }
            }
            return sum;
        } catch (ExecutionException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
