package io.github.pgredis.sink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.pgredis.sink.errors.RetryBackoff;
import io.github.pgredis.sink.metrics.SinkMetrics;
import io.github.pgredis.sink.testing.SinkMetricsJmx;
import io.github.pgredis.sink.event.ChangeEvent;
import io.github.pgredis.sink.testing.StubSinkTaskContext;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;

/** The stateful core against a fake Redis: the orderings of failures, commits and rebalances users rely on. */
class ChangeSinkTest {
    private static final String TOPIC = "pg.public.t";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private final MockTime time = new MockTime();
    private final FakeRedisTarget redis = new FakeRedisTarget();
    private final StubSinkTaskContext context = new StubSinkTaskContext(Map.of());
    private final SinkMetrics metrics = SinkMetrics.register(context, "change-sink-test", "0", time);
    private final ChangeSink sink = new ChangeSink(redis, context, true,
            new RetryBackoff(10, 100, -1, time), time, false, metrics);

    @AfterEach
    void unregisterMetrics() {
        metrics.close();
    }

    private static SinkRecord record(int partition, long offset) {
        return new SinkRecord(TOPIC, partition, null, "k" + offset, null, "v" + partition + "@" + offset, offset);
    }

    private static List<SinkRecord> records(int partition, long from, long to) {
        List<SinkRecord> records = new ArrayList<>();
        for (long offset = from; offset < to; offset++) {
            records.add(record(partition, offset));
        }
        return records;
    }

    private long committed(TopicPartition partition) {
        OffsetAndMetadata offset = sink.preCommit(List.of(partition)).get(partition);
        return offset == null ? -1 : offset.offset();
    }

    private static RuntimeException oom() {
        return new RedisCommandExecutionException("OOM command not allowed when used memory > 'maxmemory'.");
    }

    @Test
    void aFailureFoundAtACommitCommitsNothingOfItsBatchAndTheBatchGoesAgainFirstAtTheNextPut() {
        sink.open(List.of(P0));
        sink.put(records(0, 0, 3));
        sink.put(List.of());
        sink.put(records(0, 3, 6));
        redis.batchFailures.add(oom());

        assertThat(committed(P0)).isEqualTo(3);
        assertThatThrownBy(() -> sink.put(records(0, 6, 8))).isInstanceOf(RetriableException.class);
        assertThat(context.timeouts).hasSize(1);
        sink.put(records(0, 6, 8));
        sink.put(List.of());

        assertThat(redis.sent.get(redis.sent.size() - 1)).extracting(SinkRecord::kafkaOffset)
                .containsExactly(3L, 4L, 5L, 6L, 7L);
        assertThat(committed(P0)).isEqualTo(8);
        assertThat(redis.stored).containsEntry(P0, 8L);
    }

    /**
     * A failure while idle (the offsets write of an idle task) sets the backoff gauge; once an idle put goes
     * through, nothing waits for a retry and the gauge is 0 again, although no batch was applied since.
     */
    @Test
    void theBackoffGaugeFallsBackToZeroWhenAnIdlePutGoesThrough() {
        sink.open(List.of(P0));
        sink.put(records(0, 0, 3));
        redis.offsetsFailures.add(oom());

        assertThatThrownBy(() -> sink.put(List.of())).isInstanceOf(RetriableException.class);
        assertThat(SinkMetricsJmx.task("change-sink-test", 0, "retry-backoff-ms")).isPositive();
        assertThat(SinkMetricsJmx.task("change-sink-test", 0, "retries-total")).isEqualTo(1);
        sink.put(List.of());

        assertThat(SinkMetricsJmx.task("change-sink-test", 0, "retry-backoff-ms")).isZero();
        assertThat(redis.stored).containsEntry(P0, 3L);
    }

