package io.github.pgredis.sink.apply;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.connect.sink.SinkRecord;

import io.github.pgredis.sink.event.ChangeEvent;
import io.github.pgredis.sink.event.ChangeVersion;
import io.github.pgredis.sink.mapping.RenderedRow;

/**
 * What one batch does to one Redis key: the newest change of the key in the batch, standing for every record of the
 * key that it replaced (they share its fate: applied together, or reported together).
 */
public final class RowWrite {
    public enum Kind { UPSERT, DELETE, TOMBSTONE }

    private final String key;
    private final Kind kind;
    private final ChangeVersion version;
    private final long offset;
    private final RenderedRow row;
    private final List<SinkRecord> records;
    private final WriteMode mode;
    private final long ttlMs;
    private final FeedEntry feed;
    private final String table;
    private final long commitTimeMs;
    private final int deletes;

    /** The change feed entry of a write: its table's stream, what it carries, and the change's operation. */
    public record FeedEntry(String stream, FeedContent content, char operation) {
    }

    /**
     * A change of one key; {@code mode} (never ADAPTIVE: the caller resolves it) and {@code ttlMs} say how an
     * upsert is stored; {@code table} and {@code commitTimeMs} are the change's, for metrics.
     */
    public RowWrite(String key, Kind kind, ChangeVersion version, long offset, RenderedRow row, SinkRecord record,
            WriteMode mode, long ttlMs, String table, long commitTimeMs) {
        this(key, kind, version, offset, row, new ArrayList<>(List.of(record)), mode, ttlMs, null, table,
                commitTimeMs, kind == Kind.UPSERT ? 0 : 1);
    }

    /** This write, also appended to a change feed. */
    public RowWrite fed(FeedEntry entry) {
        return new RowWrite(key, kind, version, offset, row, records, mode, ttlMs, entry, table, commitTimeMs,
                deletes);
    }

    /** The delete of one key found by a table truncate; the truncate record itself stands for it. */
    public static RowWrite truncated(String key, ChangeVersion version, long offset) {
        return new RowWrite(key, Kind.DELETE, version, offset, null, List.of(), WriteMode.UPSERT, 0, null, null,
                ChangeEvent.UNKNOWN_TIME, 0);
    }

    private RowWrite(String key, Kind kind, ChangeVersion version, long offset, RenderedRow row,
            List<SinkRecord> records, WriteMode mode, long ttlMs, FeedEntry feed, String table, long commitTimeMs,
            int deletes) {
        if (mode == WriteMode.ADAPTIVE) {
            throw new IllegalArgumentException("the adaptive mode of key '" + key + "' was not resolved");
        }
        this.key = key;
        this.kind = kind;
        this.version = version;
        this.offset = offset;
        this.row = row;
        this.records = records;
        this.mode = mode;
        this.ttlMs = ttlMs;
        this.feed = feed;
        this.table = table;
        this.commitTimeMs = commitTimeMs;
        this.deletes = deletes;
    }

    /**
     * Collapses this write with a later change of the same key, with the same final effect as applying both in order
     * through the version guard: the higher version wins; a tombstone deletes whatever came before it, is ordered by
     * its Kafka position, and leaves a marker with the highest version it covers, so older changes replayed later
     * stay out; columns the winner lacks (TOAST) come from the earlier row. Writes with a change feed entry are
     * never collapsed: every change of theirs is appended.
     */
    public RowWrite followedBy(RowWrite later) {
        if (feed != null || later.feed != null) {
            throw new IllegalStateException("the changes of key " + key + " go to a change feed, one by one");
        }
        List<SinkRecord> all = new ArrayList<>(records.size() + later.records.size());
        all.addAll(records);
        all.addAll(later.records);
        long lastOffset = Math.max(offset, later.offset);
        long newestCommitTimeMs = Math.max(commitTimeMs, later.commitTimeMs);
        int allDeletes = deletes + later.deletes;
        if (later.kind == Kind.TOMBSTONE) {
            ChangeVersion newest = version.compareTo(later.version) >= 0 ? version : later.version;
            return new RowWrite(key, Kind.TOMBSTONE, newest, lastOffset, null, all, later.mode, later.ttlMs, null,
                    table, newestCommitTimeMs, allDeletes);
        }
        if (version.replaces(later.version, offset, later.offset)) {
            return new RowWrite(key, kind, version, lastOffset, row, all, later.mode, later.ttlMs, null, table,
                    newestCommitTimeMs, allDeletes);
        }
        RenderedRow laterRow = later.row;
        if (laterRow != null && row != null) {
            laterRow = laterRow.keepingFrom(row);
        }
        return new RowWrite(key, later.kind, later.version, lastOffset, laterRow, all, later.mode, later.ttlMs, null,
                table, newestCommitTimeMs, allDeletes);
    }

    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    public ChangeVersion version() {
        return version;
    }

    /** The highest original Kafka offset among the records this write stands for. */
    public long offset() {
        return offset;
    }

    public RenderedRow row() {
        return row;
    }

    public List<SinkRecord> records() {
        return records;
    }

    public WriteMode mode() {
        return mode;
    }

    public long ttlMs() {
        return ttlMs;
    }

    /** The table of the change as {@link ChangeEvent#qualifiedTable()} names it; null for a truncate's deletes. */
    public String table() {
        return table;
    }

    /** The newest source commit time among the changes this write stands for, or {@link ChangeEvent#UNKNOWN_TIME}. */
    public long commitTimeMs() {
        return commitTimeMs;
    }

    /** How many of the changes this write stands for are deletes or tombstones. */
    public int deletes() {
        return deletes;
    }

    /** The change feed entry, or null when the change is not appended to one. */
    public FeedEntry feed() {
        return feed;
    }
}
