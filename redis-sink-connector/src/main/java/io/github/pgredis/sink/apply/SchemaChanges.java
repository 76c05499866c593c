package io.github.pgredis.sink.apply;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.pgredis.signal.SnapshotSignal;
import io.github.pgredis.sink.event.ChangeEvent;
import io.github.pgredis.sink.event.Column;
import io.github.pgredis.sink.kafka.KafkaAccess;
import io.github.pgredis.sink.redis.InternalKeys;
import io.github.pgredis.sink.redis.RedisSession;

/**
 * Brings every row of a table to its new shape when its change events show new columns (Debezium sends the new
 * schema with the table's next change after an ALTER TABLE): a dropped, added, renamed or retyped column. The
 * sink then asks Debezium for an incremental snapshot of the table through its Kafka signal channel, whose rows
 * replace the stored ones whole. Redis keeps each table's shape with the version of the change that brought it
 * ({@link InternalKeys#tableShape}), so that a replay of older changes, which show the old shape, asks for nothing.
 */
public final class SchemaChanges {
    private static final Logger log = LoggerFactory.getLogger(SchemaChanges.class);

    private final String signalTopic;
    private final KafkaAccess kafka;
    private final InternalKeys internalKeys;
    /** Per table, the value schema last checked: converters reuse schema objects, so most records skip the check. */
    private final Map<String, Schema> checkedSchemas = new HashMap<>();
    private final Map<String, String> knownShapes = new HashMap<>();

    public SchemaChanges(String signalTopic, KafkaAccess kafka, InternalKeys internalKeys) {
        this.signalTopic = signalTopic;
        this.kafka = kafka;
        this.internalKeys = internalKeys;
    }

    /** Checks the shape of a change that writes a row, and asks for the table's snapshot when it is new. */
    void observe(RedisSession session, ChangeEvent event) {
        Schema valueSchema = event.record().valueSchema();
        String table = event.schemaName() + "." + event.tableName();
        if (valueSchema != null && checkedSchemas.get(table) == valueSchema) {
            return;
        }
        String shape = shape(event.keyColumns(), event.row());
        if (shape.equals(knownShapes.get(table))) {
            checkedSchemas.put(table, valueSchema);
            return;
        }
        String key = internalKeys.tableShape(table);
        String version = event.version().encode();
        String stored = session.execute(session.commands().get(key));
        if (stored != null) {
            int space = stored.indexOf(' ');
            String storedShape = stored.substring(space + 1);
            if (storedShape.equals(shape) || version.compareTo(stored.substring(0, space)) <= 0) {
                // the shape Redis has, or an older change (a replay) that shows an earlier one
                remember(table, valueSchema, storedShape);
                return;
            }
            String prefix = DebeziumTopics.prefixOf(event.topic(), table);
            if (prefix == null) {
                log.warn("Table {} changed its columns, but its topic {} is not named <topic.prefix>.{} as Debezium "
                        + "names it, so the sink cannot tell which Debezium connector to ask for its snapshot",
                        table, event.topic(), table);
            } else {
                String id = SnapshotSignal.SCHEMA_CHANGE_ID_PREFIX + table + "@" + version;
                SnapshotSignal signal = new SnapshotSignal(id, List.of(table));
                kafka.send(signalTopic, prefix, signal.json());
                log.info("Table {} changed its columns (now {}); asked Debezium '{}' for an incremental snapshot of "
                        + "it through {}, so that every row takes the new shape", table, shape, prefix, signalTopic);
            }
        }
        session.execute(session.commands().set(key, version + " " + shape));
        remember(table, valueSchema, shape);
    }

    private void remember(String table, Schema valueSchema, String shape) {
        knownShapes.put(table, shape);
        checkedSchemas.put(table, valueSchema);
    }

    /**
     * The key's column names, then the row's columns with their types, as the events' schema gives them:
     * {@code key(id) id:int32,price:bytes/org.apache.kafka.connect.data.Decimal{scale=2},...}.
     */
    static String shape(List<Column> key, List<Column> row) {
        StringBuilder shape = new StringBuilder("key(");
        for (Column column : key) {
            shape.append(column.name()).append(' ');
        }
        shape.append(") ");
        int rowStart = shape.length();
        for (Column column : row) {
            if (shape.length() > rowStart) {
                shape.append(',');
            }
            shape.append(column.name());
            Schema schema = column.schema();
            if (schema != null) {
                shape.append(':').append(schema.type().getName());
                if (schema.name() != null) {
                    shape.append('/').append(schema.name());
                }
                if (schema.parameters() != null && !schema.parameters().isEmpty()) {
                    shape.append(new TreeMap<>(schema.parameters()));
                }
                if (schema.type() == Schema.Type.STRUCT) {
                    shape.append('{');
                    for (Field field : schema.fields()) {
                        shape.append(field.name()).append(' ');
                    }
                    shape.append('}');
                }
            }
        }
        return shape.toString();
    }
}
