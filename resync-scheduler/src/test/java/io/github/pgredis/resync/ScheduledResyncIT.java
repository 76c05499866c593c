package io.github.pgredis.resync;

import static io.github.pgredis.sink.testing.ConnectClusters.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.Pipeline;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The time-based re-sync end to end: PostgreSQL, Debezium with its Kafka signal channel and notifications, this
 * scheduler, the Redis sink reconciling after the snapshot, all in one Connect cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScheduledResyncIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SOURCE = "pg-source";
    private static final String SINK = "redis-sink";
    private static final String SCHEDULER = "resync";
    private static final String TOPIC = "pg.public.items";
    private static final String SIGNALS = "pg-signal";
    private static final String NOTIFICATIONS = "pg-notifications";

    private Pipeline pipeline;

    @BeforeAll
    void start() {
        pipeline = Pipeline.start("resync");
        pipeline.connect().kafka().createTopic(SIGNALS, 1);
        pipeline.connect().kafka().createTopic(NOTIFICATIONS, 1);
    }

    @AfterAll
    void stop() {
        pipeline.close();
    }

    private Map<String, String> schedulerConfig(String signalTopic, long intervalMs) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", ResyncSchedulerConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("debezium.topic.prefix", "pg");
        config.put("signal.topic", signalTopic);
        config.put("tables", "public.items");
        config.put("schedule.interval.ms", Long.toString(intervalMs));
        config.put("poll.interval.ms", "50");
        config.put("key.converter", ResyncSchedulerConfig.STRING_CONVERTER);
        config.put("value.converter", ResyncSchedulerConfig.STRING_CONVERTER);
        return config;
    }

    private List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try {
            pipeline.connect().kafka().consumeAll(WAIT.toMillis(), topic).forEach(records::add);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read topic " + topic, e);
        }
        return records;
    }

    /** The run time of each signal in the topic, from its id (name@instant). */
    private List<Long> runs(String topic) {
        List<Long> runs = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records(topic)) {
            try {
                String id = JSON.readTree(record.value()).path("id").asText();
                runs.add(Instant.parse(id.substring(id.indexOf('@') + 1)).toEpochMilli());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return runs;
    }

    @Test
    void oneScheduledRunRepairsWhatDriftedWithoutLosingChangesMadeDuringIt() throws Exception {
        var connect = pipeline.connect();
        RedisCommands<String, String> redis = pipeline.redis().commands();
        pipeline.postgres().execute("CREATE TABLE items (id int PRIMARY KEY, name text, qty int)",
                "INSERT INTO items SELECT i, 'item ' || i, i FROM generate_series(1, 300) i");
        Map<String, String> source = pipeline.postgres().debeziumConfig("pg", "public.items");
        pipeline.postgres().enableSignals(source, connect.kafka().bootstrapServers(), SIGNALS);
        source.put("notification.enabled.channels", "sink");
        source.put("notification.sink.topic.name", NOTIFICATIONS);
        source.put("transforms", "position");
        source.put("transforms.position.type", SnapshotNotificationPosition.class.getName());
        connect.configureConnector(SOURCE, source);
        Map<String, String> sink = ConnectClusters.sinkConfig(pipeline.redis().uri());
        sink.remove("topics.regex");
        sink.put("topics", TOPIC + "," + NOTIFICATIONS);
        sink.put("snapshot.notification.topic", NOTIFICATIONS);
        sink.put("kafka.bootstrap.servers", connect.kafka().bootstrapServers());
        connect.configureConnector(SINK, sink);
        String everyRow = "SELECT id, name, qty FROM items";
        await(WAIT, "the initial snapshot in Redis", () -> pipeline.redis().hashes("public.items:*")
                .equals(pipeline.postgres().rows(everyRow, "public.items:")));

        // drift: a row changed by hand, the key of a deleted row written back by hand, a key with no row at all
        redis.hset("public.items:5", "name", "tampered");
        pipeline.postgres().execute("DELETE FROM items WHERE id = 7");
        await(WAIT, "the delete of row 7 applied", () -> redis.exists("public.items:7") == 0);
        redis.hset("public.items:7", Map.of("id", "7", "name", "item 7", "qty", "7"));
        redis.hset("public.items:5000", Map.of("id", "5000", "name", "never a row"));
        // and a delete that the sink never applies: stopped, then moved past it with an offsets alter
        connect.stopConnector(SINK);
        connect.assertions().assertConnectorIsStopped(SINK, "the sink did not stop");
        long before = records(TOPIC).size();
        pipeline.postgres().execute("DELETE FROM items WHERE id = 8");
        await(WAIT, "the delete of row 8 and its tombstone in Kafka", () -> records(TOPIC).size() == before + 2);
        connect.alterSinkConnectorOffset(SINK, new TopicPartition(TOPIC, 0), before + 2);
        connect.resumeConnector(SINK);
        assertThat(redis.hget("public.items:8", "name")).as("the drift").isEqualTo("item 8");

        // changes while the snapshot runs: updates, inserts, deletes, each in its own transaction
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Exception> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (Connection connection = DriverManager.getConnection(pipeline.postgres().jdbcUrl(), "postgres",
                    "postgres"); Statement statement = connection.createStatement()) {
                for (int i = 0; writing.get() && i < 10_000; i++) {
                    int id = ThreadLocalRandom.current().nextInt(1, 300);
                    switch (i % 10) {
                        case 0 -> statement.executeUpdate("INSERT INTO items VALUES (" + (1000 + i) + ", 'new', 0)");
                        case 1 -> statement.executeUpdate("DELETE FROM items WHERE id = " + (200 + i % 97));
                        default -> statement.executeUpdate("UPDATE items SET qty = qty + 1, name = 'changed " + i
                                + "' WHERE id = " + id);
                    }
                    Thread.sleep(15);
                }
            } catch (Exception e) {
                writerFailure.set(e);
            }
        });
        writer.start();
        connect.configureConnector(SCHEDULER, schedulerConfig(SIGNALS, 4_000));
        await(WAIT, "a scheduled run signalled", () -> !runs(SIGNALS).isEmpty());
        connect.stopConnector(SCHEDULER);
        await(WAIT, "the snapshot completed", () -> notificationTypes().contains("COMPLETED"));
        writing.set(false);
        writer.join();
        assertThat(writerFailure.get()).isNull();
        assertThat(runs(SIGNALS)).as("one run").hasSize(1);
        assertThat(notificationTypes()).as("the snapshot ran while changes streamed")
                .contains("STARTED", "TABLE_SCAN_COMPLETED");

        await(WAIT, "the reconciliation made", () -> redis.hlen("__pgr:reconcile:{" + SINK + "}") == 0
                && redis.exists("public.items:5000") == 0);
        Map<String, Map<String, String>> expected = pipeline.postgres().rows(everyRow, "public.items:");
        await(WAIT, "Redis equals the table", () -> pipeline.redis().hashes("public.items:*").equals(expected));
        assertThat(expected).as("changes made during the snapshot are in the table").containsKey("public.items:1000")
                .doesNotContainKeys("public.items:7", "public.items:8", "public.items:5000");
        assertThat(expected.get("public.items:5").get("name")).isNotEqualTo("tampered");
        connect.deleteConnector(SCHEDULER);
    }

    private List<String> notificationTypes() {
        List<String> types = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records(NOTIFICATIONS)) {
            try {
                JsonNode value = JSON.readTree(record.value());
                types.add(value.path("payload").path("type").asText());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return types;
    }

    /** Real Connect, real clock: each run once, in order, across a restart before a run and one across a run. */
    @Test
    void aRestartBetweenTwoRunsNeitherRepeatsNorSkipsOne() throws Exception {
        var connect = pipeline.connect();
        String topic = "restart-signals";
        long interval = 5_000;
        connect.kafka().createTopic(topic, 1);
        String name = SCHEDULER + "-restart";
        connect.configureConnector(name, schedulerConfig(topic, interval));
        await(WAIT, "the first run", () -> runs(topic).size() == 1);

        // stopped across the next run: it is made when the scheduler is back
        connect.stopConnector(name);
        connect.assertions().assertConnectorIsStopped(name, "the scheduler did not stop");
        long missed = runs(topic).get(0) + interval;
        ConnectClusters.sleep(Math.max(0, missed + 1_000 - System.currentTimeMillis()));
        connect.resumeConnector(name);
        await(WAIT, "the missed run, made late", () -> runs(topic).size() == 2);
        assertThat(runs(topic).get(1)).as("the run missed while stopped, not skipped").isEqualTo(missed);

        // restarted before the run after it: that run comes once, on time, and nothing is repeated
        connect.restartConnectorAndTasks(name, false, true, false);
        await(WAIT, "the next run", () -> runs(topic).size() == 3);
        List<Long> runs = runs(topic);
        assertThat(runs).as("consecutive runs, none repeated or skipped")
                .containsExactly(runs.get(0), runs.get(0) + interval, runs.get(0) + 2 * interval);
        connect.deleteConnector(name);
    }
}
