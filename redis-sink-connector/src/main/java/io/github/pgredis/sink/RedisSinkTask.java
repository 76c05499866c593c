package io.github.pgredis.sink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
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
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.pgredis.sink.apply.BatchOutcome;
import io.github.pgredis.sink.apply.ChangeApplier;
import io.github.pgredis.sink.apply.PendingBatch;
import io.github.pgredis.sink.apply.TransientBatchException;
import io.github.pgredis.sink.errors.RedisFailure;
import io.github.pgredis.sink.errors.RetryBackoff;
import io.github.pgredis.sink.event.ChangeEventDecoder;
import io.github.pgredis.sink.mapping.RowRenderer;
import io.github.pgredis.sink.redis.ChangeWriter;
import io.github.pgredis.sink.redis.OffsetStore;
import io.github.pgredis.sink.redis.RedisSession;
import io.github.pgredis.sink.redis.VersionKeys;
import io.lettuce.core.RedisFuture;

/**
 * Applies change events to Redis. Lifecycle only: the work is done by {@link ChangeApplier}; this class tracks the
 * assignment, the offsets Redis acknowledged, rewinds to the offsets Redis holds, and turns failures into Connect's
 * retry, dead-letter and failure paths.
 *
 * <p>A batch is sent pipelined and its replies are checked only when a later batch arrives (or at an empty delivery,
 * a commit, a rebalance), so Redis applies batches while Connect fetches and converts the next. Only checked batches
 * count as acknowledged; batches Redis failed are sent again, in order, ahead of the next, so per-partition order
 * is kept.
 */
