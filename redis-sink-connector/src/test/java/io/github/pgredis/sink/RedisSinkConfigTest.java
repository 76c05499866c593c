package io.github.pgredis.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RedisSinkConfigTest {

    @Test
    void enumKeysAcceptAnyCaseAndListTheirValuesWhenWrong() {
        RedisSinkConfig config = new RedisSinkConfig(Map.of(RedisSinkConfig.VALUE_FORMAT, "Json",
                RedisSinkConfig.TRUNCATE_MODE, "IGNORE"));

        assertThat(config.valueFormat()).isEqualTo(RedisSinkConfig.ValueFormat.JSON);
        assertThat(config.truncateMode()).isEqualTo(RedisSinkConfig.TruncateMode.IGNORE);
        assertThatThrownBy(() -> new RedisSinkConfig(Map.of(RedisSinkConfig.VALUE_FORMAT, "xml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be one of hash, json");
    }

    @Test
    void perTopicTemplatesOverrideTheDefault() {
        RedisSinkConfig config = new RedisSinkConfig(Map.of(RedisSinkConfig.KEY_TEMPLATE_OVERRIDES,
                "pg.public.users=user:${key.id}, pg.public.orders={orders}:${key}"));

        assertThat(config.keyTemplate("pg.public.users")).hasToString("user:${key.id}");
        assertThat(config.keyTemplate("pg.public.orders")).hasToString("{orders}:${key}");
        assertThat(config.keyTemplate("other")).hasToString(RedisSinkConfig.KEY_TEMPLATE_DEFAULT);
        assertThatThrownBy(() -> new RedisSinkConfig(Map.of(RedisSinkConfig.KEY_TEMPLATE_OVERRIDES, "t=${table}")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must contain ${key}");
        assertThatThrownBy(() -> new RedisSinkConfig(Map.of(RedisSinkConfig.KEY_TEMPLATE_OVERRIDES, "no-equals")))
                .hasMessageContaining("topic=template");
    }

    @Test
    void rejectsWhatCannotWork() {
        assertThatThrownBy(() -> new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_URI, "http://h:1")))
                .hasMessageContaining("scheme must be redis or rediss");
        assertThatThrownBy(() -> new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_URI, "redis://u:pw@h:1")))
                .hasMessageContaining("credentials belong in redis.username").hasMessageNotContaining("pw");
        assertThatThrownBy(() -> new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_URI, "redis:///0")))
                .hasMessageContaining("needs a host");
        assertThatThrownBy(() -> new RedisSinkConfig(Map.of(RedisSinkConfig.INTERNAL_KEY_PREFIX, "{x}")))
                .hasMessageContaining("no braces");
        assertThatThrownBy(() -> new RedisSinkConfig(Map.of(RedisSinkConfig.VERSION_EPOCH, "70000")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void tlsFollowsTheUriSchemeAndThePasswordIsHidden() {
        RedisSinkConfig config = new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_URI, "rediss://h:6380/2",
                RedisSinkConfig.REDIS_PASSWORD, "secret"));

        assertThat(config.tlsEnabled()).isTrue();
        assertThat(config.redisPassword().toString()).doesNotContain("secret");
        assertThat(config.redisPassword().value()).isEqualTo("secret");
    }

    @Test
    void errorToleranceIsConnectsOwnKey() {
        assertThat(RedisSinkConfig.toleratesAllErrors(Map.of("errors.tolerance", "ALL"))).isTrue();
        assertThat(RedisSinkConfig.toleratesAllErrors(Map.of())).isFalse();
    }
}
