package io.github.pgredis.sink.apply;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.pgredis.sink.errors.RecordException;
import io.github.pgredis.sink.event.ChangeEvent;
import io.github.pgredis.sink.event.ChangeEventDecoder;
import io.github.pgredis.sink.event.ChangeVersion;
import io.github.pgredis.sink.mapping.RenderedRow;
import io.github.pgredis.sink.mapping.RowRenderer;
import io.github.pgredis.sink.redis.InternalKeys;
import io.github.pgredis.sink.redis.RedisSession;

/**
 * Applies one batch of records to Redis: decode, map to keys, collapse per key and send the writes pipelined; the
 * {@link PendingBatch} sorts the replies into the record's own failures (reported, the rest applied) and those of
 * the batch, which the caller classifies.
 */
public final class ChangeApplier {
    private static final Logger log = LoggerFactory.getLogger(ChangeApplier.class);
    private final ChangeEventDecoder decoder;
    private final BiFunction<String, String, TableSettings> tables;
    private final AdaptiveModes adaptiveModes;
    private final RowRenderer renderer;
    private final ChangeWriter writer;
    private final InternalKeys internalKeys;
    private final TruncateMode truncateMode;
    private final long valueMaxBytes;
    private final Reconciliation reconciliation;
    private final SchemaChanges schemaChanges;

    /**
     * {@code tables} gives the settings of a table by schema and table name (either may be null);
     * {@code reconciliation} and {@code schemaChanges} are null when off.
     */
    public ChangeApplier(ChangeEventDecoder decoder, BiFunction<String, String, TableSettings> tables,
            AdaptiveModes adaptiveModes, RowRenderer renderer, ChangeWriter writer, InternalKeys internalKeys,
            TruncateMode truncateMode, long valueMaxBytes, Reconciliation reconciliation,
            SchemaChanges schemaChanges) {
        this.decoder = decoder;
        this.internalKeys = internalKeys;
        this.tables = tables;
        this.adaptiveModes = adaptiveModes;
        this.renderer = renderer;
        this.writer = writer;
        this.truncateMode = truncateMode;
        this.valueMaxBytes = valueMaxBytes;
        this.reconciliation = reconciliation;
        this.schemaChanges = schemaChanges;
    }

    /**
     * Decodes, maps and collapses the records and sends their writes pipelined, without waiting for the replies;
     * a truncate waits for the writes before it. Records that cannot be applied are in the outcome.
     */
    public PendingBatch send(RedisSession session, List<SinkRecord> records) {
        adaptiveModes.refreshIfDue(session);
        runDue(session);
        PendingBatch batch = new PendingBatch(records);
        Map<Object, RowWrite> segment = new LinkedHashMap<>();
        for (SinkRecord record : records) {
            batch.advance(record);
            try {
                if (reconciliation != null && reconciliation.isNotification(record)) {
                    reconciliation.notification(session, record);
                    continue;
                }
                ChangeEvent event = decoder.decode(record);
                if (schemaChanges != null && event.row() != null) {
                    schemaChanges.observe(session, event);
                }
                if (event.isTruncate()) {
                    send(session, segment, batch);
                    truncate(session, event);
                } else {
                    TableSettings table = tables.apply(event.schemaName(), event.tableName());
                    RowWrite write = toWrite(event, table);
                    // every write of a fed table stays a write of its own, in order: each change is appended
                    segment.merge(table.feedEnabled() ? new Object() : write.key(), write, RowWrite::followedBy);
                }
            } catch (RecordException e) {
                batch.fail(record, e);
            }
        }
        send(session, segment, batch);
        batch.flushing();
        session.flush();
        return batch;
    }

    /** The partitions the task holds now. */
    public void assigned(Collection<TopicPartition> partitions) {
        if (reconciliation != null) {
            reconciliation.assigned(partitions);
        }
    }

    /** What is due whether or not records arrive: reconciliations whose table topics the sink has applied. */
    public void runDue(RedisSession session) {
        if (reconciliation != null) {
            reconciliation.runDue(session);
        }
    }

