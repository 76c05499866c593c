package io.github.pgredis.sink.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.pgredis.sink.apply.BatchOutcome;
import io.github.pgredis.sink.apply.ChangeApplier;
import io.github.pgredis.sink.apply.PendingBatch;
import io.github.pgredis.sink.metrics.SinkMetrics;
import io.github.pgredis.sink.redis.AclProbe;
import io.github.pgredis.sink.redis.OffsetStore;
import io.github.pgredis.sink.redis.RedisConnection;
import io.github.pgredis.sink.redis.RedisSession;
import io.github.pgredis.sink.redis.RedisSettings;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;

/** The real {@link RedisTarget}: one pipelined Lettuce session, opened on first use and again after a failed open. */
public final class SessionTarget implements RedisTarget {
    private static final Logger log = LoggerFactory.getLogger(SessionTarget.class);

    private final RedisSettings settings;
    private final ChangeApplier applier;
    private final OffsetStore offsetStore;
    private final String internalKeyPrefix;
    private final boolean feedsAnyTable;
    private final int waitReplicas;
    private final long waitTimeoutMs;
    private final SinkMetrics metrics;
    private RedisSession session;

    /**
     * {@code feedsAnyTable}: whether the user needs the change feed's commands; {@code waitReplicas}: how many
     * replicas must confirm a batch's writes (WAIT) before they count, 0 for none.
     */
    public SessionTarget(RedisSettings settings, ChangeApplier applier, OffsetStore offsetStore,
            String internalKeyPrefix, boolean feedsAnyTable, int waitReplicas, long waitTimeoutMs,
            SinkMetrics metrics) {
        this.metrics = metrics;
        this.settings = settings;
        this.applier = applier;
        this.offsetStore = offsetStore;
        this.internalKeyPrefix = internalKeyPrefix;
        this.feedsAnyTable = feedsAnyTable;
        this.waitReplicas = waitReplicas;
        this.waitTimeoutMs = waitTimeoutMs;
    }

    /** The session, opened (and its user's permissions checked) on first use. */
    private RedisSession session() {
        if (session == null) {
            session = AclProbe.openChecked(settings, internalKeyPrefix, feedsAnyTable, waitReplicas > 0);
            log.info("Connected to Redis {} ({} masters, fences {})", settings, session.fences().size(),
                    session.fences().values());
        }
        return session;
    }

    @Override
    public SentBatch send(List<SinkRecord> records) {
        RedisSession redis = session();
        PendingBatch pending = applier.send(redis, records);
        pending.whenAnswered(metrics::roundTrip);
        return new SentBatch() {
            @Override
            public List<SinkRecord> records() {
                return pending.records();
            }

            @Override
            public BatchOutcome await() {
                BatchOutcome outcome = pending.complete(redis.timeoutMs());
                if (waitReplicas == 0) {
                    return outcome;
                }
                // only now: every write has its reply, also those Lettuce sent again after MOVED or ASK, so each
                // master's WAIT, on the connection that carried its writes, covers all of them
                List<RedisFuture<Long>> confirmations = new ArrayList<>();
                for (RedisConnection.Master master : redis.masters()) {
                    confirmations.add(master.commands().waitForReplication(waitReplicas, waitTimeoutMs));
                }
                for (long replicas : redis.executeAll(confirmations)) {
                    if (replicas < waitReplicas) {
                        throw new RedisCommandExecutionException("NOREPLICAS WAIT confirmed the batch on " + replicas
                                + " of " + waitReplicas + " replicas within " + waitTimeoutMs + " ms; it is applied "
                                + "again");
                    }
                }
                return outcome;
            }
        };
    }

    @Override
    public Reply queueOffsets(Map<TopicPartition, Long> nextOffsets) {
        RedisSession redis = session();
        List<RedisFuture<Long>> replies = offsetStore.send(redis, nextOffsets);
        return () -> replies.forEach(reply -> RedisSession.await(reply, redis.timeoutMs()));
    }

    @Override
    public void recordOffsets(Map<TopicPartition, Long> nextOffsets) {
        offsetStore.record(session(), nextOffsets);
    }

    @Override
    public boolean offsetCopiesMoved() {
        return offsetStore.copiesMoved(session());
    }

    @Override
    public Map<TopicPartition, Long> storedOffsets() {
        return offsetStore.read(session());
    }

    @Override
    public boolean serverReplaced() {
        return session().refreshFences();
    }

    @Override
    public void assigned(Set<TopicPartition> partitions) {
        applier.assigned(partitions);
    }

    @Override
    public void whenIdle() {
        applier.runDue(session());
    }

    @Override
    public void reloadScripts() {
        session().loadScripts();
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
