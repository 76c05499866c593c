package io.github.pgredis.sink.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The images of docker/ for Testcontainers, built from this checkout: the base image first (docker/base-image.sh
 * builds debian:bookworm-slim where no registry serves it), then the service's own Dockerfile, so that the tests
 * run the servers users get from docker-compose.yml. Where no Docker engine runs the calling test is skipped,
 * saying so.
 */
public final class ContainerImages {
    /** The repository root, from a module's directory (where Maven runs a module's tests). */
    public static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    private ContainerImages() {
    }

    /** Skips the calling test unless a Docker engine runs, and makes sure the base image is there. */
    public static synchronized void requireDocker() {
        Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "no Docker engine runs here; .ci/run installs and starts one");
        try {
            Path log = Files.createTempFile("base-image", ".log");
            Process process = new ProcessBuilder(CHECKOUT.resolve("docker/base-image.sh").toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean finished = process.waitFor(10, TimeUnit.MINUTES);
            String output = Files.readString(log);
            Files.delete(log);
            if (!finished) {
                process.destroyForcibly();
                throw new IllegalStateException("docker/base-image.sh took more than 10 minutes: " + output);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("docker/base-image.sh failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run docker/base-image.sh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * docker/postgres/Dockerfile's image (PostgreSQL 15 from Debian with logical replication and Debezium's setup),
     * built from exactly the files of the checkout it copies; its name.
     */
    public static synchronized String postgres() {
        requireDocker();
        ImageFromDockerfile image = new ImageFromDockerfile("pgredis/postgres:local", false)
                .withFileFromPath("Dockerfile", CHECKOUT.resolve("docker/postgres/Dockerfile"));
        for (String file : List.of("docker/postgres/postgres.sh", "pg-source-config/postgresql/postgresql.conf",
                "pg-source-config/sql/setup.sql", "local-stack/demo-schema.sql")) {
            image.withFileFromPath(file, CHECKOUT.resolve(file));
        }
        return image.get();
    }

    /** Runs a command in a container and returns its standard output; a non-zero exit is an exception saying why. */
    static String exec(GenericContainer<?> container, String... command) {
        try {
            Container.ExecResult result = container.execInContainer(command);
            if (result.getExitCode() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + result.getStdout()
                        + result.getStderr());
            }
            return result.getStdout();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** docker/redis/Dockerfile's image (Redis 7 from Debian), built once per run; its name. */
    public static synchronized String redis() {
        requireDocker();
        return new ImageFromDockerfile("pgredis/redis:local", false)
                .withDockerfile(CHECKOUT.resolve("docker/redis/Dockerfile")).get();
    }
}
