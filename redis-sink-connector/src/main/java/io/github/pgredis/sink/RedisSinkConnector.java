package io.github.pgredis.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.net.ssl.SSLException;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.pgredis.sink.redis.OffsetStore;
import io.github.pgredis.sink.redis.RedisSession;

/** Kafka Connect sink that applies Debezium PostgreSQL change events to Redis. */
public class RedisSinkConnector extends SinkConnector {
    private static final Logger log = LoggerFactory.getLogger(RedisSinkConnector.class);

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
        RedisSinkConfig config = new RedisSinkConfig(props);
        log.info("Redis sink connector '{}' started for {}", props.get("name"), config.redisUri());
    }

    @Override
    public Class<? extends Task> taskClass() {
        return RedisSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            configs.add(new HashMap<>(props));
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

    /** Field checks, then cross-field checks and a live connection to Redis, each reported on the key at fault. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        Map<String, ConfigValue> values = result.configValues().stream()
                .collect(Collectors.toMap(ConfigValue::name, Function.identity()));
        if (values.values().stream().anyMatch(value -> !value.errorMessages().isEmpty())) {
            return result;
        }
        RedisSinkConfig config;
        try {
            config = new RedisSinkConfig(connectorConfigs);
        } catch (ConfigException e) {
            values.get(RedisSinkConfig.REDIS_URI).addErrorMessage(e.getMessage());
            return result;
        }
        if (config.truncateMode() == RedisSinkConfig.TruncateMode.DELETE) {
            if (!config.keyTemplate("").hasTablePrefix()) {
                values.get(RedisSinkConfig.KEY_TEMPLATE).addErrorMessage("with truncate.mode=delete the key template "
                        + "must start with the table (for example ${collection}:${key}) so a truncate can find the "
                        + "table's keys; or set truncate.mode=ignore");
            }
            List<String> topics = config.keyTemplateOverrides().entrySet().stream()
                    .filter(override -> override.getValue().startsWithKey()).map(Map.Entry::getKey).sorted()
                    .toList();
            if (!topics.isEmpty()) {
                values.get(RedisSinkConfig.KEY_TEMPLATE_OVERRIDES).addErrorMessage("with truncate.mode=delete the key "
                        + "templates of " + String.join(", ", topics) + " must put text for their table before the "
                        + "key (for example orders:${key}) so a truncate can find the table's keys; or set "
                        + "truncate.mode=ignore");
            }
        }
        checkRedis(config, values);
        return result;
    }

    private static void checkRedis(RedisSinkConfig config, Map<String, ConfigValue> values) {
        try (RedisSession ignored = RedisSession.open(config)) {
            log.debug("Validation reached Redis {}", config.redisUri());
        } catch (RuntimeException e) {
            String message = rootMessage(e);
            String key = keyAtFault(e, message, config);
            values.get(key).addErrorMessage("Cannot use Redis at " + config.redisUri() + ": " + message);
        }
    }

    private static String keyAtFault(Throwable failure, String message, RedisSinkConfig config) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return config.tlsTruststorePath().isBlank() ? RedisSinkConfig.REDIS_TLS_ENABLED
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
     * Keeps the offsets Redis holds in step with an alter or reset through Connect's offsets REST API; otherwise the
     * task would rewind to the old position Redis holds on its next start.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<TopicPartition, Long> offsets) {
        RedisSinkConfig config = new RedisSinkConfig(connectorConfig);
        OffsetStore store = new OffsetStore(config.internalKeyPrefix(), connectorConfig.getOrDefault("name",
                "redis-sink"));
        try (RedisSession session = RedisSession.open(config)) {
            store.alter(session, offsets);
        } catch (RuntimeException e) {
            throw new ConnectException("Cannot update the offsets kept in Redis at " + config.redisUri() + ": "
                    + rootMessage(e), e);
        }
        log.info("Offsets kept in Redis under {} altered for {} partitions", store.key(), offsets.size());
        return true;
    }
}
