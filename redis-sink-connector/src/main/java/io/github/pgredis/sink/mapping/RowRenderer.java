package io.github.pgredis.sink.mapping;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.pgredis.sink.errors.RecordException;
import io.github.pgredis.sink.event.ChangeEvent;
import io.github.pgredis.sink.event.Column;

/** Turns a change's row image into a {@link RenderedRow} in the configured format. */
public final class RowRenderer {
    private final ValueFormat format;
    private final String placeholder;
    private final byte[] placeholderBytes;
    private final String placeholderBase64;

    public RowRenderer(ValueFormat format, String toastPlaceholder) {
        this.format = format;
        this.placeholder = toastPlaceholder;
        this.placeholderBytes = toastPlaceholder.getBytes(StandardCharsets.UTF_8);
        this.placeholderBase64 = Base64.getEncoder().encodeToString(placeholderBytes);
    }

    public ValueFormat format() {
        return format;
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

    /** Debezium's stand-in for an unchanged TOAST value, as text, bytes, base64 text or a one-element array. */
    private boolean isUnavailable(Object value) {
        if (value instanceof String s) {
            return s.equals(placeholder) || s.equals(placeholderBase64);
        }
        if (value instanceof byte[] bytes) {
            return Arrays.equals(bytes, placeholderBytes);
        }
        if (value instanceof ByteBuffer buffer) {
            return buffer.remaining() == placeholderBytes.length && buffer.duplicate().equals(
                    ByteBuffer.wrap(placeholderBytes));
        }
        if (value instanceof List<?> list) {
            return list.size() == 1 && isUnavailable(list.get(0));
        }
        return false;
    }
}
