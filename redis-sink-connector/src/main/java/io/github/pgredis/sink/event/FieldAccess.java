package io.github.pgredis.sink.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/** Named fields of a Struct (with schemas) or a Map (schemaless), read the same way. */
public interface FieldAccess {
    boolean has(String name);

    Object get(String name);

    /** Every field in order: schema order for structs, insertion order for maps. */
    List<Column> columns();

    static FieldAccess of(Object value) {
        if (value instanceof Struct struct) {
            return new StructFields(struct);
        }
        if (value instanceof Map<?, ?> map) {
            return new MapFields(map);
        }
        return null;
    }

    record StructFields(Struct struct) implements FieldAccess {
        @Override
        public boolean has(String name) {
            return struct.schema().field(name) != null;
        }

        @Override
        public Object get(String name) {
            Field field = struct.schema().field(name);
            return field == null ? null : struct.get(field);
        }

        @Override
        public List<Column> columns() {
            List<Field> fields = struct.schema().fields();
            List<Column> columns = new ArrayList<>(fields.size());
            for (Field field : fields) {
                columns.add(new Column(field.name(), field.schema(), struct.get(field)));
            }
            return columns;
        }
    }

    record MapFields(Map<?, ?> map) implements FieldAccess {
        @Override
        public boolean has(String name) {
            return map.containsKey(name);
        }

        @Override
        public Object get(String name) {
            return map.get(name);
        }

        @Override
        public List<Column> columns() {
            List<Column> columns = new ArrayList<>(map.size());
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                columns.add(new Column(String.valueOf(entry.getKey()), (Schema) null, entry.getValue()));
            }
            return columns;
        }
    }
}
