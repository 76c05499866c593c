package io.github.pgredis.sink.apply;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;

import io.github.pgredis.sink.RedisSinkConfig.TruncateMode;
import io.github.pgredis.sink.apply.BatchOutcome.Failed;
import io.github.pgredis.sink.errors.RecordException;
import io.github.pgredis.sink.errors.RedisFailure;
import io.github.pgredis.sink.event.ChangeEvent;
import io.github.pgredis.sink.event.ChangeEventDecoder;
import io.github.pgredis.sink.mapping.KeyTemplate;
import io.github.pgredis.sink.mapping.RenderedRow;
import io.github.pgredis.sink.mapping.RowRenderer;
import io.github.pgredis.sink.redis.ChangeWriter;
import io.github.pgredis.sink.redis.RedisSession;

/**
 * Applies one batch of records to Redis: decode, map to keys, collapse per key, write pipelined, and sort failures
 * into the record's own (reported, the rest applied), transient (the batch is retried) and fatal (the task fails).
 */
public final class ChangeApplier {
    private final ChangeEventDecoder decoder;
    private final Function<String, KeyTemplate> keyTemplates;
    private final RowRenderer renderer;
    private final ChangeWriter writer;
    private final TruncateMode truncateMode;
    private final long valueMaxBytes;

    public ChangeApplier(ChangeEventDecoder decoder, Function<String, KeyTemplate> keyTemplates, RowRenderer renderer,
            ChangeWriter writer, TruncateMode truncateMode, long valueMaxBytes) {
        this.decoder = decoder;
        this.keyTemplates = keyTemplates;
        this.renderer = renderer;
        this.writer = writer;
        this.truncateMode = truncateMode;
        this.valueMaxBytes = valueMaxBytes;
    }

    public BatchOutcome apply(RedisSession session, Collection<SinkRecord> records) {
        List<Failed> failed = new ArrayList<>();
        Map<TopicPartition, Long> nextOffsets = new HashMap<>();
        Map<String, RowWrite> segment = new LinkedHashMap<>();
        int applied = 0;
        for (SinkRecord record : records) {
            nextOffsets.merge(new TopicPartition(record.originalTopic(), record.originalKafkaPartition()),
                    record.originalKafkaOffset() + 1, Math::max);
            try {
                ChangeEvent event = decoder.decode(record);
                if (event.isTruncate()) {
                    applied += write(session, segment, failed);
                    truncate(session, event);
                } else {
                    RowWrite write = toWrite(event);
                    segment.merge(write.key(), write, RowWrite::followedBy);
                }
            } catch (RecordException e) {
                failed.add(new Failed(record, e));
            }
        }
        applied += write(session, segment, failed);
        return new BatchOutcome(failed, nextOffsets, applied);
    }

    private RowWrite toWrite(ChangeEvent event) {
        String key = keyTemplates.apply(event.topic()).render(event);
        RowWrite.Kind kind;
        RenderedRow row = null;
        if (event.operation().writesRow()) {
            kind = RowWrite.Kind.UPSERT;
            row = renderer.render(event);
            if (row.isLargerThan(valueMaxBytes)) {
                throw new RecordException("the value of key '" + key + "' from " + ChangeEvent.describe(event.record())
                        + " is " + row.sizeInBytes() + " bytes, more than value.max.bytes=" + valueMaxBytes);
            }
        } else {
            kind = event.isTombstone() ? RowWrite.Kind.TOMBSTONE : RowWrite.Kind.DELETE;
        }
        return new RowWrite(key, kind, event.version(), event.offset(), row, event.record());
    }

    /** Writes the collected segment and empties it; returns how many keys Redis took. */
    private int write(RedisSession session, Map<String, RowWrite> segment, List<Failed> failed) {
        if (segment.isEmpty()) {
            return 0;
        }
        List<RowWrite> writes = new ArrayList<>(segment.values());
        segment.clear();
        List<RuntimeException> failures = writer.apply(session, writes);
        RuntimeException transientFailure = null;
        RedisFailure transientKind = null;
        int applied = 0;
        for (int i = 0; i < writes.size(); i++) {
            RuntimeException failure = failures.get(i);
            if (failure == null) {
                applied++;
                continue;
            }
            RowWrite write = writes.get(i);
            RedisFailure kind = RedisFailure.classify(failure);
            switch (kind) {
                case RECORD -> {
                    for (SinkRecord record : write.records()) {
                        failed.add(new Failed(record, new RecordException("Redis refused key '" + write.key()
                                + "' for " + ChangeEvent.describe(record) + ": " + failure.getMessage(), failure)));
                    }
                }
                case FATAL -> throw new ConnectException("Redis refused the write of key '" + write.key() + "' for "
                        + ChangeEvent.describe(write.records().get(0)) + ": " + failure.getMessage(), failure);
                default -> {
                    transientFailure = failure;
                    transientKind = kind;
                }
            }
        }
        if (transientFailure != null) {
            throw new TransientBatchException(transientKind, transientFailure);
        }
        return applied;
    }

    private void truncate(RedisSession session, ChangeEvent event) {
        if (truncateMode == TruncateMode.IGNORE) {
            return;
        }
        String prefix = keyTemplates.apply(event.topic()).tablePrefix(event);
        if (prefix == null) {
            throw new RecordException("cannot apply the truncate in " + ChangeEvent.describe(event.record())
                    + ": the key template has no table-specific text before the key; set truncate.mode=ignore or "
                    + "change key.template");
        }
        try {
            writer.truncate(session, prefix, event.version(), event.offset());
        } catch (RuntimeException e) {
            RedisFailure kind = RedisFailure.classify(e);
            if (kind == RedisFailure.FATAL) {
                throw new ConnectException("Redis refused the truncate in " + ChangeEvent.describe(event.record())
                        + ": " + e.getMessage(), e);
            }
            throw new TransientBatchException(kind, e);
        }
    }
}
