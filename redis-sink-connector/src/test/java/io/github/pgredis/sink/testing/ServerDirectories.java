package io.github.pgredis.sink.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Directories of the servers tests start, under the module's target/test-servers (never the system temp
 * directory, where they would pile up run after run), removed when the server stops.
 */
public final class ServerDirectories {
    private static final Path ROOT = Path.of("target", "test-servers").toAbsolutePath();

    private ServerDirectories() {
    }

    public static Path create(String prefix) {
        try {
            Files.createDirectories(ROOT);
            return Files.createTempDirectory(ROOT, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the directory and everything in it; nothing when it is gone already. */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
