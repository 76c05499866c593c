package io.github.pgredis.sink.core;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import io.github.pgredis.sink.apply.BatchOutcome;

/**
 * The Redis server as the sink's core sees it: batches and offsets sent pipelined, the offsets it holds, and whether
 * it is still the server whose data was checked. Every method may throw Redis's own failure, which the core
 * classifies. {@link SessionTarget} is the real one; unit tests use a fake.
 */
public interface RedisTarget extends AutoCloseable {
    /** Sends the batch's writes pipelined, without waiting for the replies. */
    SentBatch send(List<SinkRecord> records);

    /**
     * Queues the write of next offsets, refused unless the server is the one checked; it goes out with, and ahead
     * of, the next {@link #send}.
     */
    Reply queueOffsets(Map<TopicPartition, Long> nextOffsets);

    /** Writes next offsets now (fenced like {@link #queueOffsets}) and waits for the reply. */
    void recordOffsets(Map<TopicPartition, Long> nextOffsets);

    /** Whether a copy of the offsets moved since they were last written (a Cluster's slots moved). */
    boolean offsetCopiesMoved();

    /** The next offset per topic-partition that the server holds. */
    Map<TopicPartition, Long> storedOffsets();

    /** Reads the server's identity again and adopts it; true when it is not the server checked before. */
    boolean serverReplaced();

    /** The partitions the task holds, after each change of them. */
    void assigned(Set<TopicPartition> partitions);

    /** Does what is due while no records arrive (reconciliations). */
    void whenIdle();

    /** Loads the scripts again, after the server lost them. */
    void reloadScripts();

    @Override
    void close();

    /** A batch on its way; {@link #await()} waits for its replies. */
    interface SentBatch {
        List<SinkRecord> records();

        /** The records that failed on their own and the next offsets; throws when the batch as a whole failed. */
        BatchOutcome await();
    }

    /** A reply on its way. */
    interface Reply {
        void await();
    }
}
