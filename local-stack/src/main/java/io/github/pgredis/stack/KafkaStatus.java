package io.github.pgredis.stack;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * For ./stack.sh status: the number of records in the dead-letter topic and the sink's consumer lag (end offsets minus
 * committed offsets, summed over its partitions). Arguments: bootstrap servers, sink consumer group, DLQ topic.
 */
public final class KafkaStatus {
    private KafkaStatus() {
    }

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(args[1])
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> end : endOffsets(admin, committed.keySet()).entrySet()) {
                OffsetAndMetadata done = committed.get(end.getKey());
                lag += end.getValue() - (done == null ? 0 : done.offset());
            }
            long dlq = 0;
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(args[2])) {
                Set<TopicPartition> partitions = admin.describeTopics(Set.of(args[2])).allTopicNames()
                        .get(30, TimeUnit.SECONDS).get(args[2]).partitions().stream()
                        .map(p -> new TopicPartition(args[2], p.partition())).collect(Collectors.toSet());
                Map<TopicPartition, Long> earliest = offsets(admin, partitions, OffsetSpec.earliest());
                for (Map.Entry<TopicPartition, Long> end : endOffsets(admin, partitions).entrySet()) {
                    dlq += end.getValue() - earliest.get(end.getKey());
                }
            }
            System.out.printf("  sink consumer lag: %d records%n  dead-letter queue %s: %d records%n", lag, args[2],
                    dlq);
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, Set<TopicPartition> partitions)
            throws Exception {
        return offsets(admin, partitions, OffsetSpec.latest());
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Set<TopicPartition> partitions, OffsetSpec spec)
            throws Exception {
        Map<TopicPartition, ListOffsetsResultInfo> result = admin.listOffsets(partitions.stream()
                .collect(Collectors.toMap(p -> p, p -> spec))).all().get(30, TimeUnit.SECONDS);
        return result.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
}
