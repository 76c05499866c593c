package io.github.pgredis.resync;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.pgredis.signal.SnapshotSignal;

/**
 * Sends one incremental snapshot signal per run that falls due. The source offset of each signal is the time of its
 * run: at start the task reads it back and goes on from the run after it, so a run made before a restart is not
 * repeated and a run that fell due while the task was down is made at once (one run for all that it missed).
 */
public class ResyncSchedulerTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(ResyncSchedulerTask.class);
    static final Map<String, String> SOURCE_PARTITION = Map.of("resync", "schedule");
    static final String LAST_RUN = "last_run_ms";

    private final Time time;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ResyncSchedulerConfig config;
    private Schedule schedule;
    private String name;
    private long lastRunMs;

    public ResyncSchedulerTask() {
        this(Time.SYSTEM);
    }

    // visible for testing
    ResyncSchedulerTask(Time time) {
        this.time = time;
    }

    @Override
    public String version() {
        return ResyncSchedulerConnector.pluginVersion();
    }

    @Override
    public void start(Map<String, String> props) {
        config = ResyncSchedulerConfig.checked(props);
        schedule = config.schedule();
        name = props.getOrDefault("name", "resync-scheduler");
        Map<String, Object> offset = context.offsetStorageReader().offset(SOURCE_PARTITION);
        if (offset != null && offset.get(LAST_RUN) instanceof Number last) {
            lastRunMs = last.longValue();
            log.info("Re-sync scheduler '{}': last run {}, next {}", name, Instant.ofEpochMilli(lastRunMs),
                    Instant.ofEpochMilli(schedule.nextAfter(lastRunMs)));
        } else {
            // no run yet: the first is the first one of the schedule from now on
            lastRunMs = time.milliseconds();
            log.info("Re-sync scheduler '{}': no run yet, first {}", name,
                    Instant.ofEpochMilli(schedule.nextAfter(lastRunMs)));
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        long now = time.milliseconds();
        long due = schedule.latestDue(lastRunMs, now);
        if (due < 0) {
            long next = schedule.nextAfter(lastRunMs);
            long waitMs = next < 0 ? config.pollIntervalMs() : Math.min(config.pollIntervalMs(), next - now);
            stopped.await(Math.max(waitMs, 1), TimeUnit.MILLISECONDS);
            return null;
        }
        boolean late = schedule.nextAfter(lastRunMs) < due;
        lastRunMs = due;
        String id = SnapshotSignal.RESYNC_ID_PREFIX + name + "@" + Instant.ofEpochMilli(due);
        SnapshotSignal signal = new SnapshotSignal(id, config.tables());
        log.info("Re-sync scheduler '{}': asking Debezium '{}' for an incremental snapshot of {} (signal {}{})", name,
                config.topicPrefix(), config.tables(), signal.id(),
                late ? "; it also stands for the earlier runs missed while the task was not running" : "");
        return List.of(new SourceRecord(SOURCE_PARTITION, Map.of(LAST_RUN, due), config.signalTopic(), 0,
                Schema.STRING_SCHEMA, config.topicPrefix(), Schema.STRING_SCHEMA, signal.json(), now));
    }

    @Override
    public void stop() {
        stopped.countDown();
    }
}
