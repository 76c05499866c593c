package io.github.pgredis.sink.mapping;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.pgredis.signal.JsonText;
import io.github.pgredis.sink.errors.RecordException;
import io.github.pgredis.sink.event.ChangeEvent;
import io.github.pgredis.sink.event.Column;

/** Turns a change's row image into a {@link RenderedRow} in the configured format. */
public final class RowRenderer {
    private final ValueFormat format;
    private final String placeholder;
    private final byte[] placeholderBytes;
    private final String placeholderBase64;
    private final String placeholderUuid;
    private final String placeholderHstoreJson;
    private final List<Long> placeholderNumbers;

    public RowRenderer(ValueFormat format, String toastPlaceholder) {
        this.format = format;
        this.placeholder = toastPlaceholder;
        this.placeholderBytes = toastPlaceholder.getBytes(StandardCharsets.UTF_8);
        this.placeholderBase64 = Base64.getEncoder().encodeToString(placeholderBytes);
        this.placeholderUuid = UUID.nameUUIDFromBytes(placeholderBytes).toString();
        StringBuilder hstore = new StringBuilder("{");
        JsonText.appendString(hstore, toastPlaceholder);
        hstore.append(':');
        JsonText.appendString(hstore, toastPlaceholder);
        this.placeholderHstoreJson = hstore.append('}').toString();
        List<Long> numbers = new ArrayList<>(placeholderBytes.length);
        for (byte b : placeholderBytes) {
            numbers.add((long) b);
        }
        this.placeholderNumbers = List.copyOf(numbers);
    }

    public RenderedRow render(ChangeEvent event) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> kept = new ArrayList<>(0);
        for (Column column : event.row()) {
            Object value = column.value();
            if (isUnavailable(value)) {
                kept.add(column.name());
                continue;
            }
            try {
                if (format == ValueFormat.JSON) {
                    StringBuilder json = new StringBuilder();
                    ValueRenderer.appendJson(json, column.schema(), value);
                    values.put(column.name(), json.toString());
                } else if (value != null) {
                    values.put(column.name(), ValueRenderer.text(column.schema(), value));
                }
            } catch (RuntimeException e) {
                throw new RecordException("cannot render column '" + column.name() + "' of "
                        + ChangeEvent.describe(event.record()) + ": " + e, e);
            }
        }
        return new RenderedRow(values, kept);
    }

    /**
     * Debezium PostgreSQL's stand-in for an unchanged TOAST value, in the shape of the column's type: the text (or
     * its base64), its bytes, a one-element text, bytea or uuid array (the uuid named from the placeholder's bytes),
     * an int or bigint array of the placeholder's bytes, or an hstore of placeholder to placeholder (as a map or
     * as JSON text).
     */
    private boolean isUnavailable(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return false;
        }
        if (value instanceof String s) {
            return s.equals(placeholder) || s.equals(placeholderBase64) || s.equals(placeholderHstoreJson);
        }
        if (value instanceof byte[] bytes) {
            return Arrays.equals(bytes, placeholderBytes);
        }
        if (value instanceof ByteBuffer buffer) {
            return buffer.remaining() == placeholderBytes.length && buffer.duplicate().equals(
                    ByteBuffer.wrap(placeholderBytes));
        }
        if (value instanceof List<?> list) {
            if (list.size() == 1) {
                return isUnavailable(list.get(0)) || placeholderUuid.equals(String.valueOf(list.get(0)));
            }
            return list.size() == placeholderNumbers.size() && isPlaceholderNumbers(list);
        }
        if (value instanceof Map<?, ?> map) {
            return map.size() == 1 && placeholder.equals(map.get(placeholder));
        }
        return false;
    }

    private boolean isPlaceholderNumbers(List<?> list) {
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Number n) || n.longValue() != placeholderNumbers.get(i)) {
                return false;
            }
        }
        return true;
    }
}
