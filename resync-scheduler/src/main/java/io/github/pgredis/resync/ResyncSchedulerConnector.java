package io.github.pgredis.resync;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Debezium for incremental snapshots of a table list on a schedule, through its Kafka signal channel: the
 * time-based re-sync. One task; its offset is the last run, so a restart neither repeats nor skips a run.
 */
public class ResyncSchedulerConnector extends SourceConnector {
    private static final Logger log = LoggerFactory.getLogger(ResyncSchedulerConnector.class);

    private Map<String, String> props;

    /** The Implementation-Version of the plugin's jar (the project version), "unknown" outside a jar. */
    static String pluginVersion() {
        String version = ResyncSchedulerConnector.class.getPackage().getImplementationVersion();
        return version != null ? version : "unknown";
    }

    @Override
    public String version() {
        return pluginVersion();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
        ResyncSchedulerConfig config = ResyncSchedulerConfig.checked(props);
        log.info("Re-sync scheduler '{}' started: {} of {} through {}", props.get("name"), config.schedule(),
                config.tables(), config.signalTopic());
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ResyncSchedulerTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props);
    }

    @Override
    public void stop() {
        log.info("Re-sync scheduler '{}' stopped", props == null ? null : props.get("name"));
    }

    @Override
    public ConfigDef config() {
        return ResyncSchedulerConfig.CONFIG_DEF;
    }

    /** With exactly-once source support on the workers, the signal and the offset of its run commit together. */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    /** Field checks, then the schedule and the converters, each reported on the key at fault. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        boolean fieldsValid = config.configValues().stream().allMatch(value -> value.errorMessages().isEmpty());
        if (!fieldsValid) {
            return config;
        }
        for (ResyncSchedulerConfig.Problem problem : new ResyncSchedulerConfig(connectorConfigs).problems()) {
            addError(config, problem.key(), problem.message());
        }
        for (String converter : List.of("key.converter", "value.converter")) {
            if (!ResyncSchedulerConfig.STRING_CONVERTER.equals(connectorConfigs.get(converter))) {
                addError(config, ResyncSchedulerConfig.SIGNAL_TOPIC, "set " + converter + " to "
                        + ResyncSchedulerConfig.STRING_CONVERTER + ": Debezium's Kafka signal channel reads signals "
                        + "as plain strings, and a converter that adds a schema envelope makes them unreadable");
            }
        }
        return config;
    }

    private static void addError(Config config, String key, String message) {
        for (ConfigValue value : config.configValues()) {
            if (value.name().equals(key)) {
                value.addErrorMessage(message);
                return;
            }
        }
    }
}
