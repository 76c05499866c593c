package io.github.pgredis.sink;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.net.ssl.SSLException;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.pgredis.sink.redis.AclProbe;
import io.github.pgredis.sink.redis.OffsetStore;
import io.github.pgredis.sink.redis.RedisSession;
import io.github.pgredis.sink.redis.RedisSettings;

/** Kafka Connect sink that applies Debezium PostgreSQL change events to Redis. */
public class RedisSinkConnector extends SinkConnector {
    private static final Logger log = LoggerFactory.getLogger(RedisSinkConnector.class);

    /** How long validate() waits in all for Redis to connect and answer. */
    static final long VALIDATE_REDIS_TIMEOUT_MS = 5_000L;

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
        RedisSinkConfig config = RedisSinkConfig.checked(props);
        log.info("Redis sink connector '{}' started for {}", props.get("name"), config.redisSettings());
    }

    @Override
    public Class<? extends Task> taskClass() {
        return RedisSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(RedisSinkConfig.TASK_INDEX, Integer.toString(i));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
        log.info("Redis sink connector '{}' stopped", props == null ? null : props.get("name"));
    }

    @Override
    public ConfigDef config() {
        return RedisSinkConfig.CONFIG_DEF;
    }

    /**
     * Field checks, then the configuration's own cross-key checks and a live connection to Redis, each reported on
     * the key at fault. Connect UIs call this on every keystroke, so the live check waits at most
     * {@link #VALIDATE_REDIS_TIMEOUT_MS}.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        Map<String, ConfigValue> values = result.configValues().stream()
                .collect(Collectors.toMap(ConfigValue::name, Function.identity()));
        if (values.values().stream().anyMatch(value -> !value.errorMessages().isEmpty())) {
            return result;
        }
        RedisSinkConfig config = new RedisSinkConfig(connectorConfigs);
        for (RedisSinkConfig.Problem problem : config.problems()) {
            values.computeIfAbsent(problem.key(), name -> {
                ConfigValue entry = new ConfigValue(name, connectorConfigs.get(name), List.of(), new ArrayList<>());
                result.configValues().add(entry);
                return entry;
            }).addErrorMessage(problem.message());
        }
        // Redis is reached only with connection settings that hold together: a failure then is Redis's to report
        boolean connectionSettingsWrong = config.problems().stream()
                .anyMatch(problem -> problem.key().startsWith("redis."));
        if (config.redisSettings() != null && !connectionSettingsWrong) {
            checkRedis(config.redisSettings().withTimeoutsAtMost(VALIDATE_REDIS_TIMEOUT_MS), config, values);
        }
        return result;
    }

    /**
     * Connects as the task will (authentication, script loading, INFO, the user's permissions), within one deadline
     * for all of it; a session that opens after the deadline is closed when it does.
     */
    private static void checkRedis(RedisSettings settings, RedisSinkConfig config, Map<String, ConfigValue> values) {
        CompletableFuture<RedisSession> opening = CompletableFuture.supplyAsync(() -> AclProbe.openChecked(settings,
                config.internalKeyPrefix(), config.feedsAnyTable(), config.waitReplicas() > 0));
        try {
            opening.get(VALIDATE_REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS).close();
            log.debug("Validation reached Redis {}", settings);
        } catch (TimeoutException e) {
            opening.thenAccept(RedisSession::close);
            values.get(RedisSinkConfig.REDIS_URI).addErrorMessage("Cannot use Redis at " + settings + ": no answer "
                    + "within " + VALIDATE_REDIS_TIMEOUT_MS + " ms");
        } catch (ExecutionException e) {
            String message = describe(e.getCause());
            values.get(keyAtFault(e.getCause(), message, settings)).addErrorMessage("Cannot use Redis at " + settings
                    + ": " + message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            values.get(RedisSinkConfig.REDIS_URI).addErrorMessage("interrupted while checking Redis");
        }
    }

    private static String keyAtFault(Throwable failure, String message, RedisSettings settings) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                // the server's alerts about the sink's certificate (none, or one its CA did not sign: OpenSSL says
                // decrypt_error when the signature does not verify); any other TLS failure is the sink not trusting
                // the server's certificate, or no common protocol
                String tlsFailure = String.valueOf(t.getMessage());
                if (tlsFailure.contains("Received fatal alert") && (tlsFailure.contains("certificate")
                        || tlsFailure.contains("unknown_ca") || tlsFailure.contains("decrypt_error"))) {
                    return settings.tls().certificatePath().isBlank() ? RedisSinkConfig.REDIS_TLS_KEYSTORE_PATH
                            : RedisSinkConfig.REDIS_TLS_CERTIFICATE_PATH;
                }
                if (tlsFailure.contains("No subject alternative") || tlsFailure.contains("No name matching")) {
                    // the certificate is not for the host the URI names: another host, or verify mode ca
                    return RedisSinkConfig.REDIS_TLS_VERIFY_MODE;
                }
                return settings.tls().truststorePath().isBlank() ? RedisSinkConfig.REDIS_TLS_ENABLED
                        : RedisSinkConfig.REDIS_TLS_TRUSTSTORE_PATH;
            }
        }
        if (message.startsWith("NOPERM")) {
            return RedisSinkConfig.REDIS_USERNAME;
        }
        if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH") || message.contains("AUTH")) {
            return RedisSinkConfig.REDIS_PASSWORD;
        }
        return RedisSinkConfig.REDIS_URI;
    }

    /** The root cause's message, said plainly where the JDK's is terse (an expired certificate: "NotAfter: ..."). */
    private static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return "the server's certificate has expired (" + t.getMessage() + ")";
            }
            if (t instanceof CertificateNotYetValidException) {
                return "the server's certificate is not valid yet (" + t.getMessage() + ")";
            }
            // a Cluster client that cannot read the topology keeps each node's refusal as a suppressed exception
            for (Throwable node : t.getSuppressed()) {
                String refusal = rootMessage(node);
                if (refusal.startsWith("NOPERM") || refusal.startsWith("WRONGPASS") || refusal.startsWith("NOAUTH")) {
                    return refusal + " (a node's answer while reading the topology)";
                }
            }
        }
        return rootMessage(failure);
    }

    private static String rootMessage(Throwable failure) {
        String message = failure.getMessage();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message == null ? failure.getClass().getSimpleName() : message;
    }

    /**
     * Keeps the offsets Redis holds in step with Connect's offsets REST API; otherwise the task would rewind to the
     * old position Redis holds on its next start. A reset ({@code DELETE /connectors/{name}/offsets}) reaches a
     * connector as every partition of the consumer group with a null offset (none at all when the group holds
     * none), which leaves out partitions Redis may hold: so a request whose offsets are all null clears every
     * partition of the connector in Redis. Any other request (a PATCH) changes exactly the partitions it names.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<TopicPartition, Long> offsets) {
        RedisSinkConfig config = RedisSinkConfig.checked(connectorConfig);
        OffsetStore store = new OffsetStore(config.internalKeyPrefix(), RedisSinkConfig.connectorName(connectorConfig));
        boolean reset = offsets.values().stream().allMatch(Objects::isNull);
        try (RedisSession session = RedisSession.open(config.redisSettings())) {
            if (reset) {
                store.clear(session);
            } else {
                store.alter(session, offsets);
            }
        } catch (RuntimeException e) {
            throw new ConnectException("Cannot update the offsets kept in Redis at " + config.redisSettings() + ": "
                    + rootMessage(e), e);
        }
        if (reset) {
            log.info("Offsets kept in Redis under {} reset: every partition starts again from the earliest offset",
                    store.key());
        } else {
            log.info("Offsets kept in Redis under {} altered for {} partitions", store.key(), offsets.size());
        }
        return true;
    }
}
