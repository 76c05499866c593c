package io.github.pgredis.sink.testing;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A real PostgreSQL server (zonky's embedded binaries) with logical decoding on, owned by the test. */
public final class PostgresServer implements AutoCloseable {
    private final java.nio.file.Path dataDirectory;
    private final int port;
    private EmbeddedPostgres postgres;

    private PostgresServer(java.nio.file.Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    public static PostgresServer start() {
        try {
            PostgresServer server = new PostgresServer(ServerDirectories.create("pg-data"),
                    FreePorts.next());
            server.launch();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded PostgreSQL", e);
        }
    }

    private void launch() throws IOException {
        postgres = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "8")
                .setServerConfig("max_wal_senders", "8")
                // zonky turns it off for speed; then WAL, and so Debezium, waits for the WAL writer's 200 ms round
                .setServerConfig("synchronous_commit", "on")
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
    }

    /** Stops the server and starts it again on the same data directory and port, as an operator's restart. */
    public void restart() {
        try {
            postgres.close();
            launch();
        } catch (IOException e) {
            throw new IllegalStateException("cannot restart embedded PostgreSQL", e);
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** Runs statements in one transaction. */
    public void execute(String... statements) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            inOneTransaction(connection, statements);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs statements on a connection in one transaction. */
    static void inOneTransaction(Connection connection, String... statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            for (String sql : statements) {
                statement.execute(sql);
            }
            connection.commit();
        }
    }

    /** The first column of the first row of a query, as text. */
    public String query(String sql) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                java.sql.ResultSet result = statement.executeQuery(sql)) {
            return result.next() ? result.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The rows of a query as the sink stores them in hash format with the default key template: key
     * {@code <keyPrefix><id>}, a field per non-null column, as PostgreSQL's text.
     */
    public Map<String, Map<String, String>> rows(String sql, String keyPrefix) {
        Map<String, Map<String, String>> rows = new java.util.TreeMap<>();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                java.sql.ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                Map<String, String> row = new java.util.TreeMap<>();
                for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
                    if (result.getString(i) != null) {
                        row.put(result.getMetaData().getColumnName(i), result.getString(i));
                    }
                }
                rows.put(keyPrefix + row.get("id"), row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** The Debezium PostgreSQL source configuration for this server, tuned for low latency in tests. */
    public Map<String, String> debeziumConfig(String topicPrefix, String tables) {
        return debeziumConfig("127.0.0.1", port(), topicPrefix, tables);
    }

    /** The Debezium PostgreSQL source configuration for a server (user and password postgres), for tests. */
    static Map<String, String> debeziumConfig(String host, int port, String topicPrefix, String tables) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        config.put("tasks.max", "1");
        config.put("database.hostname", host);
        config.put("database.port", Integer.toString(port));
        config.put("database.user", "postgres");
        config.put("database.password", "postgres");
        config.put("database.dbname", "postgres");
        config.put("topic.prefix", topicPrefix);
        config.put("plugin.name", "pgoutput");
        config.put("slot.name", topicPrefix.replaceAll("[^a-z0-9_]", "_") + "_slot");
        config.put("publication.name", topicPrefix.replaceAll("[^a-z0-9_]", "_") + "_pub");
        config.put("publication.autocreate.mode", "filtered");
        config.put("table.include.list", tables);
        config.put("poll.interval.ms", "50");
        config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        return config;
    }

    /**
     * Makes the Debezium configuration take incremental snapshot signals from Kafka: the signal table it needs for
     * its watermarks (created here) and its Kafka signal channel on {@code signalTopic}.
     */
    public void enableSignals(Map<String, String> debeziumConfig, String kafkaBootstrapServers, String signalTopic) {
        execute("CREATE SCHEMA IF NOT EXISTS debezium", "CREATE TABLE IF NOT EXISTS debezium.signal "
                + "(id varchar(64) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))");
        debeziumConfig.put("table.include.list", debeziumConfig.get("table.include.list") + ",debezium.signal");
        debeziumConfig.put("signal.enabled.channels", "source,kafka");
        debeziumConfig.put("signal.data.collection", "debezium.signal");
        debeziumConfig.put("signal.kafka.topic", signalTopic);
        debeziumConfig.put("signal.kafka.bootstrap.servers", kafkaBootstrapServers);
        debeziumConfig.put("signal.kafka.poll.timeout.ms", "100");
        debeziumConfig.put("incremental.snapshot.chunk.size", "25");
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            ServerDirectories.delete(dataDirectory);
        }
    }
}
