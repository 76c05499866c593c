package io.github.pgredis.resync;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** The scheduler's settings: which Debezium connector to signal, where, for which tables and when. */
public final class ResyncSchedulerConfig extends AbstractConfig {
    public static final String TOPIC_PREFIX = "debezium.topic.prefix";
    public static final String SIGNAL_TOPIC = "signal.topic";
    public static final String TABLES = "tables";
    public static final String INTERVAL_MS = "schedule.interval.ms";
    public static final String CRON = "schedule.cron";
    public static final String TIME_ZONE = "schedule.time.zone";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    static final String STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter";

    private static final String DEBEZIUM_GROUP = "Debezium";
    private static final String SCHEDULE_GROUP = "Schedule";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(TOPIC_PREFIX, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "The topic.prefix of the Debezium PostgreSQL connector to signal. Its Kafka signal "
                            + "channel acts only on signal records whose key is this prefix.",
                    DEBEZIUM_GROUP, 1, Width.MEDIUM, "Debezium topic prefix")
            .define(SIGNAL_TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "The Debezium connector's signal.kafka.topic (with kafka in "
                            + "signal.enabled.channels). Signals go to its partition 0, the only one Debezium reads. "
                            + "Set key.converter and value.converter of this connector to " + STRING_CONVERTER
                            + ": Debezium reads signals as plain strings.",
                    DEBEZIUM_GROUP, 2, Width.MEDIUM, "Signal topic")
            .define(TABLES, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonNullValidator(), Importance.HIGH,
                    "The tables to re-sync at each run, as Debezium's data-collections: schema.table, or a regular "
                            + "expression that Debezium matches against them. Each run asks for one incremental "
                            + "snapshot of all of them.",
                    SCHEDULE_GROUP, 1, Width.LONG, "Tables")
            .define(INTERVAL_MS, Type.LONG, null, ConfigDef.LambdaValidator.with((name, value) -> {
                if (value != null && (Long) value < 1000) {
                    throw new ConfigException(name, value, "an interval of at least 1000 ms");
                }
            }, () -> "null, or at least 1000"), Importance.HIGH,
                    "Run every this many milliseconds, at the multiples of it since the epoch (UTC), so that "
                            + "3600000 runs on the hour whenever the connector started. Set this or "
                            + CRON + ", not both.",
                    SCHEDULE_GROUP, 2, Width.SHORT, "Interval (ms)")
            .define(CRON, Type.STRING, null, Importance.HIGH,
                    "Run at the times of this five-field cron expression (minute hour day-of-month month "
                            + "day-of-week; *, numbers, ranges a-b, steps /n and comma lists; day-of-week 0 and 7 "
                            + "are Sunday), in " + TIME_ZONE + ". Set this or " + INTERVAL_MS + ", not both.",
                    SCHEDULE_GROUP, 3, Width.MEDIUM, "Cron expression")
            .define(TIME_ZONE, Type.STRING, "UTC", new ZoneValidator(), Importance.MEDIUM,
                    "The time zone of " + CRON + ", as a java.time zone ID such as Europe/Berlin.",
                    SCHEDULE_GROUP, 4, Width.SHORT, "Time zone")
            .define(POLL_INTERVAL_MS, Type.LONG, 1000L, ConfigDef.Range.between(10, 60_000), Importance.LOW,
                    "How often the task checks whether a run is due, in milliseconds: the most a run starts late.",
                    SCHEDULE_GROUP, 5, Width.SHORT, "Poll interval (ms)");

    /** A setting at fault and why, as validate() reports it on the key. */
    public record Problem(String key, String message) {
    }

    private final List<Problem> problems = new ArrayList<>();
    private final Schedule schedule;

    /** Parses the keys; problems that no single key's validator sees are in {@link #problems()}. */
    public ResyncSchedulerConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        schedule = parseSchedule();
        if (getList(TABLES).isEmpty()) {
            problems.add(new Problem(TABLES, "name at least one table to re-sync"));
        }
    }

    /** The configuration, or a ConfigException naming every problem: what the connector and its task start with. */
    public static ResyncSchedulerConfig checked(Map<String, String> props) {
        ResyncSchedulerConfig config = new ResyncSchedulerConfig(props);
        if (!config.problems.isEmpty()) {
            throw new ConfigException(config.problems.stream().map(p -> p.key() + ": " + p.message())
                    .collect(Collectors.joining("; ")));
        }
        return config;
    }

    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    /** The schedule that one of schedule.interval.ms and schedule.cron sets; null when {@link #problems()} says why. */
    public Schedule schedule() {
        return schedule;
    }

    private Schedule parseSchedule() {
        Long interval = getLong(INTERVAL_MS);
        String cron = getString(CRON);
        if (interval != null && cron != null) {
            problems.add(new Problem(CRON, "set " + INTERVAL_MS + " or " + CRON + ", not both"));
            return null;
        }
        if (interval != null) {
            return new IntervalSchedule(interval);
        }
        if (cron == null) {
            problems.add(new Problem(INTERVAL_MS, "set " + INTERVAL_MS + " or " + CRON));
            return null;
        }
        try {
            return new CronSchedule(cron, ZoneId.of(getString(TIME_ZONE)));
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(CRON, e.getMessage()));
            return null;
        }
    }

    public String topicPrefix() {
        return getString(TOPIC_PREFIX);
    }

    public String signalTopic() {
        return getString(SIGNAL_TOPIC);
    }

    public List<String> tables() {
        return getList(TABLES);
    }

    public long pollIntervalMs() {
        return getLong(POLL_INTERVAL_MS);
    }

    private static final class ZoneValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                ZoneId.of((String) value);
            } catch (DateTimeException | NullPointerException e) {
                throw new ConfigException(name, value, "not a time zone ID (such as UTC or Europe/Berlin)");
            }
        }

        @Override
        public String toString() {
            return "a java.time zone ID";
        }
    }
}
