package io.github.pgredis.sink.config;

import org.apache.kafka.common.config.ConfigDef;

/** A validator whose toString() says what it accepts, for the REST validate answer and the reference. */
public final class DescribedValidator implements ConfigDef.Validator {
    private final String description;
    private final ConfigDef.Validator check;

    private DescribedValidator(String description, ConfigDef.Validator check) {
        this.description = description;
        this.check = check;
    }

    public static DescribedValidator of(String description, ConfigDef.Validator check) {
        return new DescribedValidator(description, check);
    }

    @Override
    public void ensureValid(String name, Object value) {
        check.ensureValid(name, value);
    }

    @Override
    public String toString() {
        return description;
    }
}
