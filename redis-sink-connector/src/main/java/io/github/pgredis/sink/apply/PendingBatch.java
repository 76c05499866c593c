package io.github.pgredis.sink.apply;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import io.github.pgredis.sink.apply.BatchOutcome.Failed;
import io.github.pgredis.sink.errors.RecordException;
import io.github.pgredis.sink.errors.RedisFailure;
import io.github.pgredis.sink.event.ChangeEvent;

/**
 * A batch sent to Redis whose replies have not been checked yet. The task checks them when the next batch arrives,
 * so that Redis applies one batch while Connect reads and converts the next.
 */
public final class PendingBatch {
    private final List<SinkRecord> records;
    private final List<Failed> failed = new ArrayList<>();
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private final List<ChangeWriter.Call> sent = new ArrayList<>();
    private long flushedAtNanos;

    PendingBatch(List<SinkRecord> records) {
        this.records = records;
    }

    /** Every record of the batch, to send again when Redis failed it. */
    public List<SinkRecord> records() {
        return records;
    }

    void advance(SinkRecord record) {
        nextOffsets.merge(ChangeEvent.originalPartition(record),
                record.originalKafkaOffset() + 1, Math::max);
    }

    void fail(SinkRecord record, RecordException error) {
        failed.add(new Failed(record, error));
    }

    /** The writes sent so far are about to be flushed to Redis: the round trip starts. */
    void flushing() {
        flushedAtNanos = System.nanoTime();
    }

    void sent(List<ChangeWriter.Call> calls) {
        sent.addAll(calls);
    }

    /**
     * Calls {@code roundTripNanos}, from the thread that completes it, with the time from the flush until every reply
     * of the batch came back (in a Cluster, the round trip of the slowest master).
     */
    public void whenAnswered(LongConsumer roundTripNanos) {
        if (sent.isEmpty()) {
            return;
        }
        long from = flushedAtNanos;
        CompletableFuture.allOf(sent.stream().map(call -> call.reply().toCompletableFuture())
                .toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> {
                    if (failure == null) {
                        roundTripNanos.accept(System.nanoTime() - from);
                    }
                });
    }

    /**
     * Waits for every reply, all within one {@code timeoutMs} from now, and sorts the failures: a record's own go to
     * the outcome; any other is thrown, naming the key, for the caller to classify (a fatal one before others).
     */
    public BatchOutcome complete(long timeoutMs) {
        long deadlineMs = System.currentTimeMillis() + timeoutMs;
        RuntimeException batchFailure = null;
        int applied = 0;
        Map<String, TableTally> tables = new HashMap<>();
        for (ChangeWriter.Call call : sent) {
            List<ChangeWriter.Reply> replies = ChangeWriter.replies(call, deadlineMs);
            for (int i = 0; i < replies.size(); i++) {
                ChangeWriter.Reply reply = replies.get(i);
                RowWrite write = call.writes().get(i);
                RuntimeException failure = reply.failure();
                if (failure == null) {
                    applied++;
                    count(tables, write, reply.result());
                    continue;
                }
                RedisFailure kind = RedisFailure.classify(failure);
                if (kind == RedisFailure.RECORD) {
                    for (SinkRecord record : write.records()) {
                        failed.add(new Failed(record, new RecordException("Redis refused key '" + write.key()
                                + "' for " + ChangeEvent.describe(record) + ": " + failure.getMessage(), failure),
                                write.table()));
                    }
                } else if (batchFailure == null || kind == RedisFailure.FATAL) {
                    batchFailure = new RedisWriteException("Redis refused the write of key '" + write.key()
                            + "' for " + ChangeEvent.describe(write.records().get(0)) + ": "
                            + failure.getMessage(), failure);
                }
            }
        }
        if (batchFailure != null) {
            throw batchFailure;
        }
        return new BatchOutcome(failed, nextOffsets, applied, tables);
    }

    private static void count(Map<String, TableTally> tables, RowWrite write, long result) {
        if (write.table() == null) {
            return;
        }
        TableTally tally = tables.computeIfAbsent(write.table(), table -> new TableTally());
        long changes = write.records().size();
        if (result == ChangeWriter.Reply.SKIPPED) {
            tally.skipped += changes;
            return;
        }
        tally.applied += changes;
        tally.newestCommitTimeMs = Math.max(tally.newestCommitTimeMs, write.commitTimeMs());
        if (write.mode() == WriteMode.INVALIDATE) {
            tally.invalidated += changes;
            return;
        }
        tally.deleted += write.deletes();
        if (result == ChangeWriter.Reply.MARKED_ONLY) {
            tally.notCached += changes - write.deletes();
        }
    }
}
