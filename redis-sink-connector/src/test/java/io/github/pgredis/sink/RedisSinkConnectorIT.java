package io.github.pgredis.sink;

import static io.github.pgredis.sink.testing.ConnectClusters.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigKeyInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.pgredis.sink.config.EnumValidator;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.RedisServer;
import io.github.pgredis.sink.testing.RedisServerExtension;
import io.github.pgredis.sink.testing.SinkMetricsJmx;
import io.lettuce.core.api.sync.RedisCommands;

/** The sink inside a real Connect cluster, fed through Kafka with JSON as Debezium writes it. */
@ExtendWith(RedisServerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisSinkConnectorIT {
    private static final String TOPIC = "pg.public.users";
    private static final String DLQ = "redis-sink-dlq";
    private static final String CONNECTOR = "redis-sink";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private EmbeddedConnectCluster connect;

    @BeforeAll
    void startConnect() {
        connect = ConnectClusters.start("sink-it", 1);
    }

    @AfterAll
    void stopConnect() {
        connect.stop();
    }

    private Map<String, String> sinkConfig(RedisServer redis) {
        Map<String, String> config = ConnectClusters.sinkConfig(redis.uri());
        config.put("name", CONNECTOR);
        config.remove("topics.regex");
        config.put("topics", TOPIC);
        config.put("key.converter.schemas.enable", "false");
        config.put("value.converter.schemas.enable", "false");
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", DLQ);
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        config.put("consumer.override.max.poll.records", "50");
        config.put(RedisSinkConfig.VALUE_MAX_BYTES, "2000");
        return config;
    }

    private static String envelope(String op, Integer id, String name, long lsn) {
        return envelope("users", op, id, name, lsn);
    }

    private static String envelope(String table, String op, Integer id, String name, long lsn) {
        String row = id == null ? "null" : "{\"id\":" + id + ",\"name\":" + (name == null ? "null" : "\"" + name
                + "\"") + "}";
        String before = op.equals("d") ? row : "null";
        String after = op.equals("d") ? "null" : row;
        return "{\"before\":" + before + ",\"after\":" + after + ",\"source\":{\"schema\":\"public\","
                + "\"table\":\"" + table + "\",\"ts_ms\":" + System.currentTimeMillis() + ",\"lsn\":" + lsn + ",\"sequence\":\"[\\\"" + (lsn - 1) + "\\\",\\\"" + lsn
                + "\\\"]\"},\"op\":\"" + op + "\"}";
    }


    @Test
    void appliesChangesSendsBadRecordsToTheDeadLetterQueueAndReplaysAfterAnOffsetReset(RedisServer redis)
            throws InterruptedException {
        RedisCommands<String, String> commands = redis.commands();
        connect.kafka().createTopic(TOPIC, 2);
        List<String[]> changes = new ArrayList<>();
        long lsn = 100;
        for (int id = 1; id <= 40; id++) {
            changes.add(new String[] {"{\"id\":" + id + "}", envelope("c", id, "user " + id, lsn++)});
        }
        for (int id = 1; id <= 40; id += 3) {
            changes.add(new String[] {"{\"id\":" + id + "}", envelope("u", id, "renamed " + id, lsn++)});
        }
        for (int id = 2; id <= 40; id += 5) {
            changes.add(new String[] {"{\"id\":" + id + "}", envelope("d", id, null, lsn++)});
            changes.add(new String[] {"{\"id\":" + id + "}", null});
        }
        changes.add(new String[] {"{\"id\":1000}", "{not json"});
        changes.add(new String[] {null, envelope("c", 2000, "no key", lsn++)});
        changes.add(new String[] {"{\"id\":3000}", envelope("c", 3000, "x", lsn++).replace("\"op\":\"c\"",
                "\"op\":\"x\"")});
        changes.add(new String[] {"{\"id\":3001}", envelope("c", 3001, "x", lsn++)
                .replaceAll("\"lsn\":[0-9]+,\"sequence\":\"[^}]*\"", "\"lsn\":null")});
        changes.add(new String[] {"{\"id\":3002}", envelope("c", 3002, "its key holds a list", lsn++)});
        changes.add(new String[] {"{\"id\":3003}", envelope("c", 3003, "x".repeat(3_000), lsn++)});
        changes.add(new String[] {"{\"id\":\"a:b\"}", envelope("c", 1, "separator", lsn++)
                .replace("{\"id\":1,", "{\"id\":\"a:b\",")});
        commands.rpush("public.users:3002", "someone else's list");
        for (String[] change : changes) {
            int partition = change[0] == null ? 0 : Math.abs(change[0].hashCode()) % 2;
            connect.kafka().produce(TOPIC, partition, change[0], change[1]);
        }
        int expectedRows = 40 - 8 + 1;

        connect.configureConnector(CONNECTOR, sinkConfig(redis));
        connect.assertions().assertConnectorAndAtLeastNumTasksAreRunning(CONNECTOR, 1, "sink did not start");
        await(WAIT, "all changes applied", () -> redis.hashes("public.users:*").size() == expectedRows
                && commands.hget("public.users:40", "name").equals("renamed 40"));
        // windowed figures, read while the window still holds the batches
        assertThat(SinkMetricsJmx.task(CONNECTOR, 0, "batch-size-max")).isBetween(1.0, 50.0);
        assertThat(SinkMetricsJmx.task(CONNECTOR, 0, "redis-round-trip-time-max-ms")).isPositive();
        assertThat(commands.hgetall("public.users:4")).isEqualTo(Map.of("id", "4", "name", "renamed 4"));
        assertThat(commands.exists("public.users:2")).isZero();
        assertThat(commands.hget("public.users:a%3Ab", "name")).isEqualTo("separator");
        assertThat(commands.lrange("public.users:3002", 0, -1)).containsExactly("someone else's list");

        ConsumerRecords<byte[], byte[]> dead = connect.kafka().consume(6, WAIT.toMillis(), DLQ);
        List<String> causes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : dead) {
            Header message = record.headers().lastHeader("__connect.errors.exception.message");
            causes.add(message == null ? "" : new String(message.value(), StandardCharsets.UTF_8));
        }
        assertThat(causes).hasSize(6);
        assertThat(causes).anyMatch(cause -> cause.contains("has no key"));
        assertThat(causes).anyMatch(cause -> cause.contains("Converting byte[] to Kafka Connect data failed"));
        assertThat(causes).anyMatch(cause -> cause.contains("unsupported op 'x'"));
        assertThat(causes).anyMatch(cause -> cause.contains("without source.lsn"));
        assertThat(causes).anyMatch(cause -> cause.contains("WRONGTYPE") && cause.contains("public.users:3002"));
        assertThat(causes).anyMatch(cause -> cause.contains("value.max.bytes=2000"));

        long total = changes.size();
        await(WAIT, "offsets committed", () -> ConnectClusters.committedOffsetSum(connect, CONNECTOR) == total);
        Map<String, Map<String, String>> applied = redis.hashes("public.users:*");
        // the worker's plugin metrics (KIP-877); the converter's failure never reaches the task
        long reachedTheTask = total - 1;
        assertThat(metric("dead-letters-total")).isEqualTo(5);
        assertThat(metric("changes-applied-total") + metric("changes-skipped-total"))
                .isEqualTo(reachedTheTask - 5);
        assertThat(metric("changes-deleted-total")).as("8 deletes, 8 tombstones").isEqualTo(16);
        assertThat(SinkMetricsJmx.table(CONNECTOR, 0, "public.users", "freshness-lag-ms")).isNotNull()
                .isGreaterThanOrEqualTo(0);

        connect.stopConnector(CONNECTOR);
        connect.assertions().assertConnectorIsStopped(CONNECTOR, "sink did not stop");
        connect.resetConnectorOffsets(CONNECTOR);
        assertThat(commands.hgetall("__pgr:offsets:{" + CONNECTOR + "}")).isEmpty();
        connect.resumeConnector(CONNECTOR);
        connect.assertions().assertConnectorAndAtLeastNumTasksAreRunning(CONNECTOR, 1, "sink did not resume");
        await(WAIT, "replay committed", () -> ConnectClusters.committedOffsetSum(connect, CONNECTOR) == total);

        assertThat(redis.hashes("public.users:*")).as("a full replay converges; no deleted row comes back").isEqualTo(applied);
        assertThat(metric("changes-skipped-total")).as("the restarted task's figures: it skipped every change")
                .isEqualTo(reachedTheTask - 5);
        assertThat(metric("changes-applied-total")).isZero();
        connect.deleteConnector(CONNECTOR);
    }

    private static double metric(String name) {
        return SinkMetricsJmx.count(CONNECTOR, 0, "public.users", name);
    }

    /**
     * Connect hands a reset to alterOffsets as the consumer group's partitions with null offsets; partitions Redis
     * holds but the group does not (never committed there, or expired) must be cleared too, or open() would rewind
     * to them. A PATCH changes exactly what it names.
     */
    @Test
    void anOffsetsResetClearsEveryPartitionRedisHoldsAndAnAlterChangesOnlyWhatItNames(RedisServer redis)
            throws InterruptedException {
        String topic = "pg.public.resets";
        String connector = "redis-sink-resets";
        String offsetsKey = "__pgr:offsets:{" + connector + "}";
        RedisCommands<String, String> commands = redis.commands();
        connect.kafka().createTopic(topic, 3);
        long lsn = 10;
        for (int partition = 0; partition < 2; partition++) {
            for (int id = 0; id < 5; id++) {
                connect.kafka().produce(topic, partition, "{\"id\":" + (partition * 10 + id) + "}",
                        envelope("resets", "c", partition * 10 + id, "r", lsn++));
            }
        }
        Map<String, String> config = sinkConfig(redis);
        config.put("name", connector);
        config.put("topics", topic);
        connect.configureConnector(connector, config);
        await(WAIT, "offsets committed", () -> ConnectClusters.committedOffsetSum(connect, connector) == 10);
        connect.stopConnector(connector);
        connect.assertions().assertConnectorIsStopped(connector, "sink did not stop");
        commands.hset(offsetsKey, Map.of(topic + "/2", "7", "pg.public.gone/0", "3"));

        connect.resetConnectorOffsets(connector);

        assertThat(commands.hgetall(offsetsKey)).as("every partition of the connector").isEmpty();

        commands.hset(offsetsKey, Map.of(topic + "/0", "5", topic + "/1", "5", topic + "/2", "7"));
        Map<String, Object> partition1 = Map.of("kafka_topic", topic, "kafka_partition", 1);
        connect.alterConnectorOffsets(connector, new ConnectorOffsets(List.of(
                new ConnectorOffset(partition1, Map.of("kafka_offset", 2)))));

        assertThat(commands.hgetall(offsetsKey)).isEqualTo(Map.of(topic + "/0", "5", topic + "/1", "2",
                topic + "/2", "7"));
        connect.deleteConnector(connector);
    }

    @Test
    void redisKilledMidStreamAndRestartedFromItsAppendOnlyFileConvergesWithoutDeadLetters(RedisServer unused)
            throws Exception {
        String topic = "pg.public.crash";
        connect.kafka().createTopic(topic, 2);
        try (RedisServer redis = RedisServer.start(List.of("--appendonly", "yes", "--appendfsync", "everysec",
                "--save", ""))) {
            Map<String, String> config = sinkConfig(redis);
            config.put("name", "crash-sink");
            config.put("topics", topic);
            config.put("errors.deadletterqueue.topic.name", "crash-dlq");
            connect.configureConnector("crash-sink", config);
            long lsn = 10_000;
            int ids = 200;
            for (int round = 0; round < 5; round++) {
                for (int id = 0; id < ids; id++) {
                    connect.kafka().produce(topic, id % 2, "{\"id\":" + id + "}", envelope("crash", "u", id, "r" + round, lsn++));
                }
            }
            await(WAIT, "some changes applied before the crash",
                    () -> redis.commands().keys("public.crash:*").size() > 50);

            redis.kill();
            for (int round = 5; round < 10; round++) {
                for (int id = 0; id < ids; id++) {
                    connect.kafka().produce(topic, id % 2, "{\"id\":" + id + "}", envelope("crash", "u", id, "r" + round, lsn++));
                }
            }
            for (int id = 0; id < ids; id += 10) {
                connect.kafka().produce(topic, id % 2, "{\"id\":" + id + "}", envelope("crash", "d", id, null, lsn++));
            }
            redis.restart();

            await(WAIT, "every change applied after the restart", () -> {
                Map<String, Map<String, String>> rows = redis.hashes("public.crash:*");
                return rows.size() == ids - ids / 10
                        && rows.values().stream().allMatch(row -> "r9".equals(row.get("name")));
            });
            assertThat(redis.commands().exists("public.crash:0", "public.crash:190")).isZero();
            assertThat(connect.connectorStatus("crash-sink").tasks()).allMatch(task -> task.state().equals("RUNNING"));
            assertThat(deadLetters("crash-dlq")).as("transient failures never reach the DLQ").isZero();
            connect.deleteConnector("crash-sink");
        }
    }

    private int deadLetters(String topic) throws Exception {
        if (!connect.kafka().createAdminClient().listTopics().names().get().contains(topic)) {
            return 0;
        }
        return connect.kafka().consumeAll(5_000, topic).count();
    }

    @Test
    void aValueThatDoesNotMatchItsSchemaGoesToTheDeadLetterQueueAndTheRestIsApplied(RedisServer redis)
            throws InterruptedException {
        String topic = "pg.public.typed";
        connect.kafka().createTopic(topic, 1);
        String schema = "{\"type\":\"struct\",\"fields\":[{\"field\":\"id\",\"type\":\"int32\"},"
                + "{\"field\":\"n\",\"type\":\"int64\"}]}";
        String keySchema = "{\"type\":\"struct\",\"fields\":[{\"field\":\"id\",\"type\":\"int32\"}]}";
        connect.kafka().produce(topic, "{\"schema\":" + keySchema + ",\"payload\":{\"id\":1}}",
                "{\"schema\":" + schema + ",\"payload\":{\"id\":1,\"n\":null}}");
        connect.kafka().produce(topic, "{\"schema\":" + keySchema + ",\"payload\":{\"id\":2}}",
                "{\"schema\":" + schema + ",\"payload\":{\"id\":2,\"n\":7}}");
        Map<String, String> config = sinkConfig(redis);
        config.put("name", "typed-sink");
        config.put("topics", topic);
        config.put("key.converter.schemas.enable", "true");
        config.put("value.converter.schemas.enable", "true");
        config.put("errors.deadletterqueue.topic.name", "typed-dlq");

        connect.configureConnector("typed-sink", config);
        await(WAIT, "the valid record applied", () -> "7".equals(redis.commands().hget("public.typed:2", "n")));

        ConsumerRecords<byte[], byte[]> dead = connect.kafka().consume(1, WAIT.toMillis(), "typed-dlq");
        assertThat(dead.count()).isEqualTo(1);
        assertThat(new String(dead.iterator().next().headers().lastHeader("__connect.errors.exception.message")
                .value(), StandardCharsets.UTF_8)).contains("Invalid null value for required INT64 field");
        assertThat(redis.commands().exists("public.typed:1")).isZero();
        connect.deleteConnector("typed-sink");
    }

    /**
     * What a Connect UI builds its form from, read from a real worker's validate endpoint while Redis does not
     * answer: every key of the sink with its group, order, display name, documentation, importance and width;
     * recommended values for every enum and boolean; only the essentials HIGH (Redpanda Console's simple mode shows
     * just those); dependent keys hidden until what they depend on is set. The answer comes within the sink's bound.
     */
    @Test
    void validateGivesAConnectUiAWholeFormAndAnswersInBoundedTimeWhileRedisIsSilent(RedisServer unused)
            throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, String> config = ConnectClusters.sinkConfig("redis://127.0.0.1:" + silent.getLocalPort());
            config.put("name", "form");

            long started = System.nanoTime();
            Map<String, ConfigInfo> form = form(config);
            long tookMs = (System.nanoTime() - started) / 1_000_000;

            assertThat(tookMs).as("validate with a silent Redis").isLessThan(
                    2 * RedisSinkConnector.VALIDATE_REDIS_TIMEOUT_MS + 2_000);
            assertThat(form.get(RedisSinkConfig.REDIS_URI).configValue().errors()).singleElement().asString()
                    .contains("Cannot use Redis at redis://127.0.0.1:" + silent.getLocalPort());
            Map<String, List<Integer>> ordersByGroup = new HashMap<>();
            for (ConfigDef.ConfigKey key : RedisSinkConfig.CONFIG_DEF.configKeys().values()) {
                assertThat(form).as("validate lists %s", key.name).containsKey(key.name);
                ConfigKeyInfo definition = form.get(key.name).configKey();
                assertThat(definition.group()).as("group of %s", key.name).isNotBlank();
                assertThat(definition.orderInGroup()).as("order of %s", key.name).isPositive();
                assertThat(definition.displayName()).as("display name of %s", key.name).isNotBlank()
                        .isNotEqualTo(key.name);
                assertThat(definition.documentation()).as("documentation of %s", key.name).hasSizeGreaterThan(30);
                assertThat(definition.width()).as("width of %s", key.name).isNotEqualTo("NONE");
                if (HIGH_IMPORTANCE.contains(key.name)) {
                    assertThat(definition.importance()).as("importance of %s", key.name).isEqualTo("HIGH");
                } else {
                    assertThat(definition.importance()).as("importance of %s", key.name).isIn("MEDIUM", "LOW");
                }
                ordersByGroup.computeIfAbsent(definition.group(), group -> new ArrayList<>())
                        .add(definition.orderInGroup());
                List<String> recommended = form.get(key.name).configValue().recommendedValues();
                if (key.validator instanceof EnumValidator values) {
                    assertThat(recommended).as("recommended values of %s", key.name)
                            .containsExactlyElementsOf(List.of(values.toString().split(", ")));
                } else if (key.type == ConfigDef.Type.BOOLEAN) {
                    assertThat(recommended).as("recommended values of %s", key.name).containsExactly("true", "false");
                }
            }
            ordersByGroup.forEach((group, orders) -> assertThat(orders).as("orders in %s", group)
                    .doesNotHaveDuplicates());
            assertThat(form.get("topics").configKey().importance()).isEqualTo("HIGH");
            assertThat(visible(form, RedisSinkConfig.REDIS_TLS_TRUSTSTORE_PATH, RedisSinkConfig.REDIS_WAIT_TIMEOUT_MS,
                    RedisSinkConfig.ADAPTIVE_TARGET_HIT_RATE, RedisSinkConfig.TTL_MODE, RedisSinkConfig.FEED_CONTENT))
                    .as("dependent keys are hidden until what they depend on is set").containsOnly(false);

            config.put(RedisSinkConfig.REDIS_URI, "rediss://127.0.0.1:" + silent.getLocalPort());
            config.put(RedisSinkConfig.REDIS_WAIT_REPLICAS, "1");
            config.put(RedisSinkConfig.WRITE_MODE, "adaptive");
            config.put(RedisSinkConfig.TTL_MS, "60000");
            config.put(RedisSinkConfig.FEED_ENABLED, "true");
            assertThat(visible(form(config), RedisSinkConfig.REDIS_TLS_TRUSTSTORE_PATH,
                    RedisSinkConfig.REDIS_WAIT_TIMEOUT_MS, RedisSinkConfig.ADAPTIVE_TARGET_HIT_RATE,
                    RedisSinkConfig.TTL_MODE, RedisSinkConfig.FEED_CONTENT)).containsOnly(true);
        }
    }

    /** What Redpanda Console's simple mode shows: the essentials, and nothing else of the sink's keys. */
    private static final Set<String> HIGH_IMPORTANCE = Set.of(RedisSinkConfig.REDIS_URI,
            RedisSinkConfig.REDIS_USERNAME, RedisSinkConfig.REDIS_PASSWORD, RedisSinkConfig.WRITE_MODE,
            RedisSinkConfig.VALUE_FORMAT);

    private Map<String, ConfigInfo> form(Map<String, String> config) {
        Map<String, ConfigInfo> byName = new HashMap<>();
        for (ConfigInfo info : connect.validateConnectorConfig(RedisSinkConnector.class.getName(), config).configs()) {
            byName.put(info.configKey().name(), info);
        }
        return byName;
    }

    private static List<Boolean> visible(Map<String, ConfigInfo> form, String... keys) {
        List<Boolean> visible = new ArrayList<>();
        for (String key : keys) {
            visible.add(form.get(key).configValue().visible());
        }
        return visible;
    }

    @Test
    void validatePutsConnectionAndAuthenticationProblemsOnTheKeyAtFault(RedisServer redis) {
        redis.commands().aclSetuser("sink", io.lettuce.core.AclSetuserArgs.Builder.on().addPassword("s3cret")
                .allKeys().allCommands());
        Map<String, String> unreachable = sinkConfig(redis);
        unreachable.put(RedisSinkConfig.REDIS_URI, "redis://127.0.0.1:1");
        Map<String, String> wrongPassword = sinkConfig(redis);
        wrongPassword.put(RedisSinkConfig.REDIS_USERNAME, "sink");
        wrongPassword.put(RedisSinkConfig.REDIS_PASSWORD, "not-the-password");
        Map<String, String> aclUser = sinkConfig(redis);
        aclUser.put(RedisSinkConfig.REDIS_USERNAME, "sink");
        aclUser.put(RedisSinkConfig.REDIS_PASSWORD, "s3cret");
        Map<String, String> badTemplate = sinkConfig(redis);
        badTemplate.put(RedisSinkConfig.KEY_TEMPLATE, "${table}");
        Map<String, String> keyOnly = sinkConfig(redis);
        keyOnly.put(RedisSinkConfig.KEY_TEMPLATE, "${key}");
        Map<String, String> keyOnlyOverride = sinkConfig(redis);
        keyOnlyOverride.put("table.public.users.key.template", "users:${key}");
        keyOnlyOverride.put("table.public.orders.key.template", "${key}");
        Map<String, String> keyOnlyIgnoringTruncates = new HashMap<>(keyOnlyOverride);
        keyOnlyIgnoringTruncates.put(RedisSinkConfig.TRUNCATE_MODE, "ignore");

        assertThat(errors(unreachable)).containsOnlyKeys(RedisSinkConfig.REDIS_URI);
        assertThat(errors(wrongPassword)).containsOnlyKeys(RedisSinkConfig.REDIS_PASSWORD);
        assertThat(errors(badTemplate).get(RedisSinkConfig.KEY_TEMPLATE)).contains("must contain ${key}");
        assertThat(errors(keyOnly)).containsOnlyKeys(RedisSinkConfig.KEY_TEMPLATE);
        assertThat(errors(keyOnly).get(RedisSinkConfig.KEY_TEMPLATE)).contains("truncate.mode=delete");
        assertThat(errors(keyOnlyOverride)).containsOnlyKeys("table.public.orders.key.template");
        assertThat(errors(keyOnlyOverride).get("table.public.orders.key.template")).contains("truncate.mode=delete");
        assertThat(errors(keyOnlyIgnoringTruncates)).isEmpty();
        assertThat(errors(sinkConfig(redis))).isEmpty();
        assertThat(errors(aclUser)).isEmpty();
    }

    private Map<String, String> errors(Map<String, String> config) {
        ConfigInfos infos = connect.validateConnectorConfig(RedisSinkConnector.class.getSimpleName(), config);
        Map<String, String> errors = new HashMap<>();
        for (ConfigInfo info : infos.configs()) {
            if (!info.configValue().errors().isEmpty()) {
                errors.put(info.configValue().name(), String.join("; ", info.configValue().errors()));
            }
        }
        return errors;
    }
}
