package io.github.pgredis.sink;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.pgredis.sink.apply.AdaptiveModes;
import io.github.pgredis.sink.apply.ChangeApplier;
import io.github.pgredis.sink.apply.ChangeWriter;
import io.github.pgredis.sink.apply.Reconciliation;
import io.github.pgredis.sink.apply.SchemaChanges;
import io.github.pgredis.sink.core.ChangeSink;
import io.github.pgredis.sink.core.SessionTarget;
import io.github.pgredis.sink.errors.RetryBackoff;
import io.github.pgredis.sink.event.ChangeEventDecoder;
import io.github.pgredis.sink.kafka.KafkaAccess;
import io.github.pgredis.sink.mapping.RowRenderer;
import io.github.pgredis.sink.metrics.SinkMetrics;
import io.github.pgredis.sink.redis.OffsetStore;
import io.github.pgredis.sink.redis.InternalKeys;

/**
 * Applies change events to Redis. Lifecycle only: {@link #start} builds the parts from the configuration and
 * {@link ChangeSink} does the work; every other call is handed to it.
 */
public class RedisSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(RedisSinkTask.class);

    private final Time time;
    private ChangeSink sink;
    private KafkaAccess kafka;

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
        RedisSinkConfig config = RedisSinkConfig.checked(props);
        String connectorName = RedisSinkConfig.connectorName(props);
        OffsetStore offsetStore = new OffsetStore(config.internalKeyPrefix(), connectorName);
        InternalKeys internalKeys = new InternalKeys(config.internalKeyPrefix());
        ChangeWriter writer = new ChangeWriter(config.valueFormat(), config.versionStorage(), internalKeys,
                config.deleteMarkerRetentionMs(), config.feedMaxLength());
        kafka = new KafkaAccess(config.kafkaClientConfig());
        Reconciliation reconciliation = config.snapshotNotificationTopic().isEmpty() ? null
                : new Reconciliation(config.snapshotNotificationTopic(), config.versionEpoch(), internalKeys,
                        connectorName, offsetStore, kafka::endOffsets, config::table, writer, time::milliseconds);
        SchemaChanges schemaChanges = config.schemaChangeSignalTopic().isEmpty() ? null
                : new SchemaChanges(config.schemaChangeSignalTopic(), kafka, internalKeys);
        ChangeApplier applier = new ChangeApplier(
                new ChangeEventDecoder(config.versionEpoch(), config.versionField(),
                        config.flattenedMetadataPrefix()),
                config::table,
                new AdaptiveModes(internalKeys, config.adaptiveHysteresis(), config.adaptiveWindowMs(),
                        time::milliseconds),
                new RowRenderer(config.valueFormat(), config.toastPlaceholder()),
                writer,
                internalKeys,
                config.truncateMode(), config.valueMaxBytes(), reconciliation, schemaChanges);
        RetryBackoff backoff = new RetryBackoff(config.retryBackoffInitialMs(), config.retryBackoffMaxMs(),
                config.retryTimeoutMs(), time);
        SinkMetrics metrics = SinkMetrics.register(context, connectorName, RedisSinkConfig.taskIndex(props), time);
        try {
            sink = new ChangeSink(new SessionTarget(config.redisSettings(), applier, offsetStore,
                    config.internalKeyPrefix(), config.feedsAnyTable(), config.waitReplicas(), config.waitTimeoutMs(),
                    metrics), context, RedisSinkConfig.toleratesAllErrors(props), backoff, time,
                    config.feedsAnyTable(), metrics);
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
        log.info("Redis sink task for connector '{}' started: {} format, offsets kept in Redis under {}",
                connectorName, config.valueFormat().name().toLowerCase(Locale.ROOT), offsetStore.key());
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        sink.open(partitions);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        sink.put(records);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        return sink.preCommit(currentOffsets.keySet());
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        sink.close(partitions);
    }

    @Override
    public void stop() {
        if (sink != null) {
            sink.stop();
        }
        if (kafka != null) {
            kafka.close();
        }
        log.info("Redis sink task stopped");
    }
}