public class RedisSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(RedisSinkTask.class);
    private static final long SERVER_CHECK_INTERVAL_MS = 1_000L;
    /**
     * Batches sent before the oldest one's replies are checked: two let Redis work through one batch's tail while
     * the next is sent and Connect converts a third, absorbing pauses on either side.
     */
    private static final int MAX_IN_FLIGHT = 2;

    private final Time time;
    private RedisSinkConfig config;
    private boolean toleratesErrors;
    private ErrantRecordReporter reporter;
    private OffsetStore offsetStore;
    private ChangeApplier applier;
    private RetryBackoff backoff;
    private RedisSession session;
    private boolean scriptsMissing;
    private long lastServerCheckMs;
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Set<TopicPartition> pendingRewind = new HashSet<>();
    private final Map<TopicPartition, Long> acknowledged = new HashMap<>();
    /** Acknowledged offsets not yet in Redis: written ahead of the next batch, or at once when idle. */
    private final Map<TopicPartition, Long> unrecorded = new HashMap<>();
    /** Batches Redis is applying, oldest first, each with the offsets write sent ahead of it. */
    private final Deque<InFlight> inFlight = new ArrayDeque<>();
    /** Records of batches Redis failed, in order: sent again ahead of the next batch. */
    private List<SinkRecord> toResend = List.of();
    /** A failure found while committing: fails the task, or is retried, at the next put. */
    private RuntimeException deferredFailure;

    private record InFlight(PendingBatch batch, Map<TopicPartition, Long> offsets, RedisFuture<Long> offsetsReply) {
    }

    public RedisSinkTask() {
        this(Time.SYSTEM);
    }

    // visible for testing
    RedisSinkTask(Time time) {
        this.time = time;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new RedisSinkConfig(props);
        toleratesErrors = RedisSinkConfig.toleratesAllErrors(props);
        reporter = errantRecordReporter();
        String connectorName = props.getOrDefault("name", "redis-sink");
        offsetStore = new OffsetStore(config.internalKeyPrefix(), connectorName);
        applier = new ChangeApplier(
                new ChangeEventDecoder(config.versionEpoch(), config.versionField(),
                        config.flattenedMetadataPrefix()),
                config::keyTemplate,
                new RowRenderer(config.valueFormat(), config.toastPlaceholder()),
                new ChangeWriter(config.valueFormat(), new VersionKeys(config.internalKeyPrefix()),
                        config.deleteMarkerRetentionMs()),
                config.truncateMode(), config.valueMaxBytes());
        backoff = new RetryBackoff(config.retryBackoffInitialMs(), config.retryBackoffMaxMs(),
                config.retryTimeoutMs(), time);
        log.info("Redis sink task for connector '{}' started: {} format, offsets kept in Redis under {}",
                connectorName, config.valueFormat().name().toLowerCase(java.util.Locale.ROOT), offsetStore.key());
    }

    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            return null;
        }
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        assigned.addAll(partitions);
        pendingRewind.addAll(partitions);
        try {
            rewindPending();
        } catch (RuntimeException e) {
            log.warn("Cannot read the offsets Redis holds for {} yet ({}); rewinding before the next batch",
                    partitions, e.getMessage());
        }
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        settleQuietly();
        assigned.removeAll(partitions);
        pendingRewind.removeAll(partitions);
        acknowledged.keySet().removeAll(partitions);
        unrecorded.keySet().removeAll(partitions);
        toResend = withoutPartitions(toResend, new HashSet<>(partitions));
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        try {
            if (deferredFailure != null) {
                RuntimeException failure = deferredFailure;
                deferredFailure = null;
                throw failure;
            }
            RedisSession redis = session();
            while (inFlight.size() >= (records.isEmpty() ? 1 : MAX_IN_FLIGHT)) {
                settleOldest();
            }
            List<SinkRecord> batch = toResend;
            if (!records.isEmpty()) {
                batch = new ArrayList<>(toResend.size() + records.size());
                batch.addAll(toResend);
                batch.addAll(records);
            }
            if (!pendingRewind.isEmpty()) {
                batch = withoutPartitions(batch, rewindPending());
            }
            if (batch.isEmpty()) {
                recordOffsetsWhenIdle(redis);
                checkServerPeriodically(redis);
                return;
            }
            Map<TopicPartition, Long> offsets = Map.copyOf(unrecorded);
            RedisFuture<Long> offsetsReply = offsets.isEmpty() ? null : offsetStore.send(redis, offsets);
            inFlight.addLast(new InFlight(applier.send(redis, batch), offsets, offsetsReply));
            toResend = List.of();
            lastServerCheckMs = time.milliseconds();
        } catch (TransientBatchException e) {
            handleRedisFailure(e.failure(), (RuntimeException) e.getCause());
        } catch (ConnectException e) {
            throw e;
        } catch (RuntimeException e) {
            handleRedisFailure(RedisFailure.classify(e), e);
        }
    }

    /**
     * Checks the replies of the oldest batch in flight: its offsets write first (refused when Redis is another server
     * now), then its writes. Its records become acknowledged; on a failure every batch in flight is kept, in order,
     * to be sent again.
     */
    private void settleOldest() {
        InFlight oldest = inFlight.peekFirst();
        BatchOutcome outcome;
        try {
            if (oldest.offsetsReply() != null) {
                RedisSession.await(oldest.offsetsReply(), session.timeoutMs());
                oldest.offsets().forEach(unrecorded::remove);
            }
            outcome = oldest.batch().complete(session.timeoutMs());
        } catch (RuntimeException e) {
            List<SinkRecord> again = new ArrayList<>();
            inFlight.forEach(sent -> again.addAll(sent.batch().records()));
            inFlight.clear();
            toResend = again;
            throw e;
        }
        inFlight.removeFirst();
        report(outcome.failed());
        acknowledged.putAll(outcome.nextOffsets());
        unrecorded.putAll(outcome.nextOffsets());
        backoff.reset();
        log.debug("Applied {} records as {} key writes ({} sent to the error reporter)",
                oldest.batch().records().size(), outcome.applied(), outcome.failed().size());
    }

    /**
     * Settles at a commit, a rebalance or a stop. A failure is handled at the next put, as if found there: the
     * batch is sent again (or rewound), or the task fails.
     */
    private void settleQuietly() {
        try {
            while (!inFlight.isEmpty()) {
                settleOldest();
            }
        } catch (RuntimeException e) {
            deferredFailure = e;
        }
    }

    private void recordOffsetsWhenIdle(RedisSession redis) {
        if (!unrecorded.isEmpty()) {
            offsetStore.record(redis, unrecorded);
            unrecorded.clear();
        }
    }

    private RedisSession session() {
        if (session == null) {
            session = RedisSession.open(config);
            scriptsMissing = false;
            lastServerCheckMs = time.milliseconds();
            log.info("Connected to Redis {} (run_id {})", config.redisUri(), session.runId());
        } else if (scriptsMissing) {
            session.loadScripts();
            scriptsMissing = false;
        }
        return session;
    }

    private void handleRedisFailure(RedisFailure failure, RuntimeException cause) {
        switch (failure) {
            case SERVER_REPLACED -> {
                serverReplaced();
                return;
            }
            case SCRIPT_MISSING -> scriptsMissing = true;
            case FATAL -> throw new ConnectException("Redis refused the sink: " + cause.getMessage(), cause);
            default -> {
            }
        }
        if (backoff.timedOut()) {
            throw new ConnectException("Redis has failed for longer than " + RedisSinkConfig.RETRY_TIMEOUT_MS + "="
                    + config.retryTimeoutMs() + " ms; last failure: " + cause.getMessage(), cause);
        }
        long pauseMs = backoff.nextBackoffMs();
        log.warn("Redis failed transiently ({}); retrying the batch in {} ms (attempt {})", cause.getMessage(),
                pauseMs, backoff.attempts());
        context.timeout(pauseMs);
        throw new RetriableException(cause.getMessage(), cause);
    }

    private void checkServerPeriodically(RedisSession redis) {
        if (time.milliseconds() - lastServerCheckMs < SERVER_CHECK_INTERVAL_MS) {
            return;
        }
        lastServerCheckMs = time.milliseconds();
        if (redis.refreshRunId()) {
            rewindAllAssigned();
        }
    }

    /** Redis is not the server whose data was checked: what it lost is re-read from Kafka. */
    private void serverReplaced() {
        try {
            session.refreshRunId();
            rewindAllAssigned();
        } catch (RuntimeException e) {
            handleRedisFailure(RedisFailure.classify(e), e);
        }
    }

    private void rewindAllAssigned() {
        log.warn("Redis run_id changed to {}: the server restarted or was restored; rewinding {} partitions to the "
                + "offsets it holds", session.runId(), assigned.size());
        inFlight.clear();
        pendingRewind.addAll(assigned);
        rewindPending();
    }

    /** Seeks every pending partition to the next offset Redis holds for it (0 when Redis holds none). */
    private Set<TopicPartition> rewindPending() {
        Map<TopicPartition, Long> stored = offsetStore.read(session());
        Map<TopicPartition, Long> seek = new HashMap<>();
        for (TopicPartition partition : pendingRewind) {
            long next = stored.getOrDefault(partition, 0L);
            seek.put(partition, next);
            acknowledged.put(partition, next);
            unrecorded.remove(partition);
        }
        toResend = withoutPartitions(toResend, seek.keySet());
        context.offset(seek);
        pendingRewind.clear();
        log.info("Positioned {} partitions at the offsets Redis holds: {}", seek.size(), seek);
        return seek.keySet();
    }

    private static List<SinkRecord> withoutPartitions(List<SinkRecord> records, Set<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return records;
        }
        List<SinkRecord> kept = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            if (!partitions.contains(new TopicPartition(record.originalTopic(), record.originalKafkaPartition()))) {
                kept.add(record);
            }
        }
        return kept;
    }

    private void report(List<BatchOutcome.Failed> failed) {
        if (failed.isEmpty()) {
            return;
        }
        if (!toleratesErrors || reporter == null) {
            BatchOutcome.Failed first = failed.get(0);
            throw new ConnectException(first.error().getMessage() + " (errors.tolerance is none; with "
                    + "errors.tolerance=all and errors.deadletterqueue.topic.name the record goes to the dead-letter "
                    + "queue and the sink goes on)", first.error());
        }
        for (BatchOutcome.Failed failure : failed) {
            reporter.report(failure.record(), failure.error());
        }
        log.warn("{} records of the batch sent to the error reporter; first: {}", failed.size(),
                failed.get(0).error().getMessage());
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        settleQuietly();
        Map<TopicPartition, OffsetAndMetadata> committable = new HashMap<>();
        for (TopicPartition partition : currentOffsets.keySet()) {
            Long next = acknowledged.get(partition);
            if (next != null) {
                committable.put(partition, new OffsetAndMetadata(next));
            }
        }
        return committable;
    }

    @Override
    public void stop() {
        settleQuietly();
        if (session != null) {
            session.close();
            session = null;
        }
        log.info("Redis sink task stopped");
    }
}
