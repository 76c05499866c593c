package io.github.pgredis.sink.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** A SinkTaskContext that records what the task asked of Connect: seeks, pauses, and reported records. */
public final class StubSinkTaskContext implements SinkTaskContext {
    public record Reported(SinkRecord record, Throwable error) {
    }

    private final Map<String, String> configs;
    private final Set<TopicPartition> assignment = new HashSet<>();
    public final Map<TopicPartition, Long> seeks = new HashMap<>();
    public final List<Long> timeouts = new ArrayList<>();
    public final List<Reported> reported = new ArrayList<>();
    /** When set, a report is acknowledged only when the test completes its future in {@link #heldReports}. */
    public boolean holdReports;
    public final List<CompletableFuture<Void>> heldReports = new ArrayList<>();

    private Supplier<PluginMetrics> pluginMetrics = () -> null;

    public StubSinkTaskContext(Map<String, String> configs) {
        this.configs = configs;
    }

    /**
     * Connect redelivers a batch after a RetriableException and otherwise goes on with the next (here empty) one;
     * so does this, for up to 20 seconds.
     */
    public static void putAsConnectRetries(org.apache.kafka.connect.sink.SinkTask task, List<SinkRecord> batch) {
        long deadline = System.currentTimeMillis() + 20_000;
        List<SinkRecord> delivering = batch;
        while (true) {
            try {
                task.put(delivering);
                delivering = List.of();
                task.put(delivering);
                return;
            } catch (org.apache.kafka.connect.errors.RetriableException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                ConnectClusters.sleep(50);
            }
        }
    }

    /** Starts a sink task with the config, writes user 1 named {@code name} through it, and stops it. */
    public static void writeUserThroughTask(Map<String, String> config, String name) {
        ChangeRecords users = ChangeRecords.users();
        io.github.pgredis.sink.RedisSinkTask task = new io.github.pgredis.sink.RedisSinkTask();
        task.initialize(new StubSinkTaskContext(config));
        task.start(config);
        try {
            task.open(List.of(new org.apache.kafka.common.TopicPartition(users.topic(), 0)));
            putAndSettle(task, List.of(users.create(10, users.row("id", 1, "name", name))));
        } finally {
            task.stop();
        }
    }

    /**
     * Delivers a batch and then, as Connect's next poll does when nothing new arrived, an empty one: the task checks
     * a batch's replies when the next delivery comes, so after this the batch is in Redis or its failure thrown.
     */
    public static void putAndSettle(org.apache.kafka.connect.sink.SinkTask task, List<SinkRecord> batch) {
        task.put(batch);
        task.put(List.of());
    }

    @Override
    public Map<String, String> configs() {
        return configs;
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
        seeks.putAll(offsets);
    }

    @Override
    public void offset(TopicPartition partition, long offset) {
        seeks.put(partition, offset);
    }

    @Override
    public void timeout(long timeoutMs) {
        timeouts.add(timeoutMs);
    }

    @Override
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    @Override
    public void pause(TopicPartition... partitions) {
        throw new ConnectException("the sink never pauses partitions");
    }

    @Override
    public void resume(TopicPartition... partitions) {
        throw new ConnectException("the sink never pauses partitions");
    }

    @Override
    public void requestCommit() {
    }

    /** What {@link #pluginMetrics()} gives: by default none, as a worker without plugin metrics for the task. */
    public StubSinkTaskContext pluginMetrics(Supplier<PluginMetrics> supplier) {
        this.pluginMetrics = supplier;
        return this;
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return pluginMetrics.get();
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        return new ErrantRecordReporter() {
            @Override
            public Future<Void> report(SinkRecord record, Throwable error) {
                reported.add(new Reported(record, error));
                if (!holdReports) {
                    return CompletableFuture.completedFuture(null);
                }
                CompletableFuture<Void> acknowledgement = new CompletableFuture<>();
                heldReports.add(acknowledgement);
                return acknowledgement;
            }
        };
    }
}
