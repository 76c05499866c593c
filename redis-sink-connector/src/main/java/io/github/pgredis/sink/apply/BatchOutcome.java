package io.github.pgredis.sink.apply;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The result of one batch that Redis took: the records that failed on their own (for the dead-letter queue), and
 * per original topic-partition the next offset, covering both applied and failed records; {@code applied} counts the
 * key writes Redis answered, {@code tables} what they did per table.
 */
public record BatchOutcome(List<Failed> failed, Map<TopicPartition, Long> nextOffsets, int applied,
        Map<String, TableTally> tables) {
    /** A record that failed on its own; {@code table} as metrics name it, null when the record could not be read. */
    public record Failed(SinkRecord record, RuntimeException error, String table) {
        public Failed(SinkRecord record, RuntimeException error) {
            this(record, error, null);
        }
    }
}
