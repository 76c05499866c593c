package io.github.pgredis.sink.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import io.github.pgredis.sink.apply.BatchOutcome;
import io.github.pgredis.sink.event.ChangeEvent;

/**
 * Batches sent to Redis whose replies are not checked yet, oldest first, and the records of batches Redis failed,
 * which go again, in order, ahead of the next ones. Each batch carries the offsets write sent ahead of it.
 */
final class SendPipeline {
    /**
     * Batches sent before the oldest one's replies are checked: two let Redis work through one batch's tail while
     * the next is sent and Connect converts a third, absorbing pauses on either side.
     */
    static final int MAX_IN_FLIGHT = 2;

    private final int maxInFlight;

    /**
     * A pipeline of up to {@link #MAX_IN_FLIGHT} batches, or of one when {@code oneAtATime}: then a batch is sent
     * only after every reply of the one before came back, so a batch that failed is sent again before any later
     * change reaches Redis (which a change feed needs: a stream cannot take an entry below its last).
     */
    SendPipeline(boolean oneAtATime) {
        this.maxInFlight = oneAtATime ? 1 : MAX_IN_FLIGHT;
    }

    private record InFlight(RedisTarget.SentBatch batch, Map<TopicPartition, Long> offsets,
            RedisTarget.Reply offsetsReply) {
    }

    /** What a checked batch leaves: its outcome, and the offsets Redis confirmed with it. */
    record Settled(BatchOutcome outcome, Map<TopicPartition, Long> recordedOffsets, int records) {
    }

    private final Deque<InFlight> inFlight = new ArrayDeque<>();
    private List<SinkRecord> toResend = List.of();

    boolean isEmpty() {
        return inFlight.isEmpty();
    }

    /** Whether the oldest batch must be checked before more is sent (for an empty delivery: before anything). */
    boolean mustSettle(boolean idle) {
        return inFlight.size() >= (idle ? 1 : maxInFlight);
    }

    /** The records to send now: those Redis failed, then the new ones. */
    List<SinkRecord> nextBatch(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            return toResend;
        }
        List<SinkRecord> batch = new ArrayList<>(toResend.size() + records.size());
        batch.addAll(toResend);
        batch.addAll(records);
        return batch;
    }

    /** Sends the offsets write (when there is one) and then the batch. */
    void send(RedisTarget target, List<SinkRecord> batch, Map<TopicPartition, Long> offsets) {
        RedisTarget.Reply offsetsReply = offsets.isEmpty() ? null : target.queueOffsets(offsets);
        inFlight.addLast(new InFlight(target.send(batch), offsets, offsetsReply));
        toResend = List.of();
    }

    /**
     * Checks the oldest batch: its offsets write first (refused when Redis is another server now), then its writes.
     * On any failure every batch in flight is kept, in order, to be sent again, and the failure is thrown.
     */
    Settled settleOldest() {
        InFlight oldest = inFlight.peekFirst();
        BatchOutcome outcome;
        try {
            if (oldest.offsetsReply() != null) {
                oldest.offsetsReply().await();
            }
            outcome = oldest.batch().await();
        } catch (RuntimeException e) {
            List<SinkRecord> again = new ArrayList<>(toResend);
            inFlight.forEach(sent -> again.addAll(sent.batch().records()));
            inFlight.clear();
            toResend = again;
            throw e;
        }
        inFlight.removeFirst();
        return new Settled(outcome, oldest.offsets(), oldest.batch().records().size());
    }

    /** Forgets what is in flight and what waits to be sent: the partitions are rewound and read again. */
    void clear() {
        inFlight.clear();
        toResend = List.of();
    }

    /** Forgets the records of these partitions that wait to be sent again. */
    void dropPartitions(Set<TopicPartition> partitions) {
        toResend = withoutPartitions(toResend, partitions);
    }

    static List<SinkRecord> withoutPartitions(List<SinkRecord> records, Set<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return records;
        }
        List<SinkRecord> kept = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            if (!partitions.contains(ChangeEvent.originalPartition(record))) {
                kept.add(record);
            }
        }
        return kept;
    }
}
