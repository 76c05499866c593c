package io.github.pgredis.resync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The task on a mock clock, its offsets kept as Connect keeps them: those of the records it returned. */
class ResyncSchedulerTaskTest {
    private static final long MINUTE = 60_000;
    private final MockTime time = new MockTime(0, Instant.parse("2026-12-01T10:00:30Z").toEpochMilli(), 0);
    private final Map<Map<String, ?>, Map<String, ?>> committed = new HashMap<>();
    private final List<SourceRecord> sent = new ArrayList<>();

    private static Map<String, String> config() {
        return Map.of("name", "resync-test", "debezium.topic.prefix", "pg", "signal.topic", "pg-signal",
                "tables", "public.orders,public.items", "schedule.interval.ms", Long.toString(MINUTE),
                "poll.interval.ms", "10");
    }

    private ResyncSchedulerTask started() {
        ResyncSchedulerTask task = new ResyncSchedulerTask(time);
        task.initialize(new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return config();
            }

            @Override
            public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
                throw new UnsupportedOperationException();
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return new OffsetStorageReader() {
                    @SuppressWarnings("unchecked")
                    @Override
                    public <T> Map<String, Object> offset(Map<String, T> partition) {
                        return (Map<String, Object>) committed.get(partition);
                    }

                    @Override
                    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                        throw new UnsupportedOperationException();
                    }
                };
            }
        });
        task.start(config());
        return task;
    }

    /** Polls as the worker does, committing the offset of what was returned. */
    private void poll(ResyncSchedulerTask task) throws InterruptedException {
        List<SourceRecord> records = task.poll();
        if (records != null) {
            for (SourceRecord record : records) {
                sent.add(record);
                committed.put(record.sourcePartition(), record.sourceOffset());
            }
        }
    }

    private List<String> runs() {
        return sent.stream().map(record -> Instant.ofEpochMilli(
                (Long) record.sourceOffset().get(ResyncSchedulerTask.LAST_RUN)).toString()).toList();
    }

    @Test
    void signalsEachRunOnceToPartitionZeroKeyedByTheTopicPrefix() throws Exception {
        ResyncSchedulerTask task = started();
        poll(task);
        assertThat(sent).as("nothing is due at start").isEmpty();
        time.sleep(30_000);
        poll(task);
        poll(task);
        time.sleep(MINUTE);
        poll(task);
        assertThat(runs()).containsExactly("2026-12-01T10:01:00Z", "2026-12-01T10:02:00Z");

        SourceRecord signal = sent.get(0);
        assertThat(signal.topic()).isEqualTo("pg-signal");
        assertThat(signal.kafkaPartition()).isZero();
        assertThat(signal.key()).isEqualTo("pg");
        JsonNode value = new ObjectMapper().readTree((String) signal.value());
        assertThat(value.path("type").asText()).isEqualTo("execute-snapshot");
        assertThat(value.path("id").asText()).isEqualTo("resync:resync-test@2026-12-01T10:01:00Z");
        assertThat(value.path("data").path("data-collections")).extracting(JsonNode::asText)
                .containsExactly("public.orders", "public.items");
        task.stop();
    }

    @Test
    void aRestartBetweenTwoRunsNeitherRepeatsTheFirstNorSkipsTheSecond() throws Exception {
        ResyncSchedulerTask task = started();
        time.sleep(30_000);
        poll(task);
        task.stop();

        // restarted before the next run: nothing again
        task = started();
        poll(task);
        assertThat(runs()).containsExactly("2026-12-01T10:01:00Z");
        task.stop();

        // down across the next run: it is made at once after the restart, and only once
        time.sleep(MINUTE + 20_000);
        task = started();
        poll(task);
        poll(task);
        assertThat(runs()).containsExactly("2026-12-01T10:01:00Z", "2026-12-01T10:02:00Z");
        task.stop();

        // down across three runs: one run stands for them all
        time.sleep(3 * MINUTE);
        task = started();
        poll(task);
        poll(task);
        assertThat(runs()).containsExactly("2026-12-01T10:01:00Z", "2026-12-01T10:02:00Z",
                "2026-12-01T10:05:00Z");
        task.stop();
    }
}
