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

    /** A batch split by truncates into segments waits one redis.timeout.ms in all, not one per segment. */
    @Test
    void oneDeadlineCoversEverySegmentOfABatch() {
        PendingBatch batch = new PendingBatch(List.of(RECORD));
        for (int segment = 0; segment < 5; segment++) {
            List<RowWrite> writes = new ArrayList<>();
            writes.add(new RowWrite("k" + segment, Kind.DELETE, ChangeVersion.ofKafkaOffset(0, 7), 7, null, RECORD, WriteMode.UPSERT, 0, "public.t", -1));
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