    /**
     * The write of one change. In write.mode=invalidate a row is never stored, so a change that writes one is sent
     * as a delete and never rendered: a row that could not be stored still invalidates its key. In
     * update-if-cached (and adaptive while refreshing) a row that cannot be stored invalidates its key too.
     */
    private RowWrite toWrite(ChangeEvent event, TableSettings table) {
        String key = table.keyTemplate().render(event);
        WriteMode mode = table.writeMode();
        if (mode == WriteMode.ADAPTIVE) {
            mode = adaptiveModes.resolve(event.schemaName() + "." + event.tableName(), table);
        }
        RowWrite.Kind kind;
        RenderedRow row = null;
        if (event.operation().writesRow() && mode != WriteMode.INVALIDATE) {
            kind = RowWrite.Kind.UPSERT;
            try {
                row = storable(event, table, key);
            } catch (RecordException e) {
                if (mode != WriteMode.UPDATE_IF_CACHED) {
                    throw e;
                }
                // a cache may always drop a row: the change invalidates what Redis holds instead
                log.warn("Invalidating key '{}' instead of refreshing it: {}", key, e.getMessage());
                kind = RowWrite.Kind.DELETE;
            }
        } else {
            kind = event.isTombstone() ? RowWrite.Kind.TOMBSTONE : RowWrite.Kind.DELETE;
        }
        RowWrite write = new RowWrite(key, kind, event.version(), event.offset(), row, event.record(), mode,
                table.ttlMs(), event.qualifiedTable(), event.commitTimeMs());
        if (!fed(table, event) || event.isSnapshotRead() || event.isTombstone()) {
            return write;
        }
        char operation = event.isCreate() ? 'c' : event.isUpdate() ? 'u' : 'd';
        return write.fed(new RowWrite.FeedEntry(feedOf(event), row == null ? FeedContent.KEY : table.feedContent(),
                operation));
    }

    private String feedOf(ChangeEvent event) {
        return internalKeys.feed(event.schemaName() + "." + event.tableName(), event.version().epoch());
    }

    /** Whether the table's changes go to its change feed: only changes that carry a source position can. */
    private static boolean fed(TableSettings table, ChangeEvent event) {
        return table.feedEnabled() && event.version().kind() == ChangeVersion.Kind.SOURCE_POSITION;
    }

    /** The row as the table stores it, or a RecordException saying why it cannot be stored. */
    private RenderedRow storable(ChangeEvent event, TableSettings table, String key) {
        RenderedRow row;
        try {
            row = table.columns().apply(renderer.render(event));
            writer.checkColumnNames(row);
        } catch (IllegalArgumentException e) {
            throw new RecordException("cannot store " + ChangeEvent.describe(event.record()) + " as key '" + key
                    + "': " + e.getMessage(), e);
        }
        if (row.isLargerThan(valueMaxBytes)) {
            throw new RecordException("the value of key '" + key + "' from " + ChangeEvent.describe(event.record())
                    + " is " + row.sizeInBytes() + " bytes, more than value.max.bytes=" + valueMaxBytes);
        }
        return row;
    }

    /** Queues the collected segment's writes and empties it. */
    private void send(RedisSession session, Map<Object, RowWrite> segment, PendingBatch batch) {
        if (segment.isEmpty()) {
            return;
        }
        List<RowWrite> writes = new ArrayList<>(segment.values());
        segment.clear();
        batch.sent(writer.send(session, writes));
    }

    private void truncate(RedisSession session, ChangeEvent event) {
        if (truncateMode == TruncateMode.IGNORE) {
            return;
        }
        TableSettings table = tables.apply(event.schemaName(), event.tableName());
        String prefix = table.keyTemplate().tablePrefix(event);
        if (prefix == null) {
            throw new RecordException("cannot apply the truncate in " + ChangeEvent.describe(event.record())
                    + ": the key template has no table-specific text before the key; set truncate.mode=ignore or "
                    + "change key.template");
        }
        try {
            writer.truncate(session, prefix, event.version(), event.offset());
            if (fed(table, event)) {
                writer.appendTruncate(session, feedOf(event), event.version());
            }
        } catch (RuntimeException e) {
            throw new RedisWriteException("Redis failed the truncate in " + ChangeEvent.describe(event.record())
                    + ": " + e.getMessage(), e);
        }
    }
}
