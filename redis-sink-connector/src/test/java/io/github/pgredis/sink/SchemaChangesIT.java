package io.github.pgredis.sink;

import static io.github.pgredis.sink.testing.ConnectClusters.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.pgredis.signal.SnapshotSignal;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.Pipeline;

/**
 * ALTER TABLE end to end: after a column is dropped, added with a default, renamed or retyped, every row in Redis
 * takes the table's new shape, not only the rows that change. The sink sees the new columns in the table's next
 * change event and asks Debezium for an incremental snapshot of the table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemaChangesIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String SIGNALS = "pg-signal";
    private static final List<String> TABLES = List.of("dropped", "added", "renamed", "retyped", "rekeyed");

    private Pipeline pipeline;

    @BeforeAll
    void start() {
        pipeline = Pipeline.start("schema");
        var connect = pipeline.connect();
        connect.kafka().createTopic(SIGNALS, 1);
        for (String table : TABLES) {
            pipeline.postgres().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text, "
                    + "price numeric(10,2), qty int)", "INSERT INTO " + table + " SELECT i, 'row ' || i, i * 1.5, i "
                    + "FROM generate_series(1, 120) i");
        }
        Map<String, String> source = pipeline.postgres().debeziumConfig("pg", "public\\..*");
        pipeline.postgres().enableSignals(source, connect.kafka().bootstrapServers(), SIGNALS);
        connect.configureConnector("pg-source", source);
        Map<String, String> sink = ConnectClusters.sinkConfig(pipeline.redis().uri());
        sink.put("schema.change.signal.topic", SIGNALS);
        sink.put("kafka.bootstrap.servers", connect.kafka().bootstrapServers());
        connect.configureConnector("redis-sink", sink);
        for (String table : TABLES) {
            awaitRedisEqualsTable(table, "the initial snapshot of " + table);
        }
    }

    @AfterAll
    void stop() {
        pipeline.close();
    }

    private void awaitRedisEqualsTable(String table, String what) {
        await(WAIT, what, () -> pipeline.redis().hashes("public." + table + ":*")
                .equals(pipeline.postgres().rows("SELECT * FROM " + table, "public." + table + ":")));
    }

    @Test
    void aNewPrimaryKeyGivesEveryRowItsNewKey() {
        pipeline.postgres().execute("ALTER TABLE rekeyed DROP CONSTRAINT rekeyed_pkey",
                "ALTER TABLE rekeyed ADD PRIMARY KEY (id, qty)");
        pipeline.postgres().execute("UPDATE rekeyed SET id = id WHERE id = 1");
        await(WAIT, "every row under its new key", () -> pipeline.redis().commands().keys("public.rekeyed:*:*")
                .size() == 120);
        assertThat(pipeline.redis().commands().hgetall("public.rekeyed:77:77")).containsEntry("name", "row 77");
        assertThat(signalsFor("rekeyed")).isEqualTo(1);
    }

    /** Alters the table, updates one row (Debezium sends the new schema with it), and waits for every row. */
    private void alterAndCheck(String table, String alter) {
        pipeline.postgres().execute(alter);
        pipeline.postgres().execute("UPDATE " + table + " SET id = id WHERE id = 1");
        awaitRedisEqualsTable(table, "every row of " + table + " in its new shape");
        assertThat(signalsFor(table)).as("one snapshot asked for, not one per row or per record").isEqualTo(1);
    }

    private long signalsFor(String table) {
        List<String> ids = new ArrayList<>();
        try {
            for (ConsumerRecord<byte[], byte[]> record : pipeline.connect().kafka().consumeAll(WAIT.toMillis(),
                    SIGNALS)) {
                ids.add(new ObjectMapper().readTree(record.value()).path("id").asText());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return ids.stream().filter(id -> id.startsWith(SnapshotSignal.SCHEMA_CHANGE_ID_PREFIX + "public." + table + "@")).count();
    }

    @Test
    void aDroppedColumnLeavesEveryRow() {
        alterAndCheck("dropped", "ALTER TABLE dropped DROP COLUMN qty");
        assertThat(pipeline.redis().commands().hexists("public.dropped:77", "qty")).isFalse();
    }

    @Test
    void anAddedColumnWithADefaultReachesEveryRow() {
        alterAndCheck("added", "ALTER TABLE added ADD COLUMN status text NOT NULL DEFAULT 'new'");
        assertThat(pipeline.redis().commands().hget("public.added:77", "status")).isEqualTo("new");
    }

    @Test
    void aRenamedColumnIsRenamedInEveryRow() {
        alterAndCheck("renamed", "ALTER TABLE renamed RENAME COLUMN name TO title");
        assertThat(pipeline.redis().commands().hgetall("public.renamed:77")).containsEntry("title", "row 77")
                .doesNotContainKey("name");
    }

    @Test
    void aRetypedColumnTakesItsNewFormInEveryRow() {
        alterAndCheck("retyped", "ALTER TABLE retyped ALTER COLUMN price TYPE numeric(12,3)");
        assertThat(pipeline.redis().commands().hget("public.retyped:77", "price")).isEqualTo("115.500");
    }
}