    /** What a change feed needs: no later batch reaches Redis while an earlier one may have failed. */
    @Test
    void oneBatchAtATimeNeverSendsABatchBeforeTheOneBeforeItIsKnownApplied() {
        ChangeSink oneAtATime = new ChangeSink(redis, context, true, new RetryBackoff(10, 100, -1, time), time, true,
                metrics);
        oneAtATime.open(List.of(P0));
        redis.batchFailures.add(oom());
        oneAtATime.put(records(0, 0, 3));

        assertThatThrownBy(() -> oneAtATime.put(records(0, 3, 6))).isInstanceOf(RetriableException.class);
        assertThat(redis.sent).as("the second batch waited for the first").hasSize(1);
        oneAtATime.put(records(0, 3, 6));
        oneAtATime.put(List.of());

        assertThat(redis.sent.get(1)).extracting(SinkRecord::kafkaOffset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(redis.applied).extracting(SinkRecord::kafkaOffset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void closeDuringAFailureDropsTheRevokedPartitionAndKeepsTheOthersRecordsForTheRetry() {
        sink.open(List.of(P0, P1));
        List<SinkRecord> both = new ArrayList<>(records(0, 0, 2));
        both.addAll(records(1, 0, 2));
        sink.put(both);
        redis.batchFailures.add(new RedisConnectionException("connection reset"));

        sink.close(List.of(P0));
        assertThat(sink.preCommit(List.of(P0, P1))).doesNotContainKey(P0).containsEntry(P1,
                new OffsetAndMetadata(0));

        assertThatThrownBy(() -> sink.put(List.of())).isInstanceOf(RetriableException.class);
        sink.put(List.of());
        sink.put(List.of());
        assertThat(redis.applied).extracting(ChangeEvent::originalPartition).containsOnly(P1);
        assertThat(committed(P1)).isEqualTo(2);
    }

    @Test
    void aServerSwapWithTwoBatchesInFlightRewindsEveryPartitionToWhatTheNewServerHolds() {
        sink.open(List.of(P0, P1));
        sink.put(records(0, 0, 4));
        sink.put(records(1, 0, 3));
        sink.put(records(1, 3, 5));
        sink.put(records(1, 5, 6));
        int sentBeforeSwap = redis.sent.size();
        redis.stored.clear();
        redis.stored.put(P0, 2L);
        redis.offsetsFailures.add(new RedisCommandExecutionException("RUNID_CHANGED Redis run_id is b, expected a"));
        context.seeks.clear();

        sink.put(records(1, 6, 7));

        assertThat(context.seeks).isEqualTo(Map.of(P0, 2L, P1, 0L));
        assertThat(committed(P0)).isEqualTo(2);
        assertThat(committed(P1)).isZero();
        sink.put(List.of());
        assertThat(redis.sent).as("nothing of the rewound batches is sent again").hasSize(sentBeforeSwap);
    }

    @Test
    void aDeadLetterTheQueueRefusedFailsTheTaskAndItsOffsetNeverCounts() {
        context.holdReports = true;
        sink.open(List.of(P0));
        redis.badValues.add("v0@1");
        sink.put(records(0, 0, 3));
        sink.put(List.of());
        assertThat(committed(P0)).as("held back for the dead letter").isZero();

        context.heldReports.get(0).completeExceptionally(new IllegalStateException("DLQ topic unavailable"));

        assertThat(committed(P0)).isZero();
        assertThatThrownBy(() -> sink.put(List.of())).isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class)
                .hasMessageContaining(TOPIC + "-0@1").hasMessageContaining("DLQ topic unavailable");
        assertThat(redis.stored).doesNotContainKey(P0);
    }

    @Test
    void laterBatchesWaitBehindAnUnacknowledgedDeadLetterAndCountTogetherOnceItIsWritten() {
        context.holdReports = true;
        sink.open(List.of(P0, P1));
        redis.badValues.add("v0@0");
        sink.put(records(0, 0, 1));
        sink.put(List.of());
        sink.put(records(1, 0, 5));
        sink.put(List.of());
        assertThat(committed(P1)).as("behind the older dead letter").isZero();

        context.heldReports.get(0).complete(null);
        sink.put(List.of());

        assertThat(committed(P0)).isEqualTo(1);
        assertThat(committed(P1)).isEqualTo(5);
        assertThat(redis.stored).isEqualTo(Map.of(P0, 1L, P1, 5L));
    }

    @Test
    void scriptsLostAreLoadedAgainBeforeTheBatchIsSentAgain() {
        sink.open(List.of(P0));
        sink.put(records(0, 0, 2));
        redis.batchFailures.add(new RedisCommandExecutionException("NOSCRIPT No matching script."));

        assertThatThrownBy(() -> sink.put(List.of())).isInstanceOf(RetriableException.class);
        sink.put(List.of());
        sink.put(List.of());

        assertThat(redis.scriptLoads).isEqualTo(1);
        assertThat(committed(P0)).isEqualTo(2);
    }

    @Test
    void stopLogsTheFailureItCouldNotHandle() {
        List<String> warnings = new ArrayList<>();
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel().isMoreSpecificThan(Level.WARN)) {
                    warnings.add(event.getMessage().getFormattedMessage());
                }
            }
        };
        capture.start();
        logging.getLogger(ChangeSink.class.getName()).addAppender(capture);
        try {
            sink.open(List.of(P0));
            sink.put(records(0, 0, 2));
            redis.batchFailures.add(oom());

            sink.stop();
        } finally {
            logging.getLogger(ChangeSink.class.getName()).removeAppender(capture);
        }

        assertThat(warnings).anyMatch(line -> line.contains("not handled yet") && line.contains("OOM"));
        assertThat(redis.closed).isTrue();
        assertThat(redis.stored).doesNotContainKey(P0);
    }

    @Test
    void anIdleTaskRecordsItsOffsetsAndNoticesAServerSwapWithinASecond() {
        sink.open(List.of(P0));
        redis.stored.put(P0, 0L);
        sink.put(records(0, 0, 2));
        sink.put(List.of());
        assertThat(redis.stored).containsEntry(P0, 2L);

        redis.replaced = true;
        redis.stored.put(P0, 1L);
        context.seeks.clear();
        sink.put(List.of());
        assertThat(context.seeks).as("not yet a second idle").isEmpty();
        time.sleep(ServerFence.IDLE_CHECK_INTERVAL_MS);
        sink.put(List.of());

        assertThat(context.seeks).isEqualTo(Map.of(P0, 1L));
        assertThat(committed(P0)).isEqualTo(1);
    }

    @Test
    void aFatalFailureFailsTheTaskWithRedissMessage() {
        sink.open(List.of(P0));
        sink.put(records(0, 0, 1));
        redis.batchFailures.add(new RedisCommandExecutionException("NOPERM this user has no permissions"));

        assertThatThrownBy(() -> sink.put(List.of())).isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class).hasMessageContaining("NOPERM");
    }
}
