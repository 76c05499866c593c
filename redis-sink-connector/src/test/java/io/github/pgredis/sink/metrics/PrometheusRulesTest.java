package io.github.pgredis.sink.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerting rules the plugin archive ships (etc/prometheus-alerts.yaml), checked by Prometheus's promtool and
 * unit-tested against series as the JMX exporter writes them (src/test/resources/prometheus). CI installs promtool
 * (Debian's prometheus package); elsewhere the test says it is skipped.
 */
class PrometheusRulesTest {
    private static final Path RULES = Path.of("src/main/plugin/etc/prometheus-alerts.yaml");
    private static final Path RULE_TESTS = Path.of("src/test/resources/prometheus/prometheus-alerts-test.yaml");

    @BeforeAll
    static void promtoolIsThere() throws InterruptedException {
        boolean found;
        try {
            found = new ProcessBuilder("promtool", "--version").redirectErrorStream(true).start()
                    .waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            found = false;
        }
        boolean ci = System.getenv("CI") != null;
        if (!found && ci) {
            throw new AssertionError("promtool is not installed; .ci/run installs Debian's prometheus package");
        }
        Assumptions.assumeTrue(found, "promtool is not installed (Debian: apt-get install prometheus); the "
                + "alerting rules are not checked");
    }

    @Test
    void theShippedAlertsAreValidAndFireAsTheirTestsExpect(@TempDir Path dir) throws Exception {
        Files.copy(RULES, dir.resolve("prometheus-alerts.yaml"));
        Files.copy(RULE_TESTS, dir.resolve("prometheus-alerts-test.yaml"));

        assertThat(promtool(dir, "check", "rules", "prometheus-alerts.yaml")).contains("SUCCESS: 6 rules found");
        assertThat(promtool(dir, "test", "rules", "prometheus-alerts-test.yaml")).contains("SUCCESS");
    }

    private static String promtool(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
