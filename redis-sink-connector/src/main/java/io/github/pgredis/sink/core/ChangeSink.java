package io.github.pgredis.sink.core;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.pgredis.sink.errors.RedisFailure;
import io.github.pgredis.sink.errors.RetryBackoff;
import io.github.pgredis.sink.metrics.SinkMetrics;

/**
 * The stateful core of a sink task: sends batches through the {@link SendPipeline}, counts offsets in the
 * {@link OffsetLedger}, reports dead letters, keeps to one server through the {@link ServerFence}, rewinds partitions
 * to the offsets Redis holds, and turns every failure, classified by {@link RedisFailure#classify}, into Connect's
 * retry, rewind or failure path.
 *
 * <p>A batch is sent pipelined and its replies are checked only when a later batch arrives (or at an empty delivery,
 * a commit, a rebalance, a stop), so Redis applies batches while Connect fetches and converts the next. A failure
 * found at a commit or rebalance is handled at the next {@link #put}, as if found there.
 */
public final class ChangeSink {
    private static final Logger log = LoggerFactory.getLogger(ChangeSink.class);

    private final RedisTarget target;
    private final SinkTaskContext context;
    private final DeadLetters deadLetters;
    private final RetryBackoff backoff;
    private final ServerFence fence;
    private final SendPipeline pipeline;
    private final SinkMetrics metrics;
    private final OffsetLedger ledger = new OffsetLedger();
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Set<TopicPartition> pendingRewind = new HashSet<>();
    private RuntimeException deferredFailure;

    /** {@code oneBatchAtATime}: settle each batch before sending the next (for change feeds). */
    public ChangeSink(RedisTarget target, SinkTaskContext context, boolean errorsTolerated, RetryBackoff backoff,
            Time time, boolean oneBatchAtATime, SinkMetrics metrics) {
        this.target = target;
        this.metrics = metrics;
        this.pipeline = new SendPipeline(oneBatchAtATime);
        this.context = context;
        this.deadLetters = new DeadLetters(context.errantRecordReporter(), errorsTolerated);
        this.backoff = backoff;
        this.fence = new ServerFence(time);
    }

    public void open(Collection<TopicPartition> partitions) {
        assigned.addAll(partitions);
        target.assigned(Set.copyOf(assigned));
        pendingRewind.addAll(partitions);
        try {
            rewindPending();
        } catch (RuntimeException e) {
            log.warn("Cannot read the offsets Redis holds for {} yet ({}); rewinding before the next batch",
                    partitions, e.getMessage());
        }
    }

    public void close(Collection<TopicPartition> partitions) {
        settleQuietly();
        assigned.removeAll(partitions);
        target.assigned(Set.copyOf(assigned));
        pendingRewind.removeAll(partitions);
        ledger.forget(partitions);
        pipeline.dropPartitions(Set.copyOf(partitions));
    }

    public void put(Collection<SinkRecord> records) {
        try {
            if (deferredFailure != null) {
                RuntimeException failure = deferredFailure;
                deferredFailure = null;
                throw failure;
            }
            ledger.release();
            fence.prepare(target);
            while (pipeline.mustSettle(records.isEmpty())) {
                settleOldest();
            }
            List<SinkRecord> batch = pipeline.nextBatch(records);
            if (!pendingRewind.isEmpty()) {
                batch = SendPipeline.withoutPartitions(batch, rewindPending());
            }
            if (batch.isEmpty()) {
                whenIdle();
                // nothing waits to be applied: a later failure starts its own retry.timeout.ms
                recovered();
                return;
            }
            pipeline.send(target, batch, ledger.unrecorded());
            metrics.batchSent(batch.size());
            fence.sent();
        } catch (ConnectException e) {
            throw e;
        } catch (RuntimeException e) {
            handle(e);
        }
    }

    private void whenIdle() {
        Map<TopicPartition, Long> unrecorded = ledger.unrecorded();
        if (unrecorded.isEmpty() && target.offsetCopiesMoved()) {
            unrecorded = ledger.counted();
        }
        if (!unrecorded.isEmpty()) {
            target.recordOffsets(unrecorded);
            ledger.recorded(unrecorded);
        }
        if (fence.replacedWhileIdle(target)) {
            rewindAll();
            return;
        }
        target.whenIdle();
    }

