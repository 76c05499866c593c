package io.github.pgredis.sink.event;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.sink.SinkRecord;

import io.github.pgredis.sink.errors.RecordException;

/** Reads every supported record shape into a {@link ChangeEvent}. */
public final class ChangeEventDecoder {
    private static final String PLAIN_VALUE_COLUMN = "value";
    private static final String PLAIN_KEY_COLUMN = "key";

    private final int epoch;
    private final String versionField;
    private final String metadataPrefix;

    public ChangeEventDecoder(int epoch, String versionField, String metadataPrefix) {
        this.epoch = epoch;
        this.versionField = versionField == null || versionField.isBlank() ? null : versionField;
        this.metadataPrefix = metadataPrefix;
    }

    public ChangeEvent decode(SinkRecord record) {
        try {
            return decodeChecked(record);
        } catch (RecordException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new RecordException("cannot read " + ChangeEvent.describe(record) + ": " + e, e);
        }
    }

    private ChangeEvent decodeChecked(SinkRecord record) {
        Object value = unwrapSchemaPayload(record.value());
        if (value == null) {
            String[] table = tableFromTopic(record.originalTopic());
            return new ChangeEvent(record, Operation.TOMBSTONE, keyColumns(record), null, table[0], table[1],
                    ChangeVersion.ofKafkaOffset(epoch, record.originalKafkaOffset()), ChangeEvent.UNKNOWN_TIME);
        }
        FieldAccess fields = FieldAccess.of(value);
        if (fields != null && isEnvelope(fields)) {
            return decodeEnvelope(record, fields);
        }
        return decodeRow(record, fields, value);
    }

    private static boolean isEnvelope(FieldAccess fields) {
        return fields.has("op") && fields.has("source") && (fields.has("after") || fields.has("before"));
    }

    private ChangeEvent decodeEnvelope(SinkRecord record, FieldAccess envelope) {
        Object opValue = envelope.get("op");
        String op = opValue == null ? "" : opValue.toString();
        FieldAccess source = FieldAccess.of(envelope.get("source"));
        if (source == null) {
            throw new RecordException(ChangeEvent.describe(record) + " is a change event without a source block");
        }
        String schemaName = text(source.get("schema"));
        String tableName = text(source.get("table"));
        Operation operation = switch (op) {
            case "c" -> Operation.CREATE;
            case "u" -> Operation.UPDATE;
            case "r" -> Operation.SNAPSHOT_READ;
            case "d" -> Operation.DELETE;
            case "t" -> Operation.TRUNCATE;
            default -> throw new RecordException(ChangeEvent.describe(record) + " has unsupported op '" + op
                    + "' (expected c, u, r, d or t)");
        };
        ChangeVersion version = sourceVersion(record, operation, source.get("lsn"), source.get("sequence"));
        if (version == null) {
            throw new RecordException(ChangeEvent.describe(record) + " is a change event without source.lsn, so "
                    + "its order against other changes of the row is unknown");
        }
        long commitTimeMs = time(source.get("ts_ms"));
        if (operation == Operation.TRUNCATE) {
            return new ChangeEvent(record, operation, List.of(), null, schemaName, tableName, version, commitTimeMs);
        }
        List<Column> row = null;
        if (operation.writesRow()) {
            FieldAccess after = FieldAccess.of(envelope.get("after"));
            if (after == null) {
                throw new RecordException(ChangeEvent.describe(record) + " has op '" + op + "' but no 'after' row");
            }
            row = after.columns();
        }
        return new ChangeEvent(record, operation, requireKey(record), row, schemaName, tableName, version,
                commitTimeMs);
    }

    private ChangeEvent decodeRow(SinkRecord record, FieldAccess fields, Object value) {
        String[] topicTable = tableFromTopic(record.originalTopic());
        if (fields == null) {
            return new ChangeEvent(record, Operation.UPDATE, requireKey(record),
                    List.of(new Column(PLAIN_VALUE_COLUMN, record.valueSchema(), value)), topicTable[0],
                    topicTable[1], plainVersion(record, null), ChangeEvent.UNKNOWN_TIME);
        }
        List<Column> row = new ArrayList<>();
        for (Column column : fields.columns()) {
            if (!column.name().startsWith(metadataPrefix)) {
                row.add(column);
            }
        }
        String op = text(metadata(fields, "op"));
        boolean deleted = "d".equals(op) || "true".equalsIgnoreCase(text(metadata(fields, "deleted")));
        Operation operation = deleted ? Operation.DELETE : switch (op == null ? "" : op) {
            case "c" -> Operation.CREATE;
            case "r" -> Operation.SNAPSHOT_READ;
            default -> Operation.UPDATE;
        };
        ChangeVersion version = sourceVersion(record, operation, metadata(fields, "lsn"),
                metadata(fields, "sequence"));
        if (version == null) {
            version = plainVersion(record, fields);
        }
        String schemaName = text(metadata(fields, "schema"));
        String tableName = text(metadata(fields, "table"));
        return new ChangeEvent(record, operation, requireKey(record), deleted ? null : row,
                schemaName != null ? schemaName : topicTable[0], tableName != null ? tableName : topicTable[1],
                version, time(fields.get(metadataPrefix + "source_ts_ms")));
    }

