package io.github.pgredis.sink;

import static io.github.pgredis.sink.testing.ConnectClusters.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.PostgresServer;
import io.github.pgredis.sink.testing.RedisServer;
import io.github.pgredis.sink.testing.RedisServerExtension;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;

/** PostgreSQL → Debezium (pgoutput) → Kafka → this sink → Redis, all real processes. */
@ExtendWith(RedisServerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresToRedisIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SOURCE = "pg-source";
    private static final String SINK = "redis-sink";
    private static final String FEED = "__pgr:feed:public.items";
    private static final String BIG_TEXT_SQL = "(SELECT string_agg(md5(i::text), '') FROM generate_series(1, 400) i)";

    private PostgresServer postgres;
    private EmbeddedConnectCluster connect;

    @BeforeAll
    void start() {
        postgres = PostgresServer.start();
        connect = ConnectClusters.start("e2e", 1);
    }

    @AfterAll
    void stop() {
        connect.stop();
        postgres.close();
    }


    private static List<String> feed(RedisCommands<String, String> commands) {
        return commands.xrange(FEED, Range.create("-", "+")).stream()
                .map(entry -> entry.getBody().get("op") + " " + entry.getBody().get("key")).toList();
    }

    @Test
    void redisEqualsTheTableThroughChangesTypesToastAndAReplay(RedisServer redis) throws Exception {
        RedisCommands<String, String> commands = redis.commands();
        postgres.execute(
                "CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(20,5), created timestamptz, "
                        + "doc jsonb, uid uuid, tags int[], body text)",
                "ALTER TABLE items ALTER COLUMN body SET STORAGE EXTERNAL",
                "INSERT INTO items VALUES (1, 'snapshot row', 1.5, '2024-01-02 03:04:05.123456+02', "
                        + "'{\"a\": 1}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{1,2,3}', 'short')");

        connect.configureConnector(SOURCE, postgres.debeziumConfig("pg", "public.items"));
        Map<String, String> sink = ConnectClusters.sinkConfig(redis.uri());
        sink.put("table.public.items.feed.enabled", "true");
        sink.put("table.public.items.feed.content", "key");
        connect.configureConnector(SINK, sink);
        await(WAIT, "the snapshot row reached Redis", () -> commands.exists("public.items:1") == 1);

        postgres.execute(
                "INSERT INTO items VALUES (2, NULL, 12345678901234.56789, '2024-06-30 23:59:59+00', "
                        + "'{\"nested\": {\"b\": [true, null]}}', NULL, '{}', " + BIG_TEXT_SQL + ")",
                "INSERT INTO items (id, name) VALUES (3, 'to be re-keyed'), (4, 'to be deleted')");
        postgres.execute("UPDATE items SET name = 'renamed', price = -0.00001 WHERE id = 2",
                "UPDATE items SET name = 'named again' WHERE id = 1",
                "UPDATE items SET id = 30 WHERE id = 3",
                "DELETE FROM items WHERE id = 4",
                "UPDATE items SET tags = NULL, doc = NULL WHERE id = 1");
        postgres.execute("UPDATE items SET name = 'toast untouched' WHERE id = 2");

        StringBuilder expectedBody = new StringBuilder();
        java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
        for (int i = 1; i <= 400; i++) {
            expectedBody.append(java.util.HexFormat.of().formatHex(md5.digest(Integer.toString(i).getBytes())));
        }
        String bigText = expectedBody.toString();

        Map<String, Map<String, String>> expected = new TreeMap<>();
        expected.put("public.items:1", new TreeMap<>(Map.of("id", "1", "name", "named again", "price", "1.50000",
                "created", "2024-01-02T01:04:05.123456Z", "uid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                "body", "short")));
        expected.put("public.items:2", new TreeMap<>(Map.of("id", "2", "name", "toast untouched",
                "price", "-0.00001", "created", "2024-06-30T23:59:59Z",
                "doc", "{\"nested\": {\"b\": [true, null]}}", "tags", "[]", "body", bigText)));
        expected.put("public.items:30", new TreeMap<>(Map.of("id", "30", "name", "to be re-keyed")));

        await(WAIT, "Redis equals the table", () -> redis.hashes("public.items:*").equals(expected));
        List<String> feed = List.of("c public.items:2", "c public.items:3", "c public.items:4", "u public.items:2",
                "u public.items:1", "d public.items:3", "c public.items:30", "d public.items:4", "u public.items:1",
                "u public.items:2");
        assertThat(feed(commands)).as("the change feed: each change once, in commit order").isEqualTo(feed);
        List<StreamMessage<String, String>> entries = commands.xrange(FEED, Range.create("-", "+"));

        long end = connect.kafka().consumeAll(WAIT.toMillis(), "pg.public.items").count();
        await(WAIT, "the sink committed the whole topic",
                () -> ConnectClusters.committedOffsetSum(connect, SINK) == end);
        connect.stopConnector(SINK);
        connect.assertions().assertConnectorIsStopped(SINK, "sink did not stop");
        connect.resetConnectorOffsets(SINK);
        connect.resumeConnector(SINK);
        await(WAIT, "the replay was committed", () -> ConnectClusters.committedOffsetSum(connect, SINK) == end);

        assertThat(redis.hashes("public.items:*")).as("after a full replay, no deleted row is back").isEqualTo(expected);
        assertThat(commands.xrange(FEED, Range.create("-", "+"))).as("after a full replay, the feed is unchanged")
                .usingRecursiveFieldByFieldElementComparator().isEqualTo(entries);
        assertThat(commands.get("__pgr:v{public.items:4}")).as("delete marker").isNotNull();
    }

    /**
     * A transaction that updated a row before Debezium restarted and took a snapshot (the slot already existed, so
     * the snapshot did not wait for it) and committed after: its change position is below the snapshot's, and
     * Debezium does not know the commit before it (source.sequence[0] is null). Redis must end with
     * the committed row, and keep it through a full replay of the topic.
     */
    @Test
    void aTransactionOpenAcrossADebeziumRestartAndItsSnapshotEndsInRedisAsCommitted(RedisServer redis)
            throws Exception {
        String source = "pg-source-tx";
        String sink = "redis-sink-tx";
        String topic = "pgtx.public.accounts";
        RedisCommands<String, String> commands = redis.commands();
        postgres.execute("CREATE TABLE accounts (id int PRIMARY KEY, v text)",
                "INSERT INTO accounts VALUES (1, 'v0'), (2, 'w0')");
        Map<String, String> sourceConfig = postgres.debeziumConfig("pgtx", "public.accounts");
        connect.configureConnector(source, sourceConfig);
        Map<String, String> sinkConfig = ConnectClusters.sinkConfig(redis.uri());
        sinkConfig.remove("topics.regex");
        sinkConfig.put("topics", topic);
        connect.configureConnector(sink, sinkConfig);
        await(WAIT, "the snapshot in Redis", () -> "v0".equals(commands.hget("public.accounts:1", "v")));
        postgres.execute("UPDATE accounts SET v = 'w1' WHERE id = 2");
        await(WAIT, "a streamed change in Redis", () -> "w1".equals(commands.hget("public.accounts:2", "v")));

        connect.deleteConnector(source);
        connect.assertions().assertConnectorDoesNotExist(source, "the source was not deleted");
        try (Connection open = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "postgres")) {
            open.setAutoCommit(false);
            try (Statement statement = open.createStatement()) {
                statement.executeUpdate("UPDATE accounts SET v = 'v1' WHERE id = 1");
            }
            // committed after the open transaction's change, so the snapshot's position is past that change's
            postgres.execute("UPDATE accounts SET v = 'w2' WHERE id = 2");
            long before = connect.kafka().consumeAll(WAIT.toMillis(), topic).count();
            sourceConfig.put("snapshot.mode", "always");
            connect.configureConnector(source, sourceConfig);
            await(WAIT, "the second snapshot in Kafka", () -> recordsIn(topic) >= before + 2);
            open.commit();
        }

        await(WAIT, "the committed change in Kafka", () -> lastEventOf(topic, 1, "u") != null);
        JsonNode snapshotRow = lastEventOf(topic, 1, "r").path("source");
        JsonNode committed = lastEventOf(topic, 1, "u").path("source");
        assertThat(committed.path("sequence").asText()).as("the edge: commit unknown").startsWith("[null,");
        assertThat(committed.path("lsn").asLong()).as("the edge: change below the snapshot")
                .isLessThan(snapshotRow.path("lsn").asLong());

        await(WAIT, "the committed row in Redis", () -> "v1".equals(commands.hget("public.accounts:1", "v")));
        long end = connect.kafka().consumeAll(WAIT.toMillis(), topic).count();
        await(WAIT, "the sink committed the topic", () -> ConnectClusters.committedOffsetSum(connect, sink) == end);
        connect.stopConnector(sink);
        connect.assertions().assertConnectorIsStopped(sink, "sink did not stop");
        connect.resetConnectorOffsets(sink);
        connect.resumeConnector(sink);
        await(WAIT, "the replay was committed", () -> ConnectClusters.committedOffsetSum(connect, sink) == end);

        assertThat(redis.hashes("public.accounts:*")).as("after a full replay").isEqualTo(Map.of(
                "public.accounts:1", Map.of("id", "1", "v", "v1"), "public.accounts:2", Map.of("id", "2", "v", "w2")));
        connect.deleteConnector(sink);
        connect.deleteConnector(source);
    }

    private long recordsIn(String topic) {
        try {
            return connect.kafka().consumeAll(WAIT.toMillis(), topic).count();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The payload of the last event of the row with that id and op in the topic, or null. */
    private JsonNode lastEventOf(String topic, int id, String op) {
        JsonNode last = null;
        try {
            for (ConsumerRecord<byte[], byte[]> record : connect.kafka().consumeAll(WAIT.toMillis(), topic)) {
                JsonNode payload = JSON.readTree(record.value()).path("payload");
                if (op.equals(payload.path("op").asText()) && payload.path("after").path("id").asInt() == id) {
                    last = payload;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return last;
    }
}
