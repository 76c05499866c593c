package io.github.pgredis.sink.mapping;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.pgredis.signal.JsonText;

/**
 * A row ready for Redis: column name to its text (hash format) or JSON text (json format), NULL columns left out,
 * and the columns whose value Redis must keep because the change did not carry it (unchanged TOAST columns).
 */
public record RenderedRow(Map<String, String> values, List<String> kept) {

    /** This row with its kept columns filled in from an earlier image of the same row, where that image has them. */
    public RenderedRow keepingFrom(RenderedRow earlier) {
        if (kept.isEmpty()) {
            return this;
        }
        Map<String, String> merged = new LinkedHashMap<>(values);
        List<String> stillKept = new ArrayList<>();
        for (String column : kept) {
            String earlierValue = earlier.values.get(column);
            if (earlierValue != null) {
                merged.put(column, earlierValue);
            } else if (earlier.kept.contains(column)) {
                stillKept.add(column);
            }
        }
        return new RenderedRow(merged, List.copyOf(stillKept));
    }

    /**
     * Whether what Redis would store (names and values in UTF-8; for a JSON document, within a few bytes of
     * punctuation per column) is larger than the limit. Counts bytes only when three bytes per character could exceed
     * it, so ordinary rows cost one pass over their columns, not their characters.
     */
    public boolean isLargerThan(long limit) {
        long chars = 0;
        for (Map.Entry<String, String> entry : values.entrySet()) {
            chars += entry.getKey().length() + entry.getValue().length();
        }
        return chars * 3 > limit && sizeInBytes() > limit;
    }

    /** The size in UTF-8 bytes of the names and values. */
    public long sizeInBytes() {
        long size = 0;
        for (Map.Entry<String, String> entry : values.entrySet()) {
            size += utf8Length(entry.getKey()) + utf8Length(entry.getValue());
        }
        return size;
    }

    private static long utf8Length(String text) {
        long bytes = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                bytes += c >= 0x800 && !Character.isSurrogate(c) ? 2 : 1;
            }
        }
        return bytes;
    }

    /** The row as one JSON object, for the json format (values are JSON text already). */
    public String toJsonDocument() {
        StringBuilder doc = new StringBuilder(32 + values.size() * 24);
        doc.append('{');
        boolean first = true;
        for (Map.Entry<String, String> entry : values.entrySet()) {
            if (!first) {
                doc.append(',');
            }
            first = false;
            JsonText.appendString(doc, entry.getKey());
            doc.append(':').append(entry.getValue());
        }
        return doc.append('}').toString();
    }
}
