package io.github.pgredis.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import io.github.pgredis.sink.apply.TruncateMode;
import io.github.pgredis.sink.mapping.ValueFormat;

class RedisSinkConfigTest {

    @Test
    void enumKeysAcceptAnyCaseAndListTheirValuesWhenWrong() {
        RedisSinkConfig config = new RedisSinkConfig(Map.of(RedisSinkConfig.VALUE_FORMAT, "Json",
                RedisSinkConfig.TRUNCATE_MODE, "IGNORE"));

        assertThat(config.valueFormat()).isEqualTo(ValueFormat.JSON);
        assertThat(config.truncateMode()).isEqualTo(TruncateMode.IGNORE);
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
        assertThatThrownBy(() -> RedisSinkConfig.checked(Map.of(RedisSinkConfig.REDIS_URI, "http://h:1")))
                .hasMessageContaining("scheme must be redis or rediss");
        assertThatThrownBy(() -> RedisSinkConfig.checked(Map.of(RedisSinkConfig.REDIS_URI, "redis://u:pw@h:1")))
                .hasMessageContaining("credentials belong in redis.username").hasMessageNotContaining("pw");
        assertThatThrownBy(() -> RedisSinkConfig.checked(Map.of(RedisSinkConfig.REDIS_URI, "redis:///0")))
                .hasMessageContaining("needs a host");
        assertThatThrownBy(() -> new RedisSinkConfig(Map.of(RedisSinkConfig.INTERNAL_KEY_PREFIX, "{x}")))
                .hasMessageContaining("no braces");
        assertThatThrownBy(() -> new RedisSinkConfig(Map.of(RedisSinkConfig.VERSION_EPOCH, "70000")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void aDatabaseThatIsNotANumberIsAProblemOfTheUriInValidate() {
        Map<String, String> props = Map.of(RedisSinkConfig.REDIS_URI, "redis://h:6379/cache");

        assertThat(errorsOf(new RedisSinkConnector().validate(props), RedisSinkConfig.REDIS_URI))
                .singleElement().asString().contains("database number").contains("/cache");
        assertThatThrownBy(() -> RedisSinkConfig.checked(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("redis.uri");
    }

    @Test
    void truncateChecksJudgeTheDefaultTemplateItselfNeverAnOverride() {
        Map<String, String> props = Map.of(RedisSinkConfig.KEY_TEMPLATE, "${key}",
                RedisSinkConfig.KEY_TEMPLATE_OVERRIDES, " =orders:${key}, pg.public.a=orders:${key}");

        assertThat(errorsOf(new RedisSinkConnector().validate(props), RedisSinkConfig.KEY_TEMPLATE_OVERRIDES))
                .singleElement().asString().contains("topic=template");
        assertThat(new RedisSinkConfig(Map.of(RedisSinkConfig.KEY_TEMPLATE, "${key}",
                RedisSinkConfig.KEY_TEMPLATE_OVERRIDES, "pg.public.a=orders:${key}")).problems())
                .extracting(RedisSinkConfig.Problem::key).containsExactly(RedisSinkConfig.KEY_TEMPLATE);
    }

    /** Connect UIs call validate() on every keystroke: a Redis that accepts connections and never answers. */
    @Test
    void validateGivesUpOnASilentRedisWithinItsDeadline() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, String> props = Map.of(RedisSinkConfig.REDIS_URI, "redis://127.0.0.1:" + silent.getLocalPort(),
                    RedisSinkConfig.REDIS_TIMEOUT_MS, "60000", RedisSinkConfig.REDIS_CONNECT_TIMEOUT_MS, "60000");

            long started = System.nanoTime();
            Config result = new RedisSinkConnector().validate(props);
            long tookMs = (System.nanoTime() - started) / 1_000_000;

            assertThat(errorsOf(result, RedisSinkConfig.REDIS_URI)).singleElement().asString()
                    .contains("Cannot use Redis at redis://127.0.0.1:" + silent.getLocalPort());
            assertThat(tookMs).isLessThan(2 * RedisSinkConnector.VALIDATE_REDIS_TIMEOUT_MS + 1_000);
        }
    }

    private static List<String> errorsOf(Config result, String key) {
        return result.configValues().stream().filter(value -> value.name().equals(key)).findFirst().orElseThrow()
                .errorMessages();
    }

    @Test
    void tlsFollowsTheUriSchemeAndSecretsStayOutOfTheSettingsText() {
        RedisSinkConfig config = new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_URI, "rediss://h:6380/2",
                RedisSinkConfig.REDIS_PASSWORD, "secret"));

        assertThat(config.redisSettings().tls()).isTrue();
        assertThat(config.redisSettings().database()).isEqualTo(2);
        assertThat(config.redisSettings().password()).isEqualTo("secret");
        assertThat(config.redisSettings()).hasToString("rediss://h:6380/2");
    }

    @Test
    void errorToleranceIsConnectsOwnKey() {
        assertThat(RedisSinkConfig.toleratesAllErrors(Map.of("errors.tolerance", "ALL"))).isTrue();
        assertThat(RedisSinkConfig.toleratesAllErrors(Map.of())).isFalse();
    }
}