    /**
     * Schema and table of a record that does not carry them (flattened rows, tombstones), from Debezium's topic
     * naming {@code <prefix>.<schema>.<table>}, so that every record of a table maps to the same keys; nulls for
     * topics with fewer than three dot-separated parts.
     */
    static String[] tableFromTopic(String topic) {
        int last = topic.lastIndexOf('.');
        int previous = last > 0 ? topic.lastIndexOf('.', last - 1) : -1;
        if (previous <= 0 || last == topic.length() - 1) {
            return new String[] {null, null};
        }
        return new String[] {topic.substring(previous + 1, last), topic.substring(last + 1)};
    }

    /** A metadata field added by ExtractNewRecordState, as __name or __source_name. */
    private Object metadata(FieldAccess fields, String name) {
        Object value = fields.get(metadataPrefix + name);
        return value != null ? value : fields.get(metadataPrefix + "source_" + name);
    }

    /**
     * Debezium PostgreSQL's position of a change. Streamed changes are ordered by commit (source.sequence holds the
     * LSN of the last commit before the change, then the change's own LSN), so a change of a transaction that began
     * before a snapshot but committed after it still outranks the snapshot. Snapshot rows take the snapshot LSN as
     * commit position and rank below every change streamed from that position on.
     */
    private ChangeVersion sourceVersion(SinkRecord record, Operation operation, Object lsnValue, Object sequence) {
        Long lsn = number(lsnValue);
        Long lastCommit = null;
        Long change = null;
        if (sequence != null) {
            Long[] positions = parseSequence(record, sequence.toString());
            lastCommit = positions[0];
            change = positions[1];
        }
        if (change == null) {
            change = lsn;
        }
        if (change == null) {
            return null;
        }
        if (operation == Operation.SNAPSHOT_READ) {
            return ChangeVersion.ofSourcePosition(epoch, change, 0);
        }
        return ChangeVersion.ofSourcePosition(epoch, lastCommit != null ? lastCommit : change, change);
    }

    /**
     * Debezium's {@code source.sequence}, {@code ["<last commit LSN>","<this change's LSN>"]} with either element
     * possibly null, as {@code {lastCommit, change}}; with more elements the last two count, with one it is the
     * change's. Read by hand: it is parsed for every record.
     */
    private static Long[] parseSequence(SinkRecord record, String sequence) {
        Long[] positions = new Long[2];
        int at = skipSpaces(sequence, 0);
        boolean readable = at < sequence.length() && sequence.charAt(at) == '[';
        int elements = 0;
        while (readable) {
            at = skipSpaces(sequence, at + 1);
            Long position = null;
            if (sequence.startsWith("null", at)) {
                at += 4;
            } else {
                boolean quoted = at < sequence.length() && sequence.charAt(at) == '"';
                int digits = quoted ? at + 1 : at;
                int end = digits;
                while (end < sequence.length() && Character.isDigit(sequence.charAt(end))) {
                    end++;
                }
                if (end == digits || end - digits > 18 || quoted
                        && (end == sequence.length() || sequence.charAt(end) != '"')) {
                    readable = false;
                    break;
                }
                position = Long.parseLong(sequence, digits, end, 10);
                at = quoted ? end + 1 : end;
            }
            positions[0] = positions[1];
            positions[1] = position;
            elements++;
            at = skipSpaces(sequence, at);
            char next = at < sequence.length() ? sequence.charAt(at) : 0;
            if (next == ']') {
                readable = skipSpaces(sequence, at + 1) == sequence.length();
                break;
            }
            readable = next == ',';
        }
        if (!readable || elements == 0) {
            throw new RecordException(ChangeEvent.describe(record) + " has an unreadable source.sequence");
        }
        return positions;
    }

    private static int skipSpaces(String text, int from) {
        int at = from;
        while (at < text.length() && text.charAt(at) == ' ') {
            at++;
        }
        return at;
    }

    private ChangeVersion plainVersion(SinkRecord record, FieldAccess fields) {
        if (versionField != null) {
            Long value = fields == null ? null : number(fields.get(versionField));
            if (value == null) {
                throw new RecordException(ChangeEvent.describe(record) + " has no numeric version field '"
                        + versionField + "'");
            }
            return ChangeVersion.ofField(epoch, value);
        }
        return ChangeVersion.ofKafkaOffset(epoch, record.originalKafkaOffset());
    }

    private static List<Column> requireKey(SinkRecord record) {
        List<Column> key = keyColumns(record);
        if (key.isEmpty()) {
            throw new RecordException(ChangeEvent.describe(record) + " has no key; the sink needs the primary key "
                    + "in the record key (a table without a primary key needs REPLICA IDENTITY and "
                    + "message.key.columns in Debezium)");
        }
        return key;
    }

    private static List<Column> keyColumns(SinkRecord record) {
        Object key = unwrapSchemaPayload(record.key());
        if (key == null) {
            return List.of();
        }
        FieldAccess fields = FieldAccess.of(key);
        if (fields == null) {
            return List.of(new Column(PLAIN_KEY_COLUMN, record.keySchema(), key));
        }
        // by name under every converter: a schemaless key (a Map) keeps no column order, a Struct its schema's
        List<Column> columns = fields.columns();
        columns.sort(Comparator.comparing(Column::name));
        return columns;
    }

    /** A JSON message written with schemas but read without them arrives as {"schema": ..., "payload": ...}. */
    private static Object unwrapSchemaPayload(Object value) {
        if (value instanceof Map<?, ?> map && map.size() == 2 && map.containsKey("schema")
                && map.containsKey("payload")) {
            return map.get("payload");
        }
        return value;
    }

    private static long time(Object value) {
        Long ms = number(value);
        return ms == null ? ChangeEvent.UNKNOWN_TIME : ms;
    }

    private static Long number(Object value) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value instanceof String s && !s.isBlank()) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
