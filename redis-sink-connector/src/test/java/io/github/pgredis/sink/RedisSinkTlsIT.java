package io.github.pgredis.sink;

import static io.github.pgredis.sink.testing.StubSinkTaskContext.putAndSettle;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.github.pgredis.sink.testing.ChangeRecords;
import io.github.pgredis.sink.testing.RedisServer;
import io.github.pgredis.sink.testing.StubSinkTaskContext;

/** The sink over TLS to a redis-server that accepts only TLS, with a certificate from a test CA. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisSinkTlsIT {
    private RedisServer redis;

    @BeforeAll
    void start() {
        redis = RedisServer.startTls();
    }

    @AfterAll
    void stop() {
        redis.close();
    }

    private Map<String, String> config() {
        Map<String, String> config = new HashMap<>();
        config.put("name", "tls-sink");
        config.put(RedisSinkConfig.REDIS_URI, redis.uri());
        config.put(RedisSinkConfig.REDIS_TLS_VERIFY_MODE, "FULL");
        config.put(RedisSinkConfig.REDIS_TLS_TRUSTSTORE_PATH, redis.tls().truststore().toString());
        config.put(RedisSinkConfig.REDIS_TLS_TRUSTSTORE_PASSWORD, redis.tls().truststorePassword());
        return config;
    }

    @Test
    void writesOverTlsWithFullVerificationAgainstTheTruststore() {
        ChangeRecords users = ChangeRecords.users();
        RedisSinkTask task = new RedisSinkTask();
        task.initialize(new StubSinkTaskContext(config()));
        task.start(config());
        try {
            task.open(List.of(new TopicPartition(users.topic(), 0)));
            putAndSettle(task, List.of(users.create(10, users.row("id", 1, "name", "over tls"))));
        } finally {
            task.stop();
        }

        assertThat(redis.commands().hgetall("public.users:1")).containsEntry("name", "over tls");
    }

    @Test
    void validateReportsAnUntrustedCertificateOnTheTlsKeys() {
        Map<String, String> untrusted = config();
        untrusted.remove(RedisSinkConfig.REDIS_TLS_TRUSTSTORE_PATH);
        untrusted.remove(RedisSinkConfig.REDIS_TLS_TRUSTSTORE_PASSWORD);

        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue value : new RedisSinkConnector().validate(untrusted).configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        assertThat(errors).containsOnlyKeys(RedisSinkConfig.REDIS_TLS_ENABLED);
        assertThat(new RedisSinkConnector().validate(config()).configValues())
                .allMatch(value -> value.errorMessages().isEmpty());
    }

    @Test
    void mutualTlsWritesWithTheClientCertificateAndValidateNamesTheKeystoreWithoutIt() {
        try (RedisServer mutual = RedisServer.startMutualTls()) {
            Map<String, String> config = config();
            config.put(RedisSinkConfig.REDIS_URI, mutual.uri());
            config.put(RedisSinkConfig.REDIS_TLS_TRUSTSTORE_PATH, mutual.tls().truststore().toString());
            Map<String, String> withoutCertificate = new HashMap<>(config);
            config.put(RedisSinkConfig.REDIS_TLS_KEYSTORE_PATH, mutual.tls().clientKeystore().toString());
            config.put(RedisSinkConfig.REDIS_TLS_KEYSTORE_PASSWORD, mutual.tls().truststorePassword());

            assertThat(errors(withoutCertificate)).containsOnlyKeys(RedisSinkConfig.REDIS_TLS_KEYSTORE_PATH);
            assertThat(errors(withoutCertificate).get(RedisSinkConfig.REDIS_TLS_KEYSTORE_PATH)).singleElement()
                    .asString().contains("Cannot use Redis at rediss://").contains("alert");
            Map<String, String> foreignCertificate = new HashMap<>(config);
            foreignCertificate.put(RedisSinkConfig.REDIS_TLS_KEYSTORE_PATH, redis.tls().clientKeystore().toString());
            assertThat(errors(foreignCertificate)).as("a certificate of another CA")
                    .containsOnlyKeys(RedisSinkConfig.REDIS_TLS_KEYSTORE_PATH);
            assertThat(errors(config)).isEmpty();

            StubSinkTaskContext.writeUserThroughTask(config, "mutual");
            assertThat(mutual.commands().hgetall("public.users:1")).containsEntry("name", "mutual");
        }
    }

    @Test
    void mutualTlsTakesTheClientCertificateFromPemFiles() {
        try (RedisServer mutual = RedisServer.startMutualTls()) {
            Map<String, String> config = config();
            config.put(RedisSinkConfig.REDIS_URI, mutual.uri());
            config.put(RedisSinkConfig.REDIS_TLS_TRUSTSTORE_PATH, mutual.tls().truststore().toString());
            config.put(RedisSinkConfig.REDIS_TLS_CERTIFICATE_PATH, mutual.tls().clientCertificate().toString());
            config.put(RedisSinkConfig.REDIS_TLS_KEY_PATH, mutual.tls().clientKey().toString());
            assertThat(errors(config)).isEmpty();

            Map<String, String> halfPair = new HashMap<>(config);
            halfPair.remove(RedisSinkConfig.REDIS_TLS_KEY_PATH);
            assertThat(errors(halfPair)).containsOnlyKeys(RedisSinkConfig.REDIS_TLS_KEY_PATH);
            Map<String, String> both = new HashMap<>(config);
            both.put(RedisSinkConfig.REDIS_TLS_KEYSTORE_PATH, mutual.tls().clientKeystore().toString());
            assertThat(errors(both)).containsOnlyKeys(RedisSinkConfig.REDIS_TLS_CERTIFICATE_PATH);

            StubSinkTaskContext.writeUserThroughTask(config, "pem");
            assertThat(mutual.commands().hgetall("public.users:1")).containsEntry("name", "pem");
        }
    }

    @Test
    void validateNamesTheKeyAtFaultForAnExpiredCertificateAndAWrongHostName() {
        try (RedisServer expired = RedisServer.startTls("IP:127.0.0.1", -1);
                RedisServer otherHost = RedisServer.startTls("DNS:cache.example.com", 2)) {
            Map<String, String> config = config();
            config.put(RedisSinkConfig.REDIS_URI, expired.uri());
            config.put(RedisSinkConfig.REDIS_TLS_TRUSTSTORE_PATH, expired.tls().truststore().toString());
            assertThat(errors(config)).containsOnlyKeys(RedisSinkConfig.REDIS_TLS_TRUSTSTORE_PATH);
            assertThat(errors(config).get(RedisSinkConfig.REDIS_TLS_TRUSTSTORE_PATH)).singleElement().asString()
                    .containsIgnoringCase("expired");

            config.put(RedisSinkConfig.REDIS_URI, otherHost.uri());
            config.put(RedisSinkConfig.REDIS_TLS_TRUSTSTORE_PATH, otherHost.tls().truststore().toString());
            assertThat(errors(config)).containsOnlyKeys(RedisSinkConfig.REDIS_TLS_VERIFY_MODE);
            assertThat(errors(config).get(RedisSinkConfig.REDIS_TLS_VERIFY_MODE)).singleElement().asString()
                    .contains("127.0.0.1");
            config.put(RedisSinkConfig.REDIS_TLS_VERIFY_MODE, "CA");
            assertThat(errors(config)).as("verify mode ca checks the chain, not the host name").isEmpty();
        }
    }

    private static Map<String, List<String>> errors(Map<String, String> config) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue value : new RedisSinkConnector().validate(config).configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        return errors;
    }
}
