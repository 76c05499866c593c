package io.github.pgredis.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The base image the Dockerfiles of docker/ start from, built here by docker/base-image.sh when missing. */
final class DockerImages {
    private DockerImages() {
    }

    static synchronized void ensureBaseImage(Path checkout) throws IOException, InterruptedException {
        Path log = Files.createTempFile("base-image", ".log");
        Process process = new ProcessBuilder(checkout.resolve("docker/base-image.sh").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("docker/base-image.sh took more than 10 minutes");
        }
        String output = Files.readString(log);
        Files.delete(log);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("docker/base-image.sh failed: " + output);
        }
    }
}
