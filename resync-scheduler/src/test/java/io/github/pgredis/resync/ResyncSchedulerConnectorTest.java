package io.github.pgredis.resync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class ResyncSchedulerConnectorTest {
    private static Map<String, String> valid() {
        Map<String, String> config = new HashMap<>(Map.of("debezium.topic.prefix", "pg", "signal.topic", "pg-signal",
                "tables", "public.orders", "schedule.cron", "30 2 * * *"));
        config.put("key.converter", ResyncSchedulerConfig.STRING_CONVERTER);
        config.put("value.converter", ResyncSchedulerConfig.STRING_CONVERTER);
        return config;
    }

    private static Map<String, List<String>> errors(Map<String, String> config) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue value : new ResyncSchedulerConnector().validate(config).configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        return errors;
    }

    @Test
    void aValidConfigurationHasNoErrors() {
        assertThat(errors(valid())).isEmpty();
    }

    @Test
    void eachMistakeIsReportedOnItsKey() {
        Map<String, String> both = valid();
        both.put("schedule.interval.ms", "60000");
        assertThat(errors(both)).containsOnlyKeys("schedule.cron");

        Map<String, String> neither = valid();
        neither.remove("schedule.cron");
        assertThat(errors(neither)).containsOnlyKeys("schedule.interval.ms");

        Map<String, String> badCron = valid();
        badCron.put("schedule.cron", "30 25 * * *");
        assertThat(errors(badCron).get("schedule.cron")).singleElement().asString().contains("hour field '25'");

        Map<String, String> badZone = valid();
        badZone.put("schedule.time.zone", "Mars/Olympus");
        assertThat(errors(badZone)).containsOnlyKeys("schedule.time.zone");

        Map<String, String> noTables = valid();
        noTables.put("tables", "");
        assertThat(errors(noTables)).containsOnlyKeys("tables");

        Map<String, String> jsonConverter = valid();
        jsonConverter.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        assertThat(errors(jsonConverter).get("signal.topic")).singleElement().asString()
                .contains("set value.converter to org.apache.kafka.connect.storage.StringConverter");
    }
}
