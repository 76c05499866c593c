package io.github.pgredis.sink.mapping;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which columns of a table reach Redis and under which field names: columns.include (empty: all), then
 * columns.exclude, then columns.rename. Key columns still make the key whether or not they are stored.
 */
public final class ColumnSelection {
    public static final ColumnSelection ALL = new ColumnSelection(Set.of(), Set.of(), Map.of());

    private final Set<String> include;
    private final Set<String> exclude;
    private final Map<String, String> rename;

    private ColumnSelection(Set<String> include, Set<String> exclude, Map<String, String> rename) {
        this.include = include;
        this.exclude = exclude;
        this.rename = rename;
    }

    /**
     * The selection, or an IllegalArgumentException saying what is wrong: renames are column:field entries, no two
     * of them to one field.
     */
    public static ColumnSelection of(List<String> include, List<String> exclude, List<String> renames) {
        Map<String, String> rename = new HashMap<>();
        for (String entry : renames) {
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("each rename must be column:field, got '" + entry + "'");
            }
            rename.put(entry.substring(0, colon).trim(), entry.substring(colon + 1).trim());
        }
        Set<String> fields = new HashSet<>();
        for (String field : rename.values()) {
            if (!fields.add(field)) {
                throw new IllegalArgumentException("two columns are renamed to '" + field + "'");
            }
        }
        if (include.isEmpty() && exclude.isEmpty() && rename.isEmpty()) {
            return ALL;
        }
        return new ColumnSelection(Set.copyOf(include), Set.copyOf(exclude), Map.copyOf(rename));
    }

    public boolean isAll() {
        return this == ALL;
    }

    /**
     * The row with only the selected columns, renamed; an IllegalArgumentException when a rename meets a stored
     * column of the same name.
     */
    public RenderedRow apply(RenderedRow row) {
        if (isAll()) {
            return row;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : row.values().entrySet()) {
            if (selected(entry.getKey()) && values.put(field(entry.getKey()), entry.getValue()) != null) {
                throw new IllegalArgumentException("column '" + entry.getKey() + "' is renamed to '"
                        + field(entry.getKey()) + "', which another stored column already is");
            }
        }
        List<String> kept = new ArrayList<>(row.kept().size());
        for (String column : row.kept()) {
            if (selected(column)) {
                kept.add(field(column));
            }
        }
        return new RenderedRow(values, kept);
    }

    private boolean selected(String column) {
        return (include.isEmpty() || include.contains(column)) && !exclude.contains(column);
    }

    private String field(String column) {
        return rename.getOrDefault(column, column);
    }
}
