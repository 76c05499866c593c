package io.github.pgredis.sink.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Accepts the names of an enum's constants in any letter case, with '-' for '_' (UPDATE_IF_CACHED is
 * update-if-cached). Its {@link #toString()} lists the accepted values,
 * which Connect shows in the REST validate answer and which the generated configuration reference prints.
 */
public final class EnumValidator implements ConfigDef.Validator, ConfigDef.Recommender {
    private final List<String> values;

    private EnumValidator(List<String> values) {
        this.values = values;
    }

    public static <E extends Enum<E>> EnumValidator of(Class<E> type) {
        return new EnumValidator(Arrays.stream(type.getEnumConstants())
                .map(constant -> constant.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .collect(Collectors.toUnmodifiableList()));
    }

    public static <E extends Enum<E>> E parse(Class<E> type, String value) {
        return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null || !values.contains(value.toString().trim().toLowerCase(Locale.ROOT))) {
            throw new ConfigException(name, value, "must be one of " + this);
        }
    }

    @Override
    public List<Object> validValues(String name, java.util.Map<String, Object> parsedConfig) {
        // Connect's validate removes the values it finds invalid from this list
        return new ArrayList<>(values);
    }

    @Override
    public boolean visible(String name, java.util.Map<String, Object> parsedConfig) {
        return true;
    }

    @Override
    public String toString() {
        return String.join(", ", values);
    }
}
