package io.github.pgredis.source;

import static io.github.pgredis.sink.testing.ConnectClusters.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.pgredis.signal.NotificationHeaders;
import io.github.pgredis.signal.SnapshotSignal;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.PostgresServer;

/**
 * The files of this module against the real thing: setup.sql on PostgreSQL, every connector JSON through a Connect
 * worker's validate endpoint, and the JSON variant running, including an incremental snapshot asked for through the
 * signal table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SourceConfigIT {
    private static final Path CONNECTORS = ConnectorFiles.DIRECTORY;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    private PostgresServer postgres;
    private EmbeddedConnectCluster connect;

    @BeforeAll
    void start() throws IOException {
        postgres = PostgresServer.start();
        postgres.execute("CREATE TABLE public.customers (id int PRIMARY KEY, name text)",
                "CREATE TABLE public.audit_log (at timestamptz, message text)",
                "INSERT INTO public.customers VALUES (1, 'before the connector')");
        postgres.execute(Files.readString(Path.of("sql", "setup.sql"), StandardCharsets.UTF_8));
        connect = ConnectClusters.start("source-config", 1);
        // Debezium reads partition 0 of its signal topic: the topic is created beforehand with one partition
        connect.kafka().createTopic("pg-signal", 1);
    }

    @AfterAll
    void stop() {
        connect.stop();
        postgres.close();
    }

    private Map<String, String> load(Path file, Map<String, String> values) throws IOException {
        return ConnectorFiles.load(file, values);
    }

    private Map<String, String> placeholders() {
        return Map.of("PG_HOST", "127.0.0.1", "PG_PORT", Integer.toString(postgres.port()), "PG_USER", "postgres",
                "PG_PASSWORD", "postgres", "PG_DATABASE", "postgres", "KAFKA_BOOTSTRAP", connect.kafka().bootstrapServers(),
                "REGISTRY_URL", "http://127.0.0.1:8081/apis/registry/v2");
    }

    @Test
    void setupGivesTablesWithoutPrimaryKeyFullReplicaIdentityAndCreatesThePublication() throws Exception {
        assertThat(postgres.query("SELECT relreplident::text FROM pg_class WHERE oid = 'public.audit_log'::regclass"))
                .isEqualTo("f");
        assertThat(postgres.query("SELECT relreplident::text FROM pg_class WHERE oid = 'public.customers'::regclass"))
                .isEqualTo("d");
        assertThat(postgres.query("SELECT count(*) FROM pg_publication_tables WHERE pubname = 'pgredis_pub' "
                + "AND tablename IN ('customers', 'audit_log', 'heartbeat', 'signal')")).isEqualTo("4");
    }

    @Test
    void everyConnectorFileValidatesCleanlyAgainstTheRealConnector() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(CONNECTORS)) {
            files = listing.filter(path -> path.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).extracting(path -> path.getFileName().toString())
                .contains("pg-source-json.json", "pg-source-avro.json");
        for (Path file : files) {
            Map<String, String> config = load(file, placeholders());
            ConfigInfos result = connect.validateConnectorConfig("PostgresConnector", config);
            List<String> errors = result.configs().stream().map(ConfigInfo::configValue)
                    .filter(value -> !value.errors().isEmpty())
                    .map(value -> value.name() + ": " + value.errors()).toList();
            assertThat(errors).as("validation of %s", file).isEmpty();
        }
    }

    @Test
    void jsonSourceStreamsChangesAndTakesIncrementalSnapshotsFromTheSignalTableAndKafka() throws Exception {
        connect.configureConnector("pg-source", load(CONNECTORS.resolve("pg-source-json.json"), placeholders()));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("pg-source", 1, "source did not start");
        postgres.execute("INSERT INTO public.customers VALUES (2, 'streamed')");
        await(WAIT, "snapshot and streamed rows in Kafka", () -> ops("pg.public.customers").contains("c"));
        int before = ops("pg.public.customers").size();

        postgres.execute("INSERT INTO debezium.signal VALUES ('resync-1', 'execute-snapshot', "
                + "'{\"data-collections\": [\"public.customers\"], \"type\": \"incremental\"}')");

        await(WAIT, "an incremental snapshot of both rows", () -> ops("pg.public.customers").size() >= before + 2);
        assertThat(ops("pg.public.customers").subList(before, before + 2)).containsOnly("r");

        // the scheduler's way: a signal on the Kafka channel, and notifications with the position for reconciliation
        connect.kafka().produce("pg-signal", "pg",
                new SnapshotSignal("resync-2", List.of("public.customers")).json());
        await(WAIT, "a second incremental snapshot", () -> ops("pg.public.customers").size() >= before + 4);
        await(WAIT, "its notifications", () -> notificationsStarted("resync-2") == 1);
        connect.deleteConnector("pg-source");
    }

    /** The STARTED notifications of the snapshot with that id that carry the transform's position header. */
    private long notificationsStarted(String id) {
        long started = 0;
        try {
            for (ConsumerRecord<byte[], byte[]> record : connect.kafka().consumeAll(10_000, "pg-notifications")) {
                JsonNode payload = JSON.readTree(record.value()).path("payload");
                if (payload.path("id").asText().equals(id) && payload.path("type").asText().equals("STARTED")
                        && record.headers().lastHeader(NotificationHeaders.COMMIT_LSN) != null) {
                    started++;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the notifications", e);
        }
        return started;
    }

    private List<String> ops(String topic) {
        List<String> ops = new java.util.ArrayList<>();
        org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> records;
        try {
            records = connect.kafka().consumeAll(10_000, topic);
        } catch (InterruptedException | java.util.concurrent.TimeoutException
                | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot read " + topic, e);
        }
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.value() == null) {
                continue;
            }
            try {
                ops.add(JSON.readTree(record.value()).get("payload").get("op").asText());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return ops;
    }
}
