package io.github.pgredis.sink.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import io.github.pgredis.sink.apply.RowWrite.Kind;
import io.github.pgredis.sink.errors.RedisFailure;
import io.github.pgredis.sink.event.ChangeVersion;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;

class PendingBatchTest {
    private static final SinkRecord RECORD = new SinkRecord("t", 0, null, "k", null, "v", 7);

    private static AsyncCommand<String, String, List<Object>> unanswered() {
        return new AsyncCommand<>(new Command<>(CommandType.EVALSHA, new NestedMultiOutput<>(StringCodec.UTF8)));
    }

    /** A call of apply-change.lua answered with these results, one per write. */
    private static RedisFuture<List<Object>> answered(Object... results) {
        AsyncCommand<String, String, List<Object>> reply = unanswered();
        reply.complete(List.of(results));
        return reply;
    }

    private static RowWrite write(String key, Kind kind, WriteMode mode, long commitTimeMs) {
        return new RowWrite(key, kind, ChangeVersion.ofKafkaOffset(0, 7), 7, null, RECORD, mode, 0, "public.t",
                commitTimeMs);
    }

    /**
     * What each reply counts: changes collapsed into a write share its fate; deletes among them count as deleted,
     * a marker-only row change as not cached, an invalidate-mode change as invalidated; the freshness comes from
     * applied changes only; a key Redis refuses fails its records under the write's table.
     */
    @Test
    void theTallyCountsChangesByWhatRedisDidWithTheirWrite() {
        PendingBatch batch = new PendingBatch(List.of(RECORD));
        RowWrite collapsed = write("a", Kind.UPSERT, WriteMode.UPSERT, 1_000)
                .followedBy(write("a", Kind.DELETE, WriteMode.UPSERT, 2_000));
        List<RowWrite> writes = List.of(collapsed, write("b", Kind.UPSERT, WriteMode.UPDATE_IF_CACHED, 3_000),
                write("c", Kind.DELETE, WriteMode.INVALIDATE, 4_000), write("d", Kind.UPSERT, WriteMode.UPSERT, 9_000),
                write("e", Kind.UPSERT, WriteMode.UPSERT, 5_000));
        batch.sent(List.of(new ChangeWriter.Call(writes.subList(0, 2), answered(1L, 2L)),
                new ChangeWriter.Call(writes.subList(2, 5), answered(1L, 0L, "WRONGTYPE key e holds a list"))));

        BatchOutcome outcome = batch.complete(1_000);

        TableTally tally = outcome.tables().get("public.t");
        assertThat(tally.applied()).as("a (2 changes), b, c").isEqualTo(4);
        assertThat(tally.skipped()).as("d").isEqualTo(1);
        assertThat(tally.deleted()).as("a's delete").isEqualTo(1);
        assertThat(tally.notCached()).as("b").isEqualTo(1);
        assertThat(tally.invalidated()).as("c").isEqualTo(1);
        assertThat(tally.newestCommitTimeMs()).as("c's, not the skipped d's").isEqualTo(4_000);
        assertThat(outcome.failed()).singleElement().extracting(BatchOutcome.Failed::table).isEqualTo("public.t");
    }

    /** A batch split by truncates into segments waits one redis.timeout.ms in all, not one per segment. */
    @Test
    void oneDeadlineCoversEverySegmentOfABatch() {
        PendingBatch batch = new PendingBatch(List.of(RECORD));
        for (int segment = 0; segment < 5; segment++) {
            List<RowWrite> writes = new ArrayList<>();
            writes.add(write("k" + segment, Kind.DELETE, WriteMode.UPSERT, -1));
            batch.sent(List.of(new ChangeWriter.Call(writes, unanswered())));
        }
        long timeoutMs = 300;

        long started = System.nanoTime();
        assertThatThrownBy(() -> batch.complete(timeoutMs))
                .satisfies(failure -> assertThat(RedisFailure.classify(failure)).isEqualTo(RedisFailure.TRANSIENT))
                .hasMessageContaining("key 'k0'");
        long waitedMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(waitedMs).as("five segments, one deadline").isLessThan(3 * timeoutMs);
    }

    /** A call Redis failed as a whole fails each of its writes with that failure: here the batch, transiently. */
    @Test
    void aCallThatFailedAsAWholeFailsEveryWriteItCarried() {
        PendingBatch batch = new PendingBatch(List.of(RECORD));
        AsyncCommand<String, String, List<Object>> failed = unanswered();
        failed.completeExceptionally(new RedisCommandExecutionException("LOADING Redis is loading the dataset"));
        batch.sent(List.of(new ChangeWriter.Call(List.of(write("x", Kind.UPSERT, WriteMode.UPSERT, 1)), answered(1L)),
                new ChangeWriter.Call(List.of(write("y", Kind.UPSERT, WriteMode.UPSERT, 1),
                        write("z", Kind.UPSERT, WriteMode.UPSERT, 1)), failed)));

        assertThatThrownBy(() -> batch.complete(1_000))
                .satisfies(failure -> assertThat(RedisFailure.classify(failure)).isEqualTo(RedisFailure.TRANSIENT))
                .hasMessageContaining("key 'y'").hasMessageContaining("LOADING");
    }

    /** A reply that does not carry one result per write is a failure, never a silent success. */
    @Test
    void aReplyWithTooFewResultsFailsTheBatch() {
        PendingBatch batch = new PendingBatch(List.of(RECORD));
        batch.sent(List.of(new ChangeWriter.Call(List.of(write("x", Kind.UPSERT, WriteMode.UPSERT, 1),
                write("y", Kind.UPSERT, WriteMode.UPSERT, 1)), answered(1L))));

        assertThatThrownBy(() -> batch.complete(1_000)).hasMessageContaining("key 'x'")
                .hasMessageContaining("answered 1 results for 2 writes");
    }
}
