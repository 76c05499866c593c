package io.github.pgredis.sink.mapping;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import io.github.pgredis.signal.JsonText;

/**
 * Renders Connect values as the text stored in Redis, following the documented rules: integers and floats as plain
 * numbers, decimals as plain decimal text (never base64, never an exponent), dates and times as ISO-8601 (instants
 * with a trailing Z), json/jsonb as its JSON text, arrays and structs as JSON, bytes as base64.
 */
public final class ValueRenderer {
    private static final String DEBEZIUM_TIME = "io.debezium.time.";
    private static final DateTimeFormatter LOCAL_DATE_TIME = DateTimeFormatter.ISO_LOCAL_DATE_TIME;
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ISO_LOCAL_TIME;

    private ValueRenderer() {
    }

    /** The text of a non-null value, as a hash field holds it. */
    public static String text(Schema schema, Object value) {
        if (value instanceof String s && !isLogical(schema, "io.debezium.time.ZonedTimestamp")) {
            return s;
        }
        Object scalar = scalar(schema, value);
        if (scalar != null) {
            return scalar.toString();
        }
        StringBuilder json = new StringBuilder();
        appendJson(json, schema, value);
        return json.toString();
    }

    /** Appends the value as JSON: numbers and booleans bare, decimals and temporal values as strings. */
    public static void appendJson(StringBuilder out, Schema schema, Object value) {
        if (value == null) {
            out.append("null");
            return;
        }
        if (isLogical(schema, "io.debezium.data.Json")) {
            out.append(value);
            return;
        }
        String logical = logicalText(schema, value);
        Object scalar = logical != null ? logical : plainScalar(value);
        if (logical == null && (value instanceof Boolean || isFiniteNumber(value))) {
            out.append(scalar);
        } else if (scalar != null) {
            JsonText.appendString(out, scalar.toString());
        } else if (value instanceof Struct struct) {
            appendStruct(out, struct);
        } else if (value instanceof Collection<?> list) {
            Schema elementSchema = schema == null ? null : schema.valueSchema();
            out.append('[');
            Iterator<?> it = list.iterator();
            while (it.hasNext()) {
                appendJson(out, elementSchema, it.next());
                if (it.hasNext()) {
                    out.append(',');
                }
            }
            out.append(']');
        } else if (value instanceof Map<?, ?> map) {
            Schema keySchema = schema == null ? null : schema.keySchema();
            Schema valueSchema = schema == null ? null : schema.valueSchema();
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                JsonText.appendString(out, entry.getKey() == null ? "null" : text(keySchema, entry.getKey()));
                out.append(':');
                appendJson(out, valueSchema, entry.getValue());
            }
            out.append('}');
        } else {
            JsonText.appendString(out, value.toString());
        }
    }

    private static void appendStruct(StringBuilder out, Struct struct) {
        if (isLogical(struct.schema(), "io.debezium.data.VariableScaleDecimal")) {
            JsonText.appendString(out, variableScaleDecimal(struct).toPlainString());
            return;
        }
        out.append('{');
        boolean first = true;
        for (Field field : struct.schema().fields()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            JsonText.appendString(out, field.name());
            out.append(':');
            appendJson(out, field.schema(), struct.get(field));
        }
        out.append('}');
    }

    /**
     * The value as a plain Java scalar whose toString() is its text, or null for composite values (structs other than
     * VariableScaleDecimal, arrays, maps).
     */
    private static Object scalar(Schema schema, Object value) {
        String logical = logicalText(schema, value);
        return logical != null ? logical : plainScalar(value);
    }

    /** The text of a value whose schema names a logical type this renderer knows, else null. */
    private static String logicalText(Schema schema, Object value) {
        return schema == null || schema.name() == null ? null : logicalScalar(schema.name(), value);
    }

    private static Object plainScalar(Object value) {
        if (value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Float f) {
            return floatText(f);
        }
        if (value instanceof Double d) {
            return doubleText(d);
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Number) {
            return value;
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof ByteBuffer buffer) {
            return Base64.getEncoder().encodeToString(toArray(buffer));
        }
        if (value instanceof java.util.Date date) {
            return LOCAL_DATE_TIME.format(LocalDateTime.ofInstant(date.toInstant(), ZoneOffset.UTC)) + "Z";
        }
        return null;
    }

    private static String logicalScalar(String logical, Object value) {
        switch (logical) {
            case "org.apache.kafka.connect.data.Decimal":
                return ((BigDecimal) value).toPlainString();
            case "io.debezium.data.VariableScaleDecimal":
                return value instanceof Struct s ? variableScaleDecimal(s).toPlainString() : null;
            case "org.apache.kafka.connect.data.Date":
                return LocalDate.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC).toString();
            case "org.apache.kafka.connect.data.Time":
                return LOCAL_TIME.format(LocalTime.ofNanoOfDay(((java.util.Date) value).getTime() * 1_000_000L));
            case "org.apache.kafka.connect.data.Timestamp":
                return LOCAL_DATE_TIME.format(LocalDateTime.ofInstant(((java.util.Date) value).toInstant(),
                        ZoneOffset.UTC));
            default:
                break;
        }
        if (!logical.startsWith(DEBEZIUM_TIME) || !(value instanceof Number || value instanceof String)) {
            return null;
        }
        switch (logical.substring(DEBEZIUM_TIME.length())) {
            case "Date":
                return LocalDate.ofEpochDay(((Number) value).longValue()).toString();
            case "Time":
                return LOCAL_TIME.format(LocalTime.ofNanoOfDay(((Number) value).longValue() * 1_000_000L));
            case "MicroTime":
                return LOCAL_TIME.format(LocalTime.ofNanoOfDay(((Number) value).longValue() * 1_000L));
            case "NanoTime":
                return LOCAL_TIME.format(LocalTime.ofNanoOfDay(((Number) value).longValue()));
            case "Timestamp":
                return localDateTime(Instant.ofEpochMilli(((Number) value).longValue()));
            case "MicroTimestamp":
                return localDateTime(instantOfNanos(Math.multiplyExact(((Number) value).longValue(), 1_000L)));
            case "NanoTimestamp":
                return localDateTime(instantOfNanos(((Number) value).longValue()));
            case "ZonedTimestamp":
                return utcTimestamp(value.toString());
            case "MicroDuration":
                return Duration.ofNanos(Math.multiplyExact(((Number) value).longValue(), 1_000L)).toString();
            default:
                return null;
        }
    }

    private static Instant instantOfNanos(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    private static String localDateTime(Instant instant) {
        return LOCAL_DATE_TIME.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    private static String utcTimestamp(String zoned) {
        if (isCanonicalUtc(zoned)) {
            return zoned;
        }
        try {
            OffsetDateTime parsed = OffsetDateTime.parse(zoned);
            return LOCAL_DATE_TIME.format(parsed.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()) + "Z";
        } catch (DateTimeParseException e) {
            return zoned;
        }
    }

    /**
     * Whether {@code text} already reads as {@link #utcTimestamp} would write it, as Debezium writes every
     * timestamptz ({@code yyyy-MM-ddTHH:mm:ss}, a fraction without trailing zeros, {@code Z}): parsing and formatting
     * it again is the costliest step of rendering a row. Not a date check: what does not parse is kept as sent anyway.
     */
    private static boolean isCanonicalUtc(String text) {
        int length = text.length();
        if (length < 20 || text.charAt(length - 1) != 'Z' || !hasPattern(text, "dddd-dd-ddTdd:dd:dd")) {
            return false;
        }
        if (length == 20) {
            return true;
        }
        if (text.charAt(19) != '.' || length > 30 || text.charAt(length - 2) == '0') {
            return false;
        }
        for (int i = 20; i < length - 1; i++) {
            if (!isAsciiDigit(text.charAt(i))) {
                return false;
            }
        }
        return length > 21;
    }

    /** Whether {@code text} starts with {@code pattern}, where each {@code d} of the pattern stands for a digit. */
    private static boolean hasPattern(String text, String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char expected = pattern.charAt(i);
            char actual = text.charAt(i);
            if (expected == 'd' ? !isAsciiDigit(actual) : actual != expected) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static BigDecimal variableScaleDecimal(Struct struct) {
        Object raw = struct.get("value");
        byte[] unscaled = raw instanceof ByteBuffer buffer ? toArray(buffer) : (byte[]) raw;
        return new BigDecimal(new BigInteger(unscaled), struct.getInt32("scale"));
    }

    private static byte[] toArray(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private static String floatText(float value) {
        if (Float.isNaN(value) || Float.isInfinite(value)) {
            return nonFinite(value);
        }
        return new BigDecimal(Float.toString(value)).stripTrailingZeros().toPlainString();
    }

    private static String doubleText(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return nonFinite(value);
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static String nonFinite(double value) {
        return Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
    }

    private static boolean isFiniteNumber(Object value) {
        if (value instanceof Double d) {
            return Double.isFinite(d);
        }
        if (value instanceof Float f) {
            return Float.isFinite(f);
        }
        return value instanceof Number && !(value instanceof BigDecimal);
    }

    private static boolean isLogical(Schema schema, String name) {
        return schema != null && name.equals(schema.name());
    }
}
