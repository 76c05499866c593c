package io.github.pgredis.source;

import static io.github.pgredis.sink.testing.ConnectClusters.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.github.pgredis.sink.RedisSinkConfig;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.PostgresServer;
import io.github.pgredis.sink.testing.RegistryServer;
import io.github.pgredis.sink.testing.RedisServer;
import io.github.pgredis.verify.ConsistencyVerifier;

/**
 * The same changes through the JSON path and through the Avro path (Apicurio's AvroConverter in Confluent wire
 * format, a real registry) end in identical Redis contents, decimals and timestamps included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AvroPathIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private PostgresServer postgres;
    private RegistryServer registry;
    private RedisServer jsonRedis;
    private RedisServer avroRedis;
    private EmbeddedConnectCluster connect;

    @BeforeAll
    void start() throws Exception {
        postgres = PostgresServer.start();
        registry = RegistryServer.start(Path.of("target", "apicurio-registry"));
        jsonRedis = RedisServer.start();
        avroRedis = RedisServer.start();
        connect = ConnectClusters.start("avro", 1);
        postgres.execute("CREATE TABLE public.accounts (id int PRIMARY KEY, owner text, balance numeric(20,5), "
                + "opened timestamptz, birthday date, local_ts timestamp, settings jsonb, tags text[])");
        postgres.execute(Files.readString(Path.of("sql", "setup.sql"), StandardCharsets.UTF_8));
    }

    @AfterAll
    void stop() {
        connect.stop();
        avroRedis.close();
        jsonRedis.close();
        registry.close();
        postgres.close();
    }

    private Map<String, String> source(String file, String prefix) throws Exception {
        Map<String, String> config = ConnectorFiles.load(ConnectorFiles.DIRECTORY.resolve(file), Map.of(
                "PG_HOST", "127.0.0.1", "PG_PORT", Integer.toString(postgres.port()), "PG_USER", "postgres",
                "PG_PASSWORD", "postgres", "PG_DATABASE", "postgres", "REGISTRY_URL", registry.apiUrl(),
                "KAFKA_BOOTSTRAP", connect.kafka().bootstrapServers()));
        config.put("topic.prefix", prefix);
        config.put("slot.name", prefix + "_slot");
        config.put("name", prefix + "-source");
        return config;
    }

    private Map<String, String> sink(String prefix, RedisServer redis, Map<String, String> source) {
        Map<String, String> config = ConnectClusters.sinkConfig(redis.uri());
        config.put("topics.regex", prefix + "\\.public\\..*");
        source.forEach((key, value) -> {
            if (key.startsWith("key.converter") || key.startsWith("value.converter")) {
                config.put(key, value);
            }
        });
        return config;
    }


    @Test
    void jsonAndAvroPathsWriteIdenticalRows() throws Exception {
        Map<String, String> jsonSource = source("pg-source-json.json", "pgjson");
        Map<String, String> avroSource = source("pg-source-avro.json", "pgavro");
        connect.configureConnector("pgjson-source", jsonSource);
        connect.configureConnector("pgavro-source", avroSource);
        connect.configureConnector("json-sink", sink("pgjson", jsonRedis, jsonSource));
        connect.configureConnector("avro-sink", sink("pgavro", avroRedis, avroSource));

        postgres.execute("INSERT INTO accounts VALUES (1, 'ada', 12345678901234.56789, '2024-03-01 10:00:00.123456+01', "
                        + "'1815-12-10', '2024-03-01 10:00:00.5', '{\"theme\": \"dark\", \"n\": [1, 2.5]}', "
                        + "'{a,b}'), (2, NULL, -0.00001, NULL, NULL, NULL, NULL, NULL), (3, 'gone', 1, now(), "
                        + "NULL, NULL, NULL, NULL)");
        postgres.execute("UPDATE accounts SET balance = balance * 2, owner = 'ada l.' WHERE id = 1",
                "DELETE FROM accounts WHERE id = 3");

        await(WAIT, "both paths applied every change", () -> {
            Map<String, Map<String, String>> json = jsonRedis.hashes("public.accounts:*");
            return json.size() == 2 && "ada l.".equals(json.get("public.accounts:1").get("owner"))
                    && avroRedis.hashes("public.accounts:*").equals(json);
        });
        Map<String, String> ada = avroRedis.hashes("public.accounts:*").get("public.accounts:1");
        assertThat(ada).containsEntry("balance", "24691357802469.13578")
                .containsEntry("opened", "2024-03-01T09:00:00.123456Z").containsEntry("birthday", "1815-12-10")
                .containsEntry("local_ts", "2024-03-01T10:00:00.5").containsEntry("tags", "[\"a\",\"b\"]");
        assertThat(avroRedis.hashes("public.accounts:*").get("public.accounts:2")).isEqualTo(Map.of("id", "2",
                "balance", "-0.00001"));
        assertThat(verify(avroRedis)).as("the verifier finds the Avro path's Redis equal to PostgreSQL")
                .allMatch(ConsistencyVerifier.TableReport::inSync).hasSize(1);
    }

    private List<ConsistencyVerifier.TableReport> verify(RedisServer redis) throws Exception {
        return ConsistencyVerifier.check(postgres.jdbcUrl(), "postgres",
                "postgres", new RedisSinkConfig(Map.of(RedisSinkConfig.REDIS_URI, redis.uri())), "pgavro",
                List.of("accounts"));
    }
}
