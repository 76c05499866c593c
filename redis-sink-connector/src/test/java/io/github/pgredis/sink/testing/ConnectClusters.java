package io.github.pgredis.sink.testing;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/** Kafka's in-process Connect cluster (KRaft broker and real workers with the REST API), set up for our plugins. */
public final class ConnectClusters {
    private ConnectClusters() {
    }

    public static EmbeddedConnectCluster start(String name, int workers) {
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name(name)
                .numWorkers(workers)
                .numBrokers(1)
                .workerProps(workerProperties(name))
                .build();
        cluster.start();
        return cluster;
    }

    /**
     * The worker settings of a test cluster, named so that a worker in another JVM ({@link ForkedWorker}) can join it.
     * Tasks of a worker that left are reassigned after two seconds instead of Connect's default five minutes.
     */
    public static Map<String, String> workerProperties(String name) {
        Map<String, String> props = new HashMap<>();
        props.put("group.id", "connect-" + name);
        props.put("config.storage.topic", "connect-configs-" + name);
        props.put("offset.storage.topic", "connect-offsets-" + name);
        props.put("status.storage.topic", "connect-status-" + name);
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("plugin.discovery", "service_load");
        props.put("offset.flush.interval.ms", "500");
        props.put("scheduled.rebalance.max.delay.ms", "2000");
        return props;
    }

    /**
     * The sink reading JSON with schemas from Debezium's topics for tables in public; a topics.regex subscription
     * sees topics created later (new tables) only at a metadata refresh, so that is made frequent.
     */
    public static Map<String, String> sinkConfig(String redisUri) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.github.pgredis.sink.RedisSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics.regex", "pg\\.public\\..*");
        config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("consumer.override.metadata.max.age.ms", "1000");
        config.put("redis.uri", redisUri);
        return config;
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
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
            sleep(100);
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

    /** Records the connector's sink tasks in this JVM have consumed, from their consumers' metrics. */
    public static long recordsConsumed(String connector) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            double total = 0;
            ObjectName consumers = new ObjectName("kafka.consumer:type=consumer-fetch-manager-metrics,"
                    + "client-id=connector-consumer-" + connector + "-*");
            for (ObjectName name : server.queryNames(consumers, null)) {
                total += (Double) server.getAttribute(name, "records-consumed-total");
            }
            return (long) total;
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The records the topic holds: the sum of its partitions' end offsets (nothing is deleted in a test). */
    public static long topicRecords(EmbeddedConnectCluster connect, String topic) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", connect.kafka().bootstrapServers()))) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
