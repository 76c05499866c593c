package io.github.pgredis.sink.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;

import io.github.pgredis.sink.event.ChangeEvent;

/**
 * Which offsets count as applied. A settled batch's next offsets count once every dead letter it (or an earlier
 * batch) reported has been acknowledged by the dead-letter queue; until then they are held back, in order. Counted
 * offsets may be committed to Kafka, and are written to Redis ahead of the next batch (they are "unrecorded" until
 * Redis confirmed them).
 */
final class OffsetLedger {
    /** A dead letter on its way to the dead-letter queue. */
    record DeadLetter(SinkRecord record, Future<Void> written) {
    }

    private record Held(Map<TopicPartition, Long> nextOffsets, List<DeadLetter> deadLetters) {
    }

    private final Map<TopicPartition, Long> counted = new HashMap<>();
    private final Map<TopicPartition, Long> unrecorded = new HashMap<>();
    private final Deque<Held> held = new ArrayDeque<>();

    /** A batch Redis took: its offsets count now, or once its dead letters (and earlier ones) are written. */
    void settled(Map<TopicPartition, Long> nextOffsets, List<DeadLetter> deadLetters) {
        if (held.isEmpty() && deadLetters.isEmpty()) {
            count(nextOffsets);
        } else {
            held.addLast(new Held(new HashMap<>(nextOffsets), new ArrayList<>(deadLetters)));
        }
    }

    /**
     * Counts the held batches whose dead letters are all acknowledged, oldest first, without waiting. A dead letter
     * the queue refused fails the task: its offset never counts, so the record is read and reported again.
     */
    void release() {
        while (!held.isEmpty()) {
            Held oldest = held.peekFirst();
            for (DeadLetter letter : oldest.deadLetters()) {
                if (!letter.written().isDone()) {
                    return;
                }
                checkWritten(letter);
            }
            held.removeFirst();
            count(oldest.nextOffsets());
        }
    }

    private static void checkWritten(DeadLetter letter) {
        try {
            letter.written().get();
        } catch (ExecutionException e) {
            throw new ConnectException("The dead-letter queue did not take " + ChangeEvent.describe(letter.record())
                    + ": " + e.getCause().getMessage() + "; its offset was not committed, so it is read again "
                    + "after the task restarts", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while checking the dead-letter queue", e);
        }
    }

    private void count(Map<TopicPartition, Long> nextOffsets) {
        counted.putAll(nextOffsets);
        unrecorded.putAll(nextOffsets);
    }

    /**
     * What to write to Redis next: once some counted offset is not there yet, every counted one, so that each copy of
     * the offsets (a Cluster's master may get a new one when slots move) holds every partition of the task.
     */
    Map<TopicPartition, Long> unrecorded() {
        return unrecorded.isEmpty() ? Map.of() : Map.copyOf(counted);
    }

    /** Every counted offset, to write again where a copy of the offsets lacks them. */
    Map<TopicPartition, Long> counted() {
        return Map.copyOf(counted);
    }

    /** Redis confirmed these offsets; those counted since stay unrecorded. */
    void recorded(Map<TopicPartition, Long> nextOffsets) {
        nextOffsets.forEach(unrecorded::remove); // remove(key, value): a newer count stays
    }

    /** The partitions start again at these offsets: what was counted or held past them no longer counts. */
    void rewound(Map<TopicPartition, Long> positions) {
        counted.putAll(positions);
        forgetPending(positions.keySet());
    }

    /** The partitions were revoked. */
    void forget(Collection<TopicPartition> partitions) {
        counted.keySet().removeAll(partitions);
        forgetPending(partitions);
    }

    private void forgetPending(Collection<TopicPartition> partitions) {
        unrecorded.keySet().removeAll(partitions);
        Set<TopicPartition> gone = Set.copyOf(partitions);
        for (Held batch : held) {
            batch.nextOffsets().keySet().removeAll(gone);
            batch.deadLetters().removeIf(letter -> gone.contains(ChangeEvent.originalPartition(letter.record())));
        }
    }

    /** The counted offsets of the given partitions, as Connect commits them. */
    Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committable = new HashMap<>();
        for (TopicPartition partition : partitions) {
            Long next = counted.get(partition);
            if (next != null) {
                committable.put(partition, new OffsetAndMetadata(next));
            }
        }
        return committable;
    }
}
