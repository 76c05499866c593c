package io.github.pgredis.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.github.pgredis.sink.config.ConfigReference;

/** Keeps docs/configuration.md equal to the ConfigDef. Run with -Dconfig.docs.update=true to rewrite it. */
class ConfigurationReferenceTest {
    private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");

    static String generated() {
        return ConfigReference.markdown("Redis sink configuration reference",
                "Every key of `io.github.pgredis.sink.RedisSinkConnector`, besides Connect's own sink keys (`topics`, "
                        + "`tasks.max`, converters, `errors.*`). Enum values are accepted in any letter case. "
                        + "Password values are masked by the Connect REST API and accept config providers such as "
                        + "`${file:/path:key}`.",
                RedisSinkConfig.CONFIG_DEF);
    }

    @Test
    void referenceInDocsMatchesTheConfigDef() throws IOException {
        String expected = generated();
        if (Boolean.getBoolean("config.docs.update")) {
            Files.createDirectories(REFERENCE.getParent());
            Files.writeString(REFERENCE, expected, StandardCharsets.UTF_8);
        }
        assertThat(REFERENCE).as("docs/configuration.md is stale: run mvn test -pl redis-sink-connector "
                + "-Dtest=ConfigurationReferenceTest -Dconfig.docs.update=true").exists();
        assertThat(Files.readString(REFERENCE, StandardCharsets.UTF_8)).isEqualTo(expected);
    }
}
