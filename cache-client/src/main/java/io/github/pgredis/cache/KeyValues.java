package io.github.pgredis.cache;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/** Primary key values as an application gives them: in Debezium's form for the key, and bound to a statement. */
final class KeyValues {
    private KeyValues() {
    }

    /** The value as Debezium would carry it in a column of this schema, or an IllegalArgumentException naming it. */
    static Object coerce(Schema schema, String column, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("primary key column '" + column + "' cannot be null");
        }
        if (schema.name() != null && !"io.debezium.data.VariableScaleDecimal".equals(schema.name())) {
            throw new IllegalArgumentException("primary key column '" + column + "' is of type " + schema.name()
                    + ", which get() does not take as a key");
        }
        try {
            return switch (schema.type()) {
                case INT16 -> Short.valueOf((short) Math.toIntExact(exact(value)));
                case INT32 -> Integer.valueOf(Math.toIntExact(exact(value)));
                case INT64 -> Long.valueOf(exact(value));
                case BOOLEAN -> (Boolean) value;
                case BYTES -> (byte[]) value;
                case STRUCT -> {
                    BigDecimal decimal = value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
                    yield new Struct(schema).put("scale", decimal.scale())
                            .put("value", decimal.unscaledValue().toByteArray());
                }
                case STRING -> value.toString();
                default -> throw new IllegalArgumentException("primary key column '" + column + "' is of type "
                        + schema.type() + ", which get() does not take as a key");
            };
        } catch (ClassCastException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("primary key column '" + column + "' (" + schema.type()
                    + ") cannot take " + value.getClass().getSimpleName() + " " + value, e);
        }
    }

    /**
     * Binds a coerced key value, so that PostgreSQL compares it with the column's own type (and uses its index); text
     * is bound untyped, so that PostgreSQL reads it as the column's type (uuid, text, ...), and a decimal as the
     * application gave it.
     */
    static void bind(PreparedStatement statement, int index, Object coerced, Object given) throws SQLException {
        if (coerced instanceof Struct) {
            statement.setBigDecimal(index, given instanceof BigDecimal d ? d : new BigDecimal(given.toString()));
        } else if (coerced instanceof String text) {
            statement.setObject(index, text, Types.OTHER);
        } else {
            statement.setObject(index, coerced);
        }
    }

    private static long exact(Object value) {
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.longValueExact();
        }
        return Long.parseLong(value.toString());
    }
}
