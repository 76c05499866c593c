package io.github.pgredis.sink.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import io.github.pgredis.sink.event.ChangeEvent;
import io.github.pgredis.sink.config.DescribedValidator;
import io.github.pgredis.sink.errors.RecordException;
import io.github.pgredis.sink.event.Column;

/**
 * A parsed key template such as {@code ${collection}:${key}}. Rendering escapes every substituted value, so the
 * mapping from (collection, key columns) to Redis key is injective, and substituted values never contain braces, so
 * only braces written in the template can form a Redis Cluster hash tag.
 */
public final class KeyTemplate {
    public static final ConfigDef.Validator VALIDATOR = DescribedValidator.of(
            "a template with ${key} or ${key.<column>}", (name, value) -> {
                try {
                    parse((String) value);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, e.getMessage());
                }
            });

    private static final Set<String> NAMES = Set.of("collection", "schema", "table", "topic", "key");
    private static final String KEY_COLUMN_PREFIX = "key.";

    private sealed interface Part permits Literal, Placeholder {}

    private record Literal(String text) implements Part {}

    private record Placeholder(String name) implements Part {
        boolean isKey() {
            return name.equals("key") || name.startsWith(KEY_COLUMN_PREFIX);
        }
    }

    private final String source;
    private final List<Part> parts;

    private KeyTemplate(String source, List<Part> parts) {
        this.source = source;
        this.parts = parts;
    }

    public static KeyTemplate parse(String template) {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException("the key template is empty");
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder literals = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            int start = template.indexOf("${", i);
            if (start < 0) {
                parts.add(new Literal(template.substring(i)));
                literals.append(template.substring(i));
                break;
            }
            if (start > i) {
                parts.add(new Literal(template.substring(i, start)));
                literals.append(template, i, start);
            }
            int end = template.indexOf('}', start);
            if (end < 0) {
                throw new IllegalArgumentException("unclosed placeholder at position " + start);
            }
            String name = template.substring(start + 2, end);
            boolean known = NAMES.contains(name)
                    || (name.startsWith(KEY_COLUMN_PREFIX) && name.length() > KEY_COLUMN_PREFIX.length());
            if (!known) {
                throw new IllegalArgumentException("unknown placeholder ${" + name + "}; known: ${collection}, "
                        + "${schema}, ${table}, ${topic}, ${key}, ${key.<column>}");
            }
            parts.add(new Placeholder(name));
            literals.append('\0');
            i = end + 1;
        }
        if (parts.stream().noneMatch(p -> p instanceof Placeholder ph && ph.isKey())) {
            throw new IllegalArgumentException("the key template must contain ${key} or ${key.<column>}, "
                    + "or every row of a table would share one Redis key");
        }
        checkHashTag(literals.toString());
        return new KeyTemplate(template, List.copyOf(parts));
    }

    /** Braces in the template's text must form one hash tag that encloses something. */
    private static void checkHashTag(String literalsWithPlaceholderMarks) {
        int open = literalsWithPlaceholderMarks.indexOf('{');
        int close = literalsWithPlaceholderMarks.indexOf('}');
        if (open < 0 && close < 0) {
            return;
        }
        if (open < 0 || close < open || close == open + 1) {
            throw new IllegalArgumentException("braces in a key template must form a non-empty Redis Cluster hash "
                    + "tag such as {${table}}");
        }
    }

    /** True when nothing comes before the first key placeholder: then no text is common to a table's keys. */
    public boolean startsWithKey() {
        return !parts.isEmpty() && parts.get(0) instanceof Placeholder placeholder && placeholder.isKey();
    }

    /** True when the text before the first key placeholder names the table, so truncates can find its keys. */
    public boolean hasTablePrefix() {
        for (Part part : parts) {
            if (part instanceof Placeholder placeholder) {
                if (placeholder.isKey()) {
                    return false;
                }
                if (!placeholder.name().equals("schema")) {
                    return true;
                }
            }
        }
        return false;
    }

    public String render(ChangeEvent event) {
        StringBuilder key = new StringBuilder(64);
        for (Part part : parts) {
            if (part instanceof Literal literal) {
                key.append(literal.text());
            } else {
                appendPlaceholder(key, ((Placeholder) part).name(), event);
            }
        }
        return key.toString();
    }

    /**
     * The text every key of the event's table starts with: the rendering up to the first key placeholder. Null when
     * that text does not identify the table (the template starts with a key placeholder).
     */
    public String tablePrefix(ChangeEvent event) {
        StringBuilder prefix = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Placeholder placeholder && placeholder.isKey()) {
                break;
            }
            if (part instanceof Literal literal) {
                prefix.append(literal.text());
            } else {
                appendPlaceholder(prefix, ((Placeholder) part).name(), event);
            }
        }
        return prefix.length() == 0 ? null : prefix.toString();
    }

    private static void appendPlaceholder(StringBuilder key, String name, ChangeEvent event) {
        switch (name) {
            case "collection" -> {
                if (event.schemaName() != null && event.tableName() != null) {
                    KeyEscaping.appendIdentifier(key, event.schemaName());
                    key.append('.');
                    KeyEscaping.appendIdentifier(key, event.tableName());
                } else {
                    KeyEscaping.appendIdentifier(key, event.topic());
                }
            }
            case "schema" -> KeyEscaping.appendIdentifier(key, required(event.schemaName(), "schema"));
            case "table" -> KeyEscaping.appendIdentifier(key, required(event.tableName(), "table"));
            case "topic" -> KeyEscaping.appendIdentifier(key, event.topic());
            case "key" -> {
                List<Column> columns = event.keyColumns();
                for (int i = 0; i < columns.size(); i++) {
                    if (i > 0) {
                        key.append(':');
                    }
                    KeyEscaping.appendValue(key, keyText(columns.get(i)));
                }
            }
            default -> {
                String column = name.substring(KEY_COLUMN_PREFIX.length());
                Column match = event.keyColumns().stream().filter(c -> c.name().equals(column)).findFirst()
                        .orElseThrow(() -> new RecordException("the record key has no column '" + column
                                + "' named by the key template"));
                KeyEscaping.appendValue(key, keyText(match));
            }
        }
    }

    private static String keyText(Column column) {
        if (column.value() == null) {
            throw new RecordException("key column '" + column.name() + "' is null");
        }
        return ValueRenderer.text(column.schema(), column.value());
    }

    private static String required(String value, String what) {
        if (value == null) {
            throw new RecordException("the key template needs the " + what + " name, which this record does not "
                    + "carry (use ${collection} or ${topic})");
        }
        return value;
    }

    @Override
    public String toString() {
        return source;
    }
}
