package io.github.pgredis.resync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.github.pgredis.sink.config.ConfigReference;

/**
 * Keeps docs/resync-scheduler-configuration.md equal to the ConfigDef, written as the sink's reference is. Run with
 * -Dconfig.docs.update=true to rewrite it.
 */
class ConfigurationReferenceTest {
    private static final Path REFERENCE = Path.of("..", "docs", "resync-scheduler-configuration.md");

    @Test
    void referenceInDocsMatchesTheConfigDef() throws IOException {
        String expected = ConfigReference.markdown("Re-sync scheduler configuration reference",
                "Every key of `io.github.pgredis.resync.ResyncSchedulerConnector`, besides Connect's own source keys "
                        + "(`tasks.max`, converters, `exactly.once.support`, `transaction.boundary`). It takes one task. "
                        + "Its `key.converter` and `value.converter` must be "
                        + "`org.apache.kafka.connect.storage.StringConverter`; validate() refuses others. How it "
                        + "fits with Debezium and the sink: [operations](operations.md#scheduled-re-syncs).",
                ResyncSchedulerConfig.CONFIG_DEF);
        if (Boolean.getBoolean("config.docs.update")) {
            Files.writeString(REFERENCE, expected, StandardCharsets.UTF_8);
        }
        assertThat(REFERENCE).as("docs/resync-scheduler-configuration.md is stale: run mvn test -pl "
                + "resync-scheduler -Dtest=ConfigurationReferenceTest -Dconfig.docs.update=true").exists();
        assertThat(Files.readString(REFERENCE, StandardCharsets.UTF_8)).isEqualTo(expected);
    }
}
