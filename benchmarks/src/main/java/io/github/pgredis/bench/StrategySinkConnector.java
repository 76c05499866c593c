package io.github.pgredis.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

import io.github.pgredis.sink.mapping.ValueFormat;
import io.github.pgredis.sink.redis.ExactUtf8Codec;
import io.github.pgredis.sink.event.ChangeEvent;
import io.github.pgredis.sink.event.ChangeEventDecoder;
import io.github.pgredis.sink.mapping.KeyTemplate;
import io.github.pgredis.sink.mapping.RowRenderer;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * The sinks our sink is measured against, reading the same records through the same Connect path:
 * {@code null} decodes each change event with our decoder and discards it (the ceiling of Connect and the
 * converter); {@code sync-set} and {@code pipelined-hset} emulate the strategies of other Redis sinks, one
 * synchronous SET of the row as JSON per record, and pipelined HSETs with no version guard.
 */
public final class StrategySinkConnector extends SinkConnector {
    static final String STRATEGY = "strategy";
    static final String REDIS_URI = "redis.uri";
    private Map<String, String> config;

    @Override
    public void start(Map<String, String> props) {
        this.config = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return StrategySinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(config);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef()
                .define(STRATEGY, ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "null, sync-set or pipelined-hset")
                .define(REDIS_URI, ConfigDef.Type.STRING, "", ConfigDef.Importance.HIGH, "Redis, unless null");
    }

    @Override
    public String version() {
        return "benchmark";
    }

    public static final class StrategySinkTask extends SinkTask {
        private final ChangeEventDecoder decoder = new ChangeEventDecoder(0, null, "__");
        private final KeyTemplate keys = KeyTemplate.parse("${collection}:${key}");
        private String strategy;
        private RowRenderer renderer;
        private RedisClient client;
        private StatefulRedisConnection<String, String> connection;

        @Override
        public void start(Map<String, String> props) {
            strategy = props.get(STRATEGY);
            renderer = new RowRenderer(strategy.equals("sync-set") ? ValueFormat.JSON : ValueFormat.HASH,
                    "__debezium_unavailable_value");
            if (!strategy.equals("null")) {
                client = RedisClient.create(props.get(REDIS_URI));
                connection = client.connect(ExactUtf8Codec.INSTANCE);
            }
        }

        @Override
        public void put(Collection<SinkRecord> records) {
            switch (strategy) {
                case "null" -> records.forEach(decoder::decode);
                case "sync-set" -> records.forEach(this::setSynchronously);
                case "pipelined-hset" -> hsetPipelined(records);
                default -> throw new IllegalArgumentException("unknown strategy " + strategy);
            }
        }

        private void setSynchronously(SinkRecord record) {
            ChangeEvent event = decoder.decode(record);
            connection.sync().set(keys.render(event), renderer.render(event).toJsonDocument());
        }

        private void hsetPipelined(Collection<SinkRecord> records) {
            List<RedisFuture<?>> futures = new ArrayList<>(records.size());
            connection.setAutoFlushCommands(false);
            for (SinkRecord record : records) {
                ChangeEvent event = decoder.decode(record);
                futures.add(connection.async().hset(keys.render(event), renderer.render(event).values()));
            }
            connection.flushCommands();
            connection.setAutoFlushCommands(true);
            if (!LettuceFutures.awaitAll(30, TimeUnit.SECONDS, futures.toArray(new RedisFuture<?>[0]))) {
                throw new IllegalStateException("pipelined HSETs not acknowledged in 30 s");
            }
        }

        @Override
        public void stop() {
            if (connection != null) {
                connection.close();
                client.shutdown();
            }
        }

        @Override
        public String version() {
            return "benchmark";
        }
    }
}
