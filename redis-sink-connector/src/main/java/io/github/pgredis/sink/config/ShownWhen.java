package io.github.pgredis.sink.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.kafka.common.config.ConfigDef;

/**
 * A key's recommender for Connect UIs: its recommended values (which Redpanda Console turns into a select) and
 * whether it is visible, given the other keys' parsed values (a TLS setting only with TLS on). A hidden key still
 * applies when set.
 */
public final class ShownWhen implements ConfigDef.Recommender {
    private final Predicate<Map<String, Object>> condition;
    private final List<Object> values;

    private ShownWhen(Predicate<Map<String, Object>> condition, List<Object> values) {
        this.condition = condition;
        this.values = values;
    }

    /** Visible when {@code condition} holds for the parsed configuration; no recommended values. */
    public static ShownWhen when(Predicate<Map<String, Object>> condition) {
        return new ShownWhen(condition, List.of());
    }

    /** Always visible, recommending true and false. */
    public static ShownWhen aBoolean() {
        return new ShownWhen(config -> true, List.of(true, false));
    }

    /** The same visibility, recommending the values an enum's validator accepts. */
    public ShownWhen recommending(EnumValidator enumValues) {
        return new ShownWhen(condition, enumValues.validValues(null, Map.of()));
    }

    @Override
    public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
        // Connect's validate removes the values it finds invalid from this list
        return new ArrayList<>(values);
    }

    @Override
    public boolean visible(String name, Map<String, Object> parsedConfig) {
        return condition.test(parsedConfig);
    }
}
