package io.github.pgredis.sink.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.types.Password;

/** Writes a ConfigDef as the Markdown configuration reference in docs/. */
public final class ConfigReference {
    private ConfigReference() {
    }

    public static String markdown(String title, String introduction, ConfigDef definition) {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(title).append("\n\n");
        out.append("<!-- Generated from the connector's ConfigDef by ConfigurationReferenceTest; do not edit. -->\n\n");
        out.append(introduction).append("\n");
        Map<String, List<ConfigKey>> byGroup = new LinkedHashMap<>();
        definition.groups().forEach(group -> byGroup.put(group, new java.util.ArrayList<>()));
        for (ConfigKey key : definition.configKeys().values()) {
            byGroup.computeIfAbsent(key.group == null ? "Other" : key.group, g -> new java.util.ArrayList<>())
                    .add(key);
        }
        byGroup.values().forEach(keys -> keys.sort(java.util.Comparator.comparingInt(key -> key.orderInGroup)));
        byGroup.forEach((group, keys) -> {
            out.append("\n## ").append(group).append("\n\n");
            out.append("| Key | Type | Default | Valid values | Importance | Description |\n");
            out.append("|---|---|---|---|---|---|\n");
            for (ConfigKey key : keys) {
                out.append("| `").append(key.name).append("` | ")
                        .append(key.type.name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
                        .append(defaultText(key)).append(" | ")
                        .append(key.validator == null ? "" : cell(key.validator.toString())).append(" | ")
                        .append(key.importance.name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
                        .append(cell(key.documentation)).append(" |\n");
            }
        });
        return out.toString();
    }

    private static String defaultText(ConfigKey key) {
        if (!key.hasDefault() || key.defaultValue == null) {
            return key.hasDefault() ? "null" : "(required)";
        }
        if (key.defaultValue instanceof Password) {
            return "[hidden]";
        }
        Object value = key.defaultValue instanceof List<?> list ? String.join(",", list.stream()
                .map(Object::toString).toList()) : key.defaultValue;
        String text = value.toString();
        return text.isEmpty() ? "\"\"" : "`" + text + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
