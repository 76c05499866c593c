package io.github.pgredis.bench;

import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/** Fills a topic with Debezium change events in a given wire format. */
final class TopicLoader {
    private TopicLoader() {
    }

    /** Creates {@code topic} and writes {@code changes} change events of {@code rows}; returns the bytes written. */
    static long load(EmbeddedConnectCluster connect, String topic, int partitions, OrderRows rows, long changes,
            WireFormat format) {
        connect.kafka().createTopic(topic, partitions);
        Converter keys = format.converter(true);
        Converter values = format.converter(false);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long sequence = 0; sequence < changes; sequence++) {
                SinkRecord change = rows.change(sequence);
                byte[] key = keys.fromConnectData(topic, change.keySchema(), change.key());
                byte[] value = values.fromConnectData(topic, change.valueSchema(), change.value());
                bytes += key.length + value.length;
                producer.send(new ProducerRecord<>(topic, key, value));
            }
            producer.flush();
        }
        return bytes;
    }
}
