package io.github.pgredis.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

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
                        + "`${file:/path:key}`.\n\nPer-table settings: each of "
                        + RedisSinkConfig.TABLE_SETTINGS.stream().map(name -> "`" + name + "`")
                                .collect(Collectors.joining(", "))
                        + " may also be set for one table as `table.<schema>.<table>.<setting>` (for example "
                        + "`table.public.orders.write.mode=invalidate`); the key below is then the default of the "
                        + "other tables. validate() checks every such entry against the same rules and names it "
                        + "([cache strategies](cache-strategies.md)).",
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
