package io.github.pgredis.sink.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The sink's own Kafka clients, for what it reads and sends besides its records: the end offsets of a topic, and
 * signals to Debezium. Each client is made on first use, from kafka.bootstrap.servers and the kafka.client.*
 * settings. A failure is an {@link UncheckedIOException}: the sink retries it as it retries a Redis connection.
 */
public final class KafkaAccess implements AutoCloseable {
    private static final long TIMEOUT_MS = 10_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Map<String, Object> clientConfig;
    private Admin admin;
    private KafkaProducer<String, String> producer;

    public KafkaAccess(Map<String, Object> clientConfig) {
        this.clientConfig = Map.copyOf(clientConfig);
    }

    /** The next offset to be written to each partition of the topic, by partition number; none for no topic. */
    public Map<Integer, Long> endOffsets(String topic) {
        if (admin == null) {
            admin = Admin.create(clientConfig);
        }
        TopicDescription description;
        try {
            description = await(admin.describeTopics(List.of(topic)).allTopicNames(), "describe topic " + topic)
                    .get(topic);
        } catch (UncheckedIOException e) {
            if (e.getCause().getCause() instanceof UnknownTopicOrPartitionException) {
                return Map.of();
            }
            throw e;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicPartitionInfo partition : description.partitions()) {
            latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = await(
                admin.listOffsets(latest).all(), "list the end offsets of " + topic);
        Map<Integer, Long> byPartition = new HashMap<>();
        ends.forEach((partition, info) -> byPartition.put(partition.partition(), info.offset()));
        return byPartition;
    }

    /** Sends one record to partition 0 of the topic and waits until Kafka has it. */
    public void send(String topic, String key, String value) {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(clientConfig);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT_MS);
            producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        }
        try {
            producer.send(new ProducerRecord<>(topic, 0, key, value)).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("send to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw failure("send to " + topic, e);
        }
    }

    private static <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw failure(what, e);
        }
    }

    private static UncheckedIOException failure(String what, Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return new UncheckedIOException(new IOException("Kafka: cannot " + what + ": " + cause.getMessage(), cause));
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(CLOSE_TIMEOUT);
        }
        if (producer != null) {
            producer.close(CLOSE_TIMEOUT);
        }
    }
}
