package io.github.pgredis.cache;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Reads PostgreSQL rows as the change records Debezium emits for them (snapshot reads with Debezium's default type
 * mapping: time.precision.mode=adaptive, decimal.handling.mode=precise), so that the sink's own decoder, key
 * template and renderer give exactly what the sink would store. The cache client fills Redis with them and the
 * consistency verifier checks Redis against them.
 */
public final class PostgresRows {
    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
    private static final Schema VARIABLE_SCALE_DECIMAL = SchemaBuilder.struct()
            .name("io.debezium.data.VariableScaleDecimal").optional()
            .field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).build();

    /** A table with its primary key columns in the key's order. */
    public record Table(String schema, String name, List<String> keyColumns) {
        /** The table's name quoted for SQL. */
        public String qualified() {
            return quote(schema) + "." + quote(name);
        }

        @Override
        public String toString() {
            return schema + "." + name;
        }
    }

    private PostgresRows() {
    }

    /** The topic Debezium names for the table under its topic.prefix. */
    public static String topic(String topicPrefix, Table table) {
        return topicPrefix + "." + table.schema() + "." + table.name();
    }

    /** Quotes an identifier for SQL. */
    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** The named tables ("table" means public.table), or every table of public with a primary key. */
    public static List<Table> tables(Connection connection, List<String> names) throws SQLException {
        List<String[]> wanted = new ArrayList<>();
        if (names.isEmpty()) {
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT n.nspname, c.relname FROM pg_class c "
                            + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                            + "AND c.relkind IN ('r', 'p') AND EXISTS (SELECT 1 FROM pg_constraint k "
                            + "WHERE k.conrelid = c.oid AND k.contype = 'p') ORDER BY c.relname")) {
                while (result.next()) {
                    wanted.add(new String[] {result.getString(1), result.getString(2)});
                }
            }
        } else {
            for (String name : names) {
                wanted.add(split(name));
            }
        }
        List<Table> tables = new ArrayList<>();
        for (String[] table : wanted) {
            tables.add(table(connection, table[0], table[1]));
        }
        return tables;
    }

    /** schema.table as its two parts; a name without a schema is in public. */
    static String[] split(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? new String[] {"public", name} : new String[] {name.substring(0, dot), name.substring(dot + 1)};
    }

    /** The table with its primary key, or an SQLException naming it when it has none or does not exist. */
    public static Table table(Connection connection, String schema, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT a.attname FROM pg_index i "
                + "JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) "
                + "WHERE n.nspname = ? AND c.relname = ? AND i.indisprimary "
                + "ORDER BY array_position(i.indkey, a.attnum)")) {
            statement.setString(1, schema);
            statement.setString(2, table);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    columns.add(result.getString(1));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new SQLException("table " + schema + "." + table + " does not exist or has no primary key");
        }
        return new Table(schema, table, List.copyOf(columns));
    }

    /** The row schema Debezium gives the result's columns, named after the topic as Debezium names it. */
    public static Schema rowSchema(ResultSetMetaData meta, String topic) throws SQLException {
        SchemaBuilder rowBuilder = SchemaBuilder.struct().name(topic + ".Value").optional();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            rowBuilder.field(meta.getColumnName(i), schemaFor(meta.getColumnTypeName(i)));
        }
        return rowBuilder.build();
    }

    /** The current row of the result as Debezium's row struct. */
    public static Struct row(ResultSet result, Schema rowSchema) throws SQLException {
        ResultSetMetaData meta = result.getMetaData();
        Struct row = new Struct(rowSchema);
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            row.put(meta.getColumnName(i), valueOf(result, i, meta.getColumnTypeName(i)));
        }
        return row;
    }

    /** The snapshot-read change record of a row (its key columns are those of the table). */
    public static SinkRecord snapshotRecord(Table table, String topic, Schema rowSchema, Struct row) {
        SchemaBuilder keyBuilder = SchemaBuilder.struct().name(topic + ".Key");
        for (String column : table.keyColumns()) {
            keyBuilder.field(column, rowSchema.field(column).schema());
        }
        Schema keySchema = keyBuilder.build();
        Struct key = new Struct(keySchema);
        for (String column : table.keyColumns()) {
            key.put(column, row.get(column));
        }
        Schema envelopeSchema = SchemaBuilder.struct().name(topic + ".Envelope")
                .field("before", rowSchema).field("after", rowSchema).field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA).build();
        Struct envelope = new Struct(envelopeSchema).put("after", row).put("op", "r")
                .put("source", new Struct(SOURCE).put("schema", table.schema()).put("table", table.name())
                        .put("lsn", 0L));
        return new SinkRecord(topic, 0, keySchema, key, envelopeSchema, envelope, 0);
    }

    private static Schema schemaFor(String type) {
        if (type.startsWith("_")) {
            return SchemaBuilder.array(schemaFor(type.substring(1))).optional().build();
        }
        return switch (type) {
            case "int2" -> Schema.OPTIONAL_INT16_SCHEMA;
            case "int4", "serial" -> Schema.OPTIONAL_INT32_SCHEMA;
            case "int8", "bigserial" -> Schema.OPTIONAL_INT64_SCHEMA;
            case "float4" -> Schema.OPTIONAL_FLOAT32_SCHEMA;
            case "float8" -> Schema.OPTIONAL_FLOAT64_SCHEMA;
            case "bool" -> Schema.OPTIONAL_BOOLEAN_SCHEMA;
            case "numeric" -> VARIABLE_SCALE_DECIMAL;
            case "bytea" -> Schema.OPTIONAL_BYTES_SCHEMA;
            case "date" -> logical(Schema.Type.INT32, "io.debezium.time.Date");
            case "time" -> logical(Schema.Type.INT64, "io.debezium.time.MicroTime");
            case "timestamp" -> logical(Schema.Type.INT64, "io.debezium.time.MicroTimestamp");
            case "timestamptz" -> logical(Schema.Type.STRING, "io.debezium.time.ZonedTimestamp");
            case "json", "jsonb" -> logical(Schema.Type.STRING, "io.debezium.data.Json");
            default -> Schema.OPTIONAL_STRING_SCHEMA;
        };
    }

    private static Schema logical(Schema.Type type, String name) {
        return new SchemaBuilder(type).name(name).optional().build();
    }

    private static Object valueOf(ResultSet result, int column, String type) throws SQLException {
        if (type.startsWith("_")) {
            Array array = result.getArray(column);
            if (array == null) {
                return null;
            }
            List<Object> elements = new ArrayList<>();
            try (ResultSet items = array.getResultSet()) {
                while (items.next()) {
                    elements.add(valueOf(items, 2, type.substring(1)));
                }
            }
            return elements;
        }
        Object value = switch (type) {
            case "int2" -> result.getShort(column);
            case "int4", "serial" -> result.getInt(column);
            case "int8", "bigserial" -> result.getLong(column);
            case "float4" -> result.getFloat(column);
            case "float8" -> result.getDouble(column);
            case "bool" -> result.getBoolean(column);
            case "numeric" -> variableScaleDecimal(result.getBigDecimal(column));
            case "bytea" -> result.getBytes(column);
            case "date" -> {
                LocalDate date = result.getObject(column, LocalDate.class);
                yield date == null ? null : (int) date.toEpochDay();
            }
            case "time" -> {
                LocalTime time = result.getObject(column, LocalTime.class);
                yield time == null ? null : time.toNanoOfDay() / 1_000;
            }
            case "timestamp" -> {
                LocalDateTime timestamp = result.getObject(column, LocalDateTime.class);
                yield timestamp == null ? null
                        : ChronoUnit.MICROS.between(Instant.EPOCH, timestamp.toInstant(ZoneOffset.UTC));
            }
            case "timestamptz" -> {
                OffsetDateTime instant = result.getObject(column, OffsetDateTime.class);
                yield instant == null ? null : instant.toString();
            }
            default -> result.getString(column);
        };
        return result.wasNull() ? null : value;
    }

    private static Struct variableScaleDecimal(BigDecimal value) {
        return value == null ? null : new Struct(VARIABLE_SCALE_DECIMAL).put("scale", value.scale())
                .put("value", value.unscaledValue().toByteArray());
    }
}
