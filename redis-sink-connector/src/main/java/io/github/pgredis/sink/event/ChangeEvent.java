package io.github.pgredis.sink.event;

import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One change read from one sink record, whatever shape it arrived in: a Debezium envelope, a record flattened by
 * ExtractNewRecordState, a tombstone or a plain keyed record.
 */
public final class ChangeEvent {
    /** {@link #commitTimeMs()} of a record that does not carry the time of its change. */
    public static final long UNKNOWN_TIME = -1;

    private final SinkRecord record;
    private final Operation operation;
    private final List<Column> keyColumns;
    private final List<Column> row;
    private final String schemaName;
    private final String tableName;
    private final ChangeVersion version;
    private final long commitTimeMs;

    ChangeEvent(SinkRecord record, Operation operation, List<Column> keyColumns, List<Column> row,
            String schemaName, String tableName, ChangeVersion version, long commitTimeMs) {
        this.record = record;
        this.operation = operation;
        this.keyColumns = keyColumns;
        this.row = row;
        this.schemaName = schemaName;
        this.tableName = tableName;
        this.version = version;
        this.commitTimeMs = commitTimeMs;
    }

    /**
     * An event that names only a table, as a truncate does: for what acts on a table as a whole, such as finding
     * the start its key template gives all its keys.
     */
    public static ChangeEvent ofTable(String topic, String schemaName, String tableName) {
        return new ChangeEvent(new SinkRecord(topic, 0, null, null, null, null, 0), Operation.TRUNCATE, List.of(),
                null, schemaName, tableName, null, UNKNOWN_TIME);
    }

    public SinkRecord record() {
        return record;
    }

    public Operation operation() {
        return operation;
    }

    public boolean isCreate() {
        return operation == Operation.CREATE;
    }

    public boolean isUpdate() {
        return operation == Operation.UPDATE;
    }

    public boolean isSnapshotRead() {
        return operation == Operation.SNAPSHOT_READ;
    }

    public boolean isDelete() {
        return operation == Operation.DELETE;
    }

    public boolean isTombstone() {
        return operation == Operation.TOMBSTONE;
    }

    public boolean isTruncate() {
        return operation == Operation.TRUNCATE;
    }

    /** The primary-key columns, from the record key; empty for truncates. */
    public List<Column> keyColumns() {
        return keyColumns;
    }

    /** The row after the change; null for deletes, tombstones and truncates. */
    public List<Column> row() {
        return row;
    }

    /** The source schema, or null when the record does not say. */
    public String schemaName() {
        return schemaName;
    }

    /** The source table, or null when the record does not say. */
    public String tableName() {
        return tableName;
    }

    public ChangeVersion version() {
        return version;
    }

    /**
     * When PostgreSQL committed the change ({@code source.ts_ms}, or {@code __source_ts_ms} of a flattened record;
     * for a snapshot row, when it was read), or {@link #UNKNOWN_TIME}.
     */
    public long commitTimeMs() {
        return commitTimeMs;
    }

    /** The table as metrics name it: {@code <schema>.<table>}, or the record's topic when it names no table. */
    public String qualifiedTable() {
        return schemaName == null || tableName == null ? tableNamedBy(topic()) : schemaName + "." + tableName;
    }

    /**
     * The table as metrics name it from a topic alone (for records that could not be read): {@code <schema>.<table>}
     * by Debezium's topic naming {@code <prefix>.<schema>.<table>}, else the topic.
     */
    public static String tableNamedBy(String topic) {
        String[] table = ChangeEventDecoder.tableFromTopic(topic);
        return table[0] == null ? topic : table[0] + "." + table[1];
    }

    public String topic() {
        return record.originalTopic();
    }

    public long offset() {
        return record.originalKafkaOffset();
    }

    /** The record's topic-partition before any SMT renamed it: the one its offsets are committed for. */
    public static TopicPartition originalPartition(SinkRecord record) {
        return new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
    }

    /** Names the record for error messages: its original topic, partition and offset. */
    public static String describe(SinkRecord record) {
        return "record " + record.originalTopic() + "-" + record.originalKafkaPartition() + "@"
                + record.originalKafkaOffset();
    }
}
