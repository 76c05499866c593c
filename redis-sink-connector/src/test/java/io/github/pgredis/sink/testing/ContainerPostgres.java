package io.github.pgredis.sink.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL in a container of its own (Testcontainers, on docker/postgres/Dockerfile's image: logical replication
 * and Debezium's setup, without the demo schema), on a network of its own at a fixed address, so that a test can
 * cut Debezium off from it for real and heal it. The embedded {@link PostgresServer} stays the fast default.
 */
public final class ContainerPostgres implements AutoCloseable {
    private static final int PORT = 5432;

    private final TestNetwork network = new TestNetwork();
    private final GenericContainer<?> container;
    private final String ip;

    private ContainerPostgres() {
        container = new GenericContainer<>(DockerImageName.parse(ContainerImages.postgres()))
                .withEnv("DEMO_SCHEMA", "false").withEnv("POSTGRES_PASSWORD", "postgres");
        ip = network.attach(container);
    }

    /** Starts the server and waits until it takes connections; skips the calling test without a Docker engine. */
    public static ContainerPostgres start() {
        ContainerPostgres postgres = new ContainerPostgres();
        boolean started = false;
        try {
            postgres.container.start();
            ConnectClusters.await(Duration.ofSeconds(60), "PostgreSQL at " + postgres.ip, postgres::answers);
            started = true;
            return postgres;
        } finally {
            if (!started) {
                postgres.close();
            }
        }
    }

    private boolean answers() {
        try (Connection connection = connect()) {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + ip + ":" + PORT + "/postgres";
    }

    /** The Debezium PostgreSQL source configuration for this server, as {@link PostgresServer}'s. */
    public Map<String, String> debeziumConfig(String topicPrefix, String tables) {
        return PostgresServer.debeziumConfig(ip, PORT, topicPrefix, tables);
    }

    /** Runs statements in one transaction, over the network. */
    public void execute(String... statements) {
        try (Connection connection = connect()) {
            PostgresServer.inOneTransaction(connection, statements);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs SQL with psql inside the container, over its local socket: it works while the network is cut. */
    public String psqlInside(String sql) {
        return ContainerImages.exec(container, "psql", "-h", "/tmp", "-U", "postgres", "-At", "-v", "ON_ERROR_STOP=1",
                "-c", sql).trim();
    }

    /** Cuts the server off its network: what is sent to it is dropped, nothing answers, nothing resets. */
    public void partition() {
        network.disconnect(container);
    }

    /** Puts the server back on its network at the same address. */
    public void heal() {
        network.reconnect(container, ip);
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
    }

    @Override
    public void close() {
        try {
            container.stop();
        } finally {
            network.close();
        }
    }
}
