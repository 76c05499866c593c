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
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;

class PendingBatchTest {
    private static final SinkRecord RECORD = new SinkRecord("t", 0, null, "k", null, "v", 7);

    private static RedisFuture<Long> unanswered() {
        return new AsyncCommand<>(new Command<>(CommandType.EVALSHA, new IntegerOutput<>(StringCodec.UTF8)));
    }

    private static RedisFuture<Long> answered(long result) {
        AsyncCommand<String, String, Long> reply = new AsyncCommand<>(new Command<>(CommandType.EVALSHA,
                new IntegerOutput<>(StringCodec.UTF8)));
        reply.getOutput().set(result);
        reply.complete();
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
        AsyncCommand<String, String, Long> refused = new AsyncCommand<>(new Command<>(CommandType.EVALSHA,
                new IntegerOutput<>(StringCodec.UTF8)));
        refused.completeExceptionally(new RedisCommandExecutionException("WRONGTYPE key e holds a list"));
        batch.sent(writes, List.of(answered(1), answered(2), answered(1), answered(0), refused));

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
            batch.sent(writes, List.of(unanswered()));
        }
        long timeoutMs = 300;

        long started = System.nanoTime();
        assertThatThrownBy(() -> batch.complete(timeoutMs))
                .satisfies(failure -> assertThat(RedisFailure.classify(failure)).isEqualTo(RedisFailure.TRANSIENT))
                .hasMessageContaining("key 'k0'");
        long waitedMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(waitedMs).as("five segments, one deadline").isLessThan(3 * timeoutMs);
    }
}
