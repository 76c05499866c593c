package io.github.pgredis.sink.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import io.github.pgredis.sink.apply.BatchOutcome;
import io.github.pgredis.sink.errors.RecordException;
import io.github.pgredis.sink.event.ChangeEvent;

/**
 * A Redis that applies every record it is sent, in memory: the records whose value is in {@link #badValues} fail on
 * their own, and the failures queued in {@link #batchFailures} / {@link #offsetsFailures} are thrown by the next
 * batch or offsets reply checked.
 */
final class FakeRedisTarget implements RedisTarget {
    final List<SinkRecord> applied = new ArrayList<>();
    final Map<TopicPartition, Long> stored = new HashMap<>();
    final Set<Object> badValues = new HashSet<>();
    final Queue<RuntimeException> batchFailures = new ArrayDeque<>();
    final Queue<RuntimeException> offsetsFailures = new ArrayDeque<>();
    final List<List<SinkRecord>> sent = new ArrayList<>();
    boolean replaced;
    int scriptLoads;
    boolean closed;

    @Override
    public SentBatch send(List<SinkRecord> records) {
        List<SinkRecord> batch = List.copyOf(records);
        sent.add(batch);
        return new SentBatch() {
            @Override
            public List<SinkRecord> records() {
                return batch;
            }

            @Override
            public BatchOutcome await() {
                RuntimeException failure = batchFailures.poll();
                if (failure != null) {
                    throw failure;
                }
                List<BatchOutcome.Failed> failed = new ArrayList<>();
                Map<TopicPartition, Long> next = new HashMap<>();
                for (SinkRecord record : batch) {
                    next.merge(ChangeEvent.originalPartition(record), record.kafkaOffset() + 1, Math::max);
                    if (badValues.contains(record.value())) {
                        failed.add(new BatchOutcome.Failed(record, new RecordException("bad record at "
                                + record.kafkaOffset())));
                    } else {
                        applied.add(record);
                    }
                }
                return new BatchOutcome(failed, next, batch.size() - failed.size(), Map.of());
            }
        };
    }

    @Override
    public Reply queueOffsets(Map<TopicPartition, Long> nextOffsets) {
        Map<TopicPartition, Long> offsets = Map.copyOf(nextOffsets);
        return () -> {
            RuntimeException failure = offsetsFailures.poll();
            if (failure != null) {
                throw failure;
            }
            stored.putAll(offsets);
        };
    }

    @Override
    public void recordOffsets(Map<TopicPartition, Long> nextOffsets) {
        queueOffsets(nextOffsets).await();
    }

    @Override
    public Map<TopicPartition, Long> storedOffsets() {
        return Map.copyOf(stored);
    }

    @Override
    public boolean serverReplaced() {
        boolean was = replaced;
        replaced = false;
        return was;
    }

    @Override
    public void assigned(Set<TopicPartition> partitions) {
    }

    @Override
    public boolean offsetCopiesMoved() {
        return false;
    }

    @Override
    public void whenIdle() {
    }

    @Override
    public void reloadScripts() {
        scriptLoads++;
    }

    @Override
    public void close() {
        closed = true;
    }
}