    private void settleOldest() {
        SendPipeline.Settled settled = pipeline.settleOldest();
        ledger.recorded(settled.recordedOffsets());
        ledger.settled(settled.outcome().nextOffsets(), deadLetters.report(settled.outcome().failed()));
        metrics.settled(settled.outcome());
        recovered();
        log.debug("Applied {} records as {} key writes ({} sent to the error reporter)", settled.records(),
                settled.outcome().applied(), settled.outcome().failed().size());
    }

    /** Nothing waits for a retry. */
    private void recovered() {
        backoff.reset();
        metrics.recovered();
    }

    /** Checks everything in flight; a failure is kept for the next put. */
    private void settleQuietly() {
        try {
            while (!pipeline.isEmpty()) {
                settleOldest();
            }
            ledger.release();
        } catch (RuntimeException e) {
            deferredFailure = e;
        }
    }

    /** The one place where a failure becomes an action, by its {@link RedisFailure} class. */
    private void handle(RuntimeException failure) {
        RedisFailure kind = RedisFailure.classify(failure);
        switch (kind) {
            case SERVER_REPLACED -> {
                try {
                    target.serverReplaced();
                    rewindAll();
                    return;
                } catch (RuntimeException e) {
                    handle(e);
                    return;
                }
            }
            case SCRIPT_MISSING -> fence.scriptsLost();
            case FATAL, RECORD -> throw new ConnectException("Redis refused the sink: " + failure.getMessage(),
                    failure);
            case TRANSIENT -> {
            }
        }
        if (backoff.timedOut()) {
            throw new ConnectException("Redis has failed for longer than retry.timeout.ms=" + backoff.timeoutMs()
                    + " ms; last failure: " + failure.getMessage(), failure);
        }
        long pauseMs = backoff.nextBackoffMs();
        metrics.retrying(pauseMs);
        log.warn("The batch failed transiently ({}); retrying it in {} ms (attempt {})", failure.getMessage(),
                pauseMs, backoff.attempts());
        context.timeout(pauseMs);
        throw new RetriableException(failure.getMessage(), failure);
    }

    /** Redis is not the server whose data was checked: what it lost is read again from Kafka. */
    private void rewindAll() {
        log.warn("Redis is another server now (restarted or restored); rewinding {} partitions to the offsets it "
                + "holds", assigned.size());
        metrics.rewound();
        pipeline.clear();
        pendingRewind.addAll(assigned);
        rewindPending();
    }

    /** Seeks every pending partition to the next offset Redis holds for it (0 when Redis holds none). */
    private Set<TopicPartition> rewindPending() {
        Map<TopicPartition, Long> stored = target.storedOffsets();
        Map<TopicPartition, Long> seek = new HashMap<>();
        for (TopicPartition partition : pendingRewind) {
            seek.put(partition, stored.getOrDefault(partition, 0L));
        }
        long reapplied = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> counted : ledger.committable(seek.keySet()).entrySet()) {
            reapplied += Math.max(0, counted.getValue().offset() - seek.get(counted.getKey()));
        }
        metrics.reapplied(reapplied);
        ledger.rewound(seek);
        pipeline.dropPartitions(seek.keySet());
        context.offset(seek);
        pendingRewind.clear();
        log.info("Positioned {} partitions at the offsets Redis holds ({} changes counted as applied before are "
                + "applied again): {}", seek.size(), reapplied, seek);
        return seek.keySet();
    }

    public Map<TopicPartition, OffsetAndMetadata> preCommit(Collection<TopicPartition> partitions) {
        settleQuietly();
        return ledger.committable(partitions);
    }

    /** Checks what is in flight one last time; what cannot be confirmed is read again by the next owner. */
    public void stop() {
        settleQuietly();
        if (deferredFailure != null) {
            log.warn("Stopping with a failure not handled yet ({}); nothing it covers was committed, so it is applied "
                    + "again from the committed offsets", deferredFailure.getMessage(), deferredFailure);
        }
        try {
            target.close();
        } finally {
            metrics.close();
        }
    }
}
