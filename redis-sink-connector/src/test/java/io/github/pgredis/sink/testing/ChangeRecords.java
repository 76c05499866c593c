package io.github.pgredis.sink.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Builds sink records shaped like Debezium PostgreSQL's: a key struct of the primary key and an envelope value
 * with before, after, source and op.
 */
public final class ChangeRecords {
    public static final Schema SOURCE_SCHEMA = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("connector", Schema.STRING_SCHEMA)
            .field("name", Schema.STRING_SCHEMA)
            .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
            .field("db", Schema.STRING_SCHEMA)
            .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
            .field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    private final String topic;
    private final String schemaName;
    private final String tableName;
    private final Schema keySchema;
    private final Schema rowSchema;
    private final Schema envelopeSchema;
    private int partition;
    private long nextOffset;

    private ChangeRecords(String schemaName, String tableName, Schema keySchema, Schema rowSchema) {
        this.topic = "pg." + schemaName + "." + tableName;
        this.schemaName = schemaName;
        this.tableName = tableName;
        this.keySchema = keySchema;
        this.rowSchema = rowSchema;
        this.envelopeSchema = SchemaBuilder.struct().name(topic + ".Envelope")
                .field("before", rowSchema)
                .field("after", rowSchema)
                .field("source", SOURCE_SCHEMA)
                .field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
    }

    /** A table whose key is the named columns of the row schema. */
    public static ChangeRecords table(String schemaName, String tableName, Schema rowSchema, String... keyColumns) {
        SchemaBuilder key = SchemaBuilder.struct().name("pg." + schemaName + "." + tableName + ".Key");
        for (String column : keyColumns) {
            key.field(column, rowSchema.field(column).schema());
        }
        return new ChangeRecords(schemaName, tableName, key.build(), rowSchema);
    }

    /** The users table used across tests: id (int32 key), name, email (optional strings). */
    public static ChangeRecords users() {
        return table("public", "users", SchemaBuilder.struct().name("pg.public.users.Value").optional()
                .field("id", Schema.INT32_SCHEMA)
                .field("name", Schema.OPTIONAL_STRING_SCHEMA)
                .field("email", Schema.OPTIONAL_STRING_SCHEMA)
                .build(), "id");
    }

    public ChangeRecords partition(int partition) {
        this.partition = partition;
        return this;
    }

    public ChangeRecords atOffset(long offset) {
        this.nextOffset = offset;
        return this;
    }

    public String topic() {
        return topic;
    }

    public Schema rowSchema() {
        return rowSchema;
    }

    /** A row from alternating column names and values. */
    public Struct row(Object... namesAndValues) {
        Struct row = new Struct(rowSchema);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return row;
    }

    /** Creates of the users {@code from} to {@code to - 1}, each at the offset of its id, named "user <id>". */
    public List<SinkRecord> numberedUsers(int from, int to) {
        List<SinkRecord> records = new ArrayList<>();
        for (int id = from; id < to; id++) {
            atOffset(id);
            records.add(create(1_000 + id, row("id", id, "name", "user " + id)));
        }
        return records;
    }

    public SinkRecord create(long lsn, Struct after) {
        return envelope("c", null, after, streamed(lsn));
    }

    public SinkRecord update(long lsn, Struct before, Struct after) {
        return envelope("u", before, after, streamed(lsn));
    }

    public SinkRecord snapshotRead(long lsn, Struct after) {
        return envelope("r", null, after, source(lsn, null, "true"));
    }

    public SinkRecord delete(long lsn, Struct before) {
        return envelope("d", before, null, streamed(lsn));
    }

    public SinkRecord truncate(long lsn) {
        Struct value = new Struct(envelopeSchema).put("source", streamed(lsn)).put("op", "t");
        return record(null, null, envelopeSchema, value);
    }

    public SinkRecord tombstone(Struct row) {
        return record(keySchema, keyOf(row), null, null);
    }

    public SinkRecord envelope(String op, Struct before, Struct after, Struct source) {
        Struct keyRow = after != null ? after : before;
        Struct value = new Struct(envelopeSchema).put("before", before).put("after", after).put("source", source)
                .put("op", op);
        return record(keySchema, keyOf(keyRow), envelopeSchema, value);
    }

    private Struct streamed(long lsn) {
        return source(lsn, "[\"" + (lsn - 1) + "\",\"" + lsn + "\"]", "false");
    }

    public Struct source(Long lsn, String sequence, String snapshot) {
        return new Struct(SOURCE_SCHEMA).put("connector", "postgresql").put("name", "pg").put("snapshot", snapshot)
                .put("db", "app").put("sequence", sequence).put("schema", schemaName).put("table", tableName)
                .put("lsn", lsn);
    }

    public Struct keyOf(Struct row) {
        Struct key = new Struct(keySchema);
        for (var field : keySchema.fields()) {
            key.put(field.name(), row.get(field.name()));
        }
        return key;
    }

    public SinkRecord record(Schema keySchema, Object key, Schema valueSchema, Object value) {
        return new SinkRecord(topic, partition, keySchema, key, valueSchema, value, nextOffset++);
    }

    /** A schemaless (JsonConverter schemas.enable=false) copy of a record: structs become maps. */
    public static SinkRecord schemaless(SinkRecord record) {
        return new SinkRecord(record.topic(), record.kafkaPartition(), null, toMap(record.key()), null,
                toMap(record.value()), record.kafkaOffset());
    }

    private static Object toMap(Object value) {
        if (value instanceof Struct struct) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (var field : struct.schema().fields()) {
                map.put(field.name(), toMap(struct.get(field)));
            }
            return map;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(item -> copy.add(toMap(item)));
            return copy;
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        return value;
    }
}
