package io.github.pgredis.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.pgredis.sink.apply.TableSettings;
import io.github.pgredis.sink.apply.TruncateMode;
import io.github.pgredis.sink.apply.TtlMode;
import io.github.pgredis.sink.apply.WriteMode;
import io.github.pgredis.sink.mapping.RenderedRow;
import io.github.pgredis.sink.mapping.ValueFormat;
import io.github.pgredis.sink.redis.RedisSettings;
import io.github.pgredis.sink.redis.Topology;

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
    void perTableSettingsReplaceTheConnectorWideOnesForTheirTableOnly() {
        RedisSinkConfig config = RedisSinkConfig.checked(Map.of(
                RedisSinkConfig.WRITE_MODE, "update-if-cached",
                RedisSinkConfig.TTL_MS, "60000",
                "table.public.users.key.template", "user:${key.id}",
                "table.public.users.write.mode", "invalidate",
                "table.public.users.columns.exclude", "password_hash",
                "table.sales.order.lines.ttl.ms", "0",
                "table.sales.order.lines.columns.rename", "qty:quantity"));

        TableSettings users = config.table("public", "users");
        assertThat(users.keyTemplate()).hasToString("user:${key.id}");
        assertThat(users.writeMode()).isEqualTo(WriteMode.INVALIDATE);
        assertThat(users.ttlMs()).isEqualTo(60_000);
        assertThat(users.columns().apply(new RenderedRow(Map.of("id", "1", "password_hash", "x"), List.of())).values())
                .containsOnlyKeys("id");
        TableSettings lines = config.table("sales", "order.lines");
        assertThat(lines.ttlMs()).isZero();
        assertThat(lines.writeMode()).isEqualTo(WriteMode.UPDATE_IF_CACHED);
        assertThat(lines.columns().apply(new RenderedRow(Map.of("qty", "2"), List.of("note"))))
                .isEqualTo(new RenderedRow(Map.of("quantity", "2"), List.of("note")));
        TableSettings other = config.table("public", "other");
        assertThat(other.keyTemplate()).hasToString(RedisSinkConfig.KEY_TEMPLATE_DEFAULT);
        assertThat(other.writeMode()).isEqualTo(WriteMode.UPDATE_IF_CACHED);
        assertThat(other.ttlMode()).isEqualTo(TtlMode.FIXED);
        assertThat(other.columns().isAll()).isTrue();
    }

    @Test
    void everyPerTableEntryIsCheckedAndItsProblemNamesTheEntry() {
        RedisSinkConfig config = new RedisSinkConfig(Map.of(
                "table.public.a.write.mode", "sometimes",
                "table.public.b.ttl.ms", "-1",
                "table.public.c.colour", "red",
                "table.public.d.ttl.mode", "sliding",
                "table.public.e.key.template", "${table}",
                "table.public.f.columns.rename", "a:x,b:x",
                "table.write.mode", "upsert",
                "table.users.write.mode", "upsert"));

        assertThat(config.problems()).extracting(RedisSinkConfig.Problem::key).containsExactlyInAnyOrder(
                "table.public.a.write.mode", "table.public.b.ttl.ms", "table.public.c.colour",
                "table.public.d.ttl.mode", "table.public.e.key.template", "table.public.f.columns.rename",
                "table.write.mode", "table.users.write.mode");
        assertThat(config.problems()).extracting(RedisSinkConfig.Problem::message).anySatisfy(message -> assertThat(
                message).contains("upsert, invalidate, update-if-cached, adaptive")).anySatisfy(message -> assertThat(
                message).contains("sliding needs a ttl.ms above 0")).anySatisfy(message -> assertThat(
                message).contains("table.<schema>.<table>.<setting>"));
        assertThat(errorsOf(new RedisSinkConnector().validate(Map.of("table.public.c.colour", "red")),
                "table.public.c.colour")).singleElement().asString().contains("write.mode");
    }

    @Test
    void theCacheStrategiesExampleIsAValidConfiguration() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "cache-strategies.md"));
        int start = doc.indexOf("```json") + "```json".length();
        Map<String, String> example = new ObjectMapper().readValue(doc.substring(start, doc.indexOf("```", start)),
                new TypeReference<Map<String, String>>() { });

        RedisSinkConfig config = RedisSinkConfig.checked(example);
        assertThat(config.table("public", "sessions").ttlMode()).isEqualTo(TtlMode.SLIDING);
        assertThat(config.table("public", "orders").writeMode()).isEqualTo(WriteMode.ADAPTIVE);
    }

    @Test
    void theRemovedOverridesKeyIsRefusedWithItsReplacementSoKeysNeverMoveSilently() {
        assertThat(new RedisSinkConfig(Map.of("key.template.overrides", "pg.public.users=user:${key.id}")).problems())
                .singleElement().satisfies(problem -> {
                    assertThat(problem.key()).isEqualTo("key.template.overrides");
                    assertThat(problem.message()).contains("table.<schema>.<table>.key.template");
                });
    }

    @Test
    void reSyncSettingsNeedKafkaAndTheNotificationTopicMustBeRead() {
        assertThat(new RedisSinkConfig(Map.of(RedisSinkConfig.SCHEMA_CHANGE_SIGNAL_TOPIC, "pg-signal")).problems())
                .extracting(RedisSinkConfig.Problem::key).containsExactly(RedisSinkConfig.KAFKA_BOOTSTRAP_SERVERS);
        Map<String, String> unread = Map.of(RedisSinkConfig.SNAPSHOT_NOTIFICATION_TOPIC, "pg-notifications",
                RedisSinkConfig.KAFKA_BOOTSTRAP_SERVERS, "kafka:9092", "topics.regex", "pg\\.public\\..*");
        assertThat(new RedisSinkConfig(unread).problems()).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo(RedisSinkConfig.SNAPSHOT_NOTIFICATION_TOPIC);
            assertThat(problem.message()).contains("does not read topic 'pg-notifications'");
        });
        Map<String, String> listed = Map.of(RedisSinkConfig.SNAPSHOT_NOTIFICATION_TOPIC, "pg-notifications",
                RedisSinkConfig.KAFKA_BOOTSTRAP_SERVERS, "kafka:9092", "topics", "pg.public.items, pg-notifications",
                "kafka.client.security.protocol", "SSL", "name", "cache");
        RedisSinkConfig config = new RedisSinkConfig(listed);
        assertThat(config.problems()).isEmpty();
        assertThat(config.kafkaClientConfig()).containsEntry("bootstrap.servers", "kafka:9092")
                .containsEntry("security.protocol", "SSL").containsEntry("client.id", "pgredis-cache");
        assertThat(new RedisSinkConfig(Map.of(RedisSinkConfig.SNAPSHOT_NOTIFICATION_TOPIC, "pg.notifications",
                RedisSinkConfig.KAFKA_BOOTSTRAP_SERVERS, "kafka:9092", "topics.regex", "pg\\..*")).problems())
                .as("a regex that matches it").isEmpty();
    }

    @Test
    void versionsInRowsNeedHashRowsWithoutATimeToLive() {
        assertThat(new RedisSinkConfig(Map.of(RedisSinkConfig.VERSION_STORAGE, "row")).problems()).isEmpty();
        assertThat(new RedisSinkConfig(Map.of(RedisSinkConfig.VERSION_STORAGE, "row", RedisSinkConfig.VALUE_FORMAT,
                "json", RedisSinkConfig.TTL_MS, "60000", "table.public.a.ttl.ms", "1000")).problems())
                .extracting(RedisSinkConfig.Problem::key).containsExactlyInAnyOrder(RedisSinkConfig.VERSION_STORAGE,
                        RedisSinkConfig.TTL_MS);
        assertThat(new RedisSinkConfig(Map.of(RedisSinkConfig.VERSION_STORAGE, "ROW", "table.public.a.ttl.ms",
                "1000")).problems()).singleElement().satisfies(problem -> {
                    assertThat(problem.key()).isEqualTo("table.public.a.ttl.ms");
                    assertThat(problem.message()).contains("version.storage=key");
                });
    }

    @Test
    void aSlidingTimeToLiveNeedsATimeToLive() {
        assertThat(new RedisSinkConfig(Map.of(RedisSinkConfig.TTL_MODE, "sliding")).problems())
                .extracting(RedisSinkConfig.Problem::key).containsExactly(RedisSinkConfig.TTL_MODE);
        assertThat(new RedisSinkConfig(Map.of(RedisSinkConfig.TTL_MODE, "sliding", RedisSinkConfig.TTL_MS, "1"))
                .problems()).isEmpty();
    }

    @Test
    void rejectsWhatCannotWork() {
        assertThatThrownBy(() -> RedisSinkConfig.checked(Map.of(RedisSinkConfig.REDIS_URI, "http://h:1")))
                .hasMessageContaining("the scheme http does not fit redis.topology=standalone");
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
    void truncateChecksJudgeEachTablesOwnTemplate() {
        Map<String, String> props = Map.of(RedisSinkConfig.KEY_TEMPLATE, "${key}",
                "table.public.a.key.template", "orders:${key}", "table.public.b.key.template", "${key}:b");

        assertThat(new RedisSinkConfig(props).problems()).extracting(RedisSinkConfig.Problem::key)
                .containsExactlyInAnyOrder(RedisSinkConfig.KEY_TEMPLATE, "table.public.b.key.template");
        assertThat(errorsOf(new RedisSinkConnector().validate(props), "table.public.b.key.template"))
                .singleElement().asString().contains("truncate.mode=delete");
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

        assertThat(config.redisSettings().tls().enabled()).isTrue();
        assertThat(config.redisSettings().database()).isEqualTo(2);
        assertThat(config.redisSettings().password()).isEqualTo("secret");
        assertThat(config.redisSettings()).hasToString("rediss://h:6380/2");
    }

    @Test
    void eachTopologyReadsItsOwnFormOfTheUri() {
        RedisSettings cluster = new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_TOPOLOGY, "cluster",
                RedisSinkConfig.REDIS_URI, "rediss://n1:7000,n2,[::1]:7002")).redisSettings();
        assertThat(cluster.topology()).isEqualTo(Topology.CLUSTER);
        assertThat(cluster.endpoints()).containsExactly(new RedisSettings.Endpoint("n1", 7000),
                new RedisSettings.Endpoint("n2", 6379), new RedisSettings.Endpoint("::1", 7002));
        assertThat(cluster.tls().enabled()).isTrue();

        RedisSettings sentinel = new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_TOPOLOGY, "sentinel",
                RedisSinkConfig.REDIS_URI, "redis-sentinel://s1:5000,s2/3#cache")).redisSettings();
        assertThat(sentinel.endpoints()).containsExactly(new RedisSettings.Endpoint("s1", 5000),
                new RedisSettings.Endpoint("s2", 26379));
        assertThat(sentinel.sentinelMaster()).isEqualTo("cache");
        assertThat(sentinel.database()).isEqualTo(3);
        assertThat(sentinel).hasToString("redis-sentinel://s1:5000,s2:26379/3#cache");
    }

    @Test
    void aUriThatDoesNotFitTheTopologySaysWhatWould() {
        assertThat(problemsOf(Map.of(RedisSinkConfig.REDIS_URI, "redis://a:1,b:2")))
                .containsExactly("redis.uri: names 2 hosts; a list of hosts needs redis.topology=cluster (seed nodes) "
                        + "or =sentinel (sentinels)");
        assertThat(problemsOf(Map.of(RedisSinkConfig.REDIS_URI, "redis-sentinel://s:26379#m")))
                .singleElement().asString().contains("does not fit redis.topology=standalone")
                .contains("or set redis.topology=sentinel");
        assertThat(problemsOf(Map.of(RedisSinkConfig.REDIS_TOPOLOGY, "sentinel",
                RedisSinkConfig.REDIS_URI, "redis-sentinel://s:26379")))
                .singleElement().asString().contains("needs the master's name after #");
        assertThat(problemsOf(Map.of(RedisSinkConfig.REDIS_TOPOLOGY, "cluster",
                RedisSinkConfig.REDIS_URI, "redis://a:1,b:2/1")))
                .singleElement().asString().contains("database 0 only");
        assertThat(problemsOf(Map.of(RedisSinkConfig.REDIS_TOPOLOGY, "cluster",
                RedisSinkConfig.REDIS_URI, "redis://a:1,:2")))
                .singleElement().asString().contains("needs a host or host:port");
    }

    @Test
    void whatAClusterCannotHoldIsRefusedOnItsKey() {
        assertThat(problemsOf(Map.of(RedisSinkConfig.REDIS_TOPOLOGY, "cluster",
                RedisSinkConfig.REDIS_URI, "redis://a:1", "table.public.orders.feed.enabled", "true",
                RedisSinkConfig.SNAPSHOT_NOTIFICATION_TOPIC, "n", "topics", "n",
                RedisSinkConfig.KAFKA_BOOTSTRAP_SERVERS, "k:9092")))
                .containsExactlyInAnyOrder("table.public.orders.feed.enabled: a change feed is not supported with "
                        + "redis.topology=cluster: its stream and the rows it follows are in different slots",
                        "snapshot.notification.topic: reconciliation after a re-sync is not supported with "
                        + "redis.topology=cluster yet; leave it empty (re-syncs still rewrite every row)");
    }

    private static List<String> problemsOf(Map<String, String> props) {
        return new RedisSinkConfig(props).problems().stream().map(p -> p.key() + ": " + p.message()).toList();
    }

    @Test
    void errorToleranceIsConnectsOwnKey() {
        assertThat(RedisSinkConfig.toleratesAllErrors(Map.of("errors.tolerance", "ALL"))).isTrue();
        assertThat(RedisSinkConfig.toleratesAllErrors(Map.of())).isFalse();
    }
}
