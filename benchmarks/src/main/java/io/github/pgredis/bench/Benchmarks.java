package io.github.pgredis.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import io.github.pgredis.sink.apply.ChangeWriter;
import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.PostgresServer;
import io.github.pgredis.sink.testing.RedisServer;
import io.github.pgredis.sink.testing.RegistryServer;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * Every benchmark in one run on one machine, ending with {@code RESULT <name> <value> <unit>} lines
 * (docs/benchmarks.md). Sizes: -Dbench.changes (1000000), -Dbench.keys (10000), -Dbench.bigKeys (1000000),
 * -Dbench.cacheRows (100000), -Dbench.cacheSeconds per strategy (45); -Dbench.only=throughput, latency, feed or
 * cache runs one part.
 */
public final class Benchmarks {
    private static final int PARTITIONS = 4;
    private static final Pattern COMMAND_STATS = Pattern.compile("cmdstat_([a-z|_-]+):calls=(\\d+),usec=(\\d+),.*");
    /** What the sink's scripts call: INFO commandstats counts them again on their own lines, inside EVALSHA's time. */
    private static final Set<String> CALLED_BY_SCRIPTS = Set.of("get", "set", "mset", "strlen", "hset", "hdel",
            "hlen", "hkeys", "hexists", "hget", "hgetall", "type", "pexpire", "pttl", "del", "exists", "xadd",
            "xrange", "xinfo|stream");
    private static final Map<String, String> VERSIONS_IN_ROWS = Map.of("version.storage", "row");
    private final List<String> results = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        long changes = Long.getLong("bench.changes", 1_000_000);
        int keys = Integer.getInteger("bench.keys", 10_000);
        int bigKeys = Integer.getInteger("bench.bigKeys", 1_000_000);
        new Benchmarks().run(changes, keys, bigKeys);
    }

    private static void progress(String message) {
        System.out.printf("%tT %s%n", System.currentTimeMillis(), message);
    }

    private void result(String name, double value, String unit) {
        String line = String.format("RESULT %s %s %s", name, value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : String.format("%.3f", value), unit);
        results.add(line);
        System.out.println(line);
    }

    private void run(long changes, int keys, int bigKeys) throws Exception {
        System.out.printf("machine: %d cores, %d MiB max heap, Java %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
        String only = System.getProperty("bench.only", "");
        if (only.isEmpty() || only.equals("throughput")) {
            try (RedisServer redis = RedisServer.start()) {
                EmbeddedConnectCluster connect = ConnectClusters.start("bench", 1);
                try {
                    throughput(connect, redis, changes, keys, bigKeys);
                } finally {
                    connect.stop();
                }
            }
        }
        if (only.isEmpty() || only.equals("latency")) {
            latency();
        }
        if (only.isEmpty() || only.equals("feed")) {
            try (RedisServer redis = RedisServer.start()) {
                EmbeddedConnectCluster connect = ConnectClusters.start("bench-feed", 1);
                try {
                    feed(connect, redis, changes, keys);
                } finally {
                    connect.stop();
                }
            }
        }
        if (only.isEmpty() || only.equals("cache")) {
            cache(Integer.getInteger("bench.cacheRows", 100_000), Integer.getInteger("bench.cacheSeconds", 45));
        }
        System.out.println();
        System.out.println("summary:");
        results.forEach(System.out::println);
    }

    /**
     * What one connector run measured, with the Redis memory its rows took, Redis's time per write, and Redis's time
     * per change over every command the connector sent.
     */
    private record Run(ThroughputRun.Measurement measurement, double redisBytesPerRow, double redisMicrosPerWrite,
            double redisMicrosPerChange) {
        double rate() {
            return measurement.recordsPerSecond();
        }
    }

    private void throughput(EmbeddedConnectCluster connect, RedisServer redis, long changes, int keys, int bigKeys)
            throws Exception {
        OrderRows rows = new OrderRows(keys);
        String topic = OrderRows.TOPIC;
        WireFormat json = WireFormat.json();
        progress("loading " + changes + " changes of " + keys + " rows into " + topic);
        long bytes = TopicLoader.load(connect, topic, PARTITIONS, rows, changes, json);
        result("topic_bytes_per_change", (double) bytes / changes, "bytes");
        Runner runner = new Runner(connect, BenchRedis.of(redis));
        RedisBenchmark ceilings = new RedisBenchmark(redis);
        List<String> fields = fieldsOf(rows.row(1, 1));
        double ceilingHset = ceilings.hsetPerSecond(fields);
        double ceilingGuardedSingle = ceilings.guardedRowsPerSecond(fields, 1);
        double ceilingGuarded = ceilings.guardedRowsPerSecond(fields, ChangeWriter.ROWS_PER_CALL);
        result("redis_ceiling_pipelined_hset", ceilingHset, "ops/s");
        result("redis_ceiling_guarded_evalsha", ceilingGuardedSingle, "ops/s");
        result("redis_ceiling_guarded_rows_in_calls_of_" + ChangeWriter.ROWS_PER_CALL, ceilingGuarded, "rows/s");
        result("redis_micros_lua_hset_floor", ceilings.luaHsetFloorMicros(fields), "us");

        progress("warming up the JIT on the converter path (not measured)");
        runner.strategy(topic, json, "null", 1, changes, keys);
        Run nullSink = runner.strategy(topic, json, "null", 1, changes, keys);
        Run sinkHash = runner.sink(topic, json, "hash", 1, changes, keys);
        Run sinkJson = runner.sink(topic, json, "json", 1, changes, keys);
        Run sinkInRows = runner.sink(topic, json, "hash", 1, changes, keys, VERSIONS_IN_ROWS);
        Run syncSet = runner.strategy(topic, json, "sync-set", 1, changes, keys);
        Run pipelinedHset = runner.strategy(topic, json, "pipelined-hset", 1, changes, keys);
        result("null_sink_1task", nullSink.rate(), "records/s");
        result("sink_hash_1task", sinkHash.rate(), "records/s");
        result("sink_json_1task", sinkJson.rate(), "records/s");
        result("sink_hash_versions_in_rows_1task", sinkInRows.rate(), "records/s");
        result("peer_sync_set_1task", syncSet.rate(), "records/s");
        result("peer_pipelined_hset_1task", pipelinedHset.rate(), "records/s");
        result("sink_vs_null_ratio", sinkHash.rate() / nullSink.rate(), "ratio");
        result("sink_vs_guarded_ceiling_ratio", sinkHash.rate() / ceilingGuarded, "ratio");
        result("sink_vs_pipelined_hset_ratio", sinkHash.rate() / pipelinedHset.rate(), "ratio");
        result("sink_vs_sync_set_ratio", sinkHash.rate() / syncSet.rate(), "ratio");
        result("redis_bytes_per_row_sink_hash", sinkHash.redisBytesPerRow(), "bytes");
        result("redis_bytes_per_row_plain_hset", pipelinedHset.redisBytesPerRow(), "bytes");
        result("redis_micros_per_write_sink_hash", sinkHash.redisMicrosPerWrite(), "us");
        result("redis_micros_per_write_sink_json", sinkJson.redisMicrosPerWrite(), "us");
        result("redis_micros_per_write_pipelined_hset", pipelinedHset.redisMicrosPerWrite(), "us");
        result("redis_micros_per_change_sink_hash_updates", sinkHash.redisMicrosPerChange(), "us");
        result("redis_micros_per_change_sink_json_updates", sinkJson.redisMicrosPerChange(), "us");
        result("redis_micros_per_change_sink_hash_versions_in_rows_updates", sinkInRows.redisMicrosPerChange(), "us");
        result("redis_micros_per_change_pipelined_hset_updates", pipelinedHset.redisMicrosPerChange(), "us");
        result("redis_cpu_per_change_vs_hset", sinkHash.redisMicrosPerChange() / pipelinedHset.redisMicrosPerChange(),
                "ratio");
        result("redis_cpu_per_change_vs_hset_json", sinkJson.redisMicrosPerChange()
                / pipelinedHset.redisMicrosPerChange(), "ratio");
        result("redis_cpu_per_change_vs_hset_versions_in_rows", sinkInRows.redisMicrosPerChange()
                / pipelinedHset.redisMicrosPerChange(), "ratio");
        result("sink_own_cpu_us_per_record_json", sinkHash.measurement().jvmCpuMicrosPerRecord()
                - nullSink.measurement().jvmCpuMicrosPerRecord(), "us");
        result("sink_task_heap_idle", sinkHash.measurement().taskHeapBytes() / 1048576.0, "MiB");
        cpuPerRecord("null_sink", nullSink);
        cpuPerRecord("sink_hash", sinkHash);
        cpuPerRecord("sink_json", sinkJson);
        cpuPerRecord("peer_sync_set", syncSet);
        cpuPerRecord("peer_pipelined_hset", pipelinedHset);

        for (int tasks : new int[] {2, 4}) {
            Run nullTasks = runner.strategy(topic, json, "null", tasks, changes, keys);
            Run sinkTasks = runner.sink(topic, json, "hash", tasks, changes, keys);
            result("null_sink_" + tasks + "tasks", nullTasks.rate(), "records/s");
            result("sink_hash_" + tasks + "tasks", sinkTasks.rate(), "records/s");
            result("sink_vs_guarded_ceiling_ratio_" + tasks + "tasks", sinkTasks.rate() / ceilingGuarded, "ratio");
        }

        String bigTopic = topic + "_" + bigKeys + "_keys";
        progress("loading " + bigKeys + " rows into " + bigTopic);
        TopicLoader.load(connect, bigTopic, PARTITIONS, new OrderRows(bigKeys), bigKeys, json);
        Run manyKeys = runner.sink(bigTopic, json, "hash", 1, bigKeys, bigKeys);
        Run manyKeysJson = runner.sink(bigTopic, json, "json", 1, bigKeys, bigKeys);
        Run manyKeysInRows = runner.sink(bigTopic, json, "hash", 1, bigKeys, bigKeys, VERSIONS_IN_ROWS);
        Run manyKeysHset = runner.strategy(bigTopic, json, "pipelined-hset", 1, bigKeys, bigKeys);
        result("sink_hash_1task_" + bigKeys + "_keys", manyKeys.rate(), "records/s");
        result("redis_bytes_per_row_sink_hash_" + bigKeys + "_keys", manyKeys.redisBytesPerRow(), "bytes");
        result("redis_bytes_per_row_plain_hset_" + bigKeys + "_keys", manyKeysHset.redisBytesPerRow(), "bytes");
        result("redis_versioning_bytes_vs_row", (manyKeys.redisBytesPerRow() - manyKeysHset.redisBytesPerRow())
                / manyKeysHset.redisBytesPerRow(), "ratio");
        result("redis_bytes_per_row_sink_hash_versions_in_rows_" + bigKeys + "_keys", manyKeysInRows.redisBytesPerRow(),
                "bytes");
        result("redis_versioning_bytes_vs_row_versions_in_rows", (manyKeysInRows.redisBytesPerRow()
                - manyKeysHset.redisBytesPerRow()) / manyKeysHset.redisBytesPerRow(), "ratio");
        result("redis_micros_per_change_sink_hash_inserts", manyKeys.redisMicrosPerChange(), "us");
        result("redis_micros_per_change_sink_hash_versions_in_rows_inserts", manyKeysInRows.redisMicrosPerChange(),
                "us");
        result("redis_micros_per_change_sink_json_inserts", manyKeysJson.redisMicrosPerChange(), "us");
        result("redis_micros_per_change_pipelined_hset_inserts", manyKeysHset.redisMicrosPerChange(), "us");
        result("redis_cpu_per_change_vs_hset_inserts", manyKeys.redisMicrosPerChange()
                / manyKeysHset.redisMicrosPerChange(), "ratio");
        result("redis_cpu_per_change_vs_hset_json_inserts", manyKeysJson.redisMicrosPerChange()
                / manyKeysHset.redisMicrosPerChange(), "ratio");
        result("redis_cpu_per_change_vs_hset_versions_in_rows_inserts", manyKeysInRows.redisMicrosPerChange()
                / manyKeysHset.redisMicrosPerChange(), "ratio");

        clusterScaling(connect, rows, changes, keys);

        try (RegistryServer registry = RegistryServer.start(Path.of("target", "apicurio-registry"))) {
            WireFormat avro = WireFormat.avro(registry.apiUrl());
            String avroTopic = topic + "_avro";
            progress("loading " + changes + " changes of " + keys + " rows into " + avroTopic);
            long avroBytes = TopicLoader.load(connect, avroTopic, PARTITIONS, rows, changes, avro);
            result("topic_bytes_per_change_avro", (double) avroBytes / changes, "bytes");
            Run nullAvro = runner.strategy(avroTopic, avro, "null", 1, changes, keys);
            Run sinkAvro = runner.sink(avroTopic, avro, "hash", 1, changes, keys);
            result("null_sink_avro_1task", nullAvro.rate(), "records/s");
            result("sink_hash_avro_1task", sinkAvro.rate(), "records/s");
            result("sink_vs_null_ratio_avro", sinkAvro.rate() / nullAvro.rate(), "ratio");
            result("sink_vs_guarded_ceiling_ratio_avro", sinkAvro.rate() / ceilingGuarded, "ratio");
            cpuPerRecord("null_sink_avro", nullAvro);
            cpuPerRecord("sink_hash_avro", sinkAvro);
            result("sink_own_cpu_us_per_record_avro", sinkAvro.measurement().jvmCpuMicrosPerRecord()
                    - nullAvro.measurement().jvmCpuMicrosPerRecord(), "us");
        }
    }

    /**
     * The sink with 3 tasks against a Redis Cluster of 3 masters and of 1 master (each master with a replica), over a
     * topic of 6 partitions: what sharding Redis gives when Redis's time per change bounds the rate.
     */
    private void clusterScaling(EmbeddedConnectCluster connect, OrderRows rows, long changes, int keys) {
        String topic = OrderRows.TOPIC + "_6_partitions";
        progress("loading " + changes + " changes of " + keys + " rows into " + topic);
        TopicLoader.load(connect, topic, 6, rows, changes, WireFormat.json());
        Map<Integer, Double> rates = new HashMap<>();
        for (int masters : new int[] {1, 3}) {
            try (BenchRedis cluster = BenchRedis.cluster(masters)) {
                Run run = new Runner(connect, cluster).sink(topic, WireFormat.json(), "hash", 3, changes, keys);
                rates.put(masters, run.rate());
                result("sink_hash_3tasks_cluster_" + masters + "_masters", run.rate(), "records/s");
                result("redis_micros_per_change_cluster_" + masters + "_masters", run.redisMicrosPerChange(), "us");
                cpuPerRecord("sink_hash_3tasks_cluster_" + masters + "_masters", run);
            }
        }
        result("cluster_3_masters_vs_1_master_ratio", rates.get(3) / rates.get(1), "ratio");
    }

    /**
     * What the change feed costs: the sink over one topic partition (a feed needs a table's changes in one) with and
     * without feed.enabled (key content); the fed run also settles each batch before sending the next.
     */
    private void feed(EmbeddedConnectCluster connect, RedisServer redis, long changes, int keys) throws Exception {
        String topic = OrderRows.TOPIC + "_1_partition";
        progress("loading " + changes + " changes of " + keys + " rows into " + topic);
        TopicLoader.load(connect, topic, 1, new OrderRows(keys), changes, WireFormat.json());
        Runner runner = new Runner(connect, BenchRedis.of(redis));
        runner.sink(topic, WireFormat.json(), "hash", 1, changes, keys);
        Run plain = runner.sink(topic, WireFormat.json(), "hash", 1, changes, keys);
        Run fed = runner.sink(topic, WireFormat.json(), "hash", 1, changes, keys,
                Map.of("feed.enabled", "true", "feed.content", "key", "feed.max.length", Long.toString(changes)));
        result("sink_hash_1partition", plain.rate(), "records/s");
        result("sink_hash_feed_1partition", fed.rate(), "records/s");
        result("sink_feed_vs_plain_ratio", fed.rate() / plain.rate(), "ratio");
        result("redis_micros_per_write_sink_hash_feed", fed.redisMicrosPerWrite(), "us");
    }

    /** INFO commandstats summed over the servers: per command, its calls and microseconds. */
    static Map<String, long[]> commandStats(List<RedisCommands<String, String>> servers) {
        Map<String, long[]> stats = new TreeMap<>();
        for (RedisCommands<String, String> server : servers) {
            for (String line : server.info("commandstats").split("\r?\n")) {
                Matcher stat = COMMAND_STATS.matcher(line);
                if (stat.matches()) {
                    long[] sum = stats.computeIfAbsent(stat.group(1), command -> new long[2]);
                    sum[0] += Long.parseLong(stat.group(2));
                    sum[1] += Long.parseLong(stat.group(3));
                }
            }
        }
        return stats;
    }

    /** Where a run's CPU went: on 2 shared cores the sum bounds the rate. */
    private void cpuPerRecord(String name, Run run) {
        result("cpu_us_per_record_jvm_" + name, run.measurement().jvmCpuMicrosPerRecord(), "us");
        result("cpu_us_per_record_redis_" + name, run.measurement().redisCpuMicrosPerRecord(), "us");
    }

    private static List<String> fieldsOf(Struct row) {
        List<String> fields = new ArrayList<>();
        for (var field : row.schema().fields()) {
            fields.add(field.name());
            fields.add(String.valueOf(row.get(field)));
        }
        return fields;
    }

    /** Runs connectors over a topic one after the other, each against an empty Redis and as a new consumer group. */
    private static final class Runner {
        private final ThroughputRun runs;
        /** Numbers every run of the benchmark, so that each is a connector and consumer group of its own. */
        private static int runNumber;
        private final BenchRedis redis;

        Runner(EmbeddedConnectCluster connect, BenchRedis redis) {
            this.runs = new ThroughputRun(connect, this::redisCpuMicros);
            this.redis = redis;
        }

        Run sink(String topic, WireFormat wire, String valueFormat, int tasks, long changes, int keys) {
            return sink(topic, wire, valueFormat, tasks, changes, keys, Map.of());
        }

        Run sink(String topic, WireFormat wire, String valueFormat, int tasks, long changes, int keys,
                Map<String, String> settings) {
            Map<String, String> config = ConnectClusters.sinkConfig(redis.uri());
            config.putAll(redis.sinkSettings());
            config.putAll(settings);
            config.remove("topics.regex");
            config.put("topics", topic);
            config.put("tasks.max", Integer.toString(tasks));
            config.put("value.format", valueFormat);
            config.putAll(wire.converterSettings());
            progress("our sink, " + valueFormat + ", " + tasks + " task(s) over " + topic + " " + settings
                    + redis.sinkSettings());
            return measure("sink-" + valueFormat + "-" + tasks + "-" + topic + (settings.isEmpty() ? ""
                    : "-" + String.join("-", new TreeMap<>(settings).values())), config, changes, keys, valueFormat);
        }

        Run strategy(String topic, WireFormat wire, String strategy, int tasks, long changes, int keys) {
            progress(strategy + " sink, " + tasks + " task(s) over " + topic);
            Map<String, String> config = new HashMap<>();
            config.put("connector.class", StrategySinkConnector.class.getName());
            config.put("tasks.max", Integer.toString(tasks));
            config.put("topics", topic);
            config.putAll(wire.converterSettings());
            config.put(StrategySinkConnector.STRATEGY, strategy);
            config.put(StrategySinkConnector.REDIS_URI, redis.uri());
            return measure(strategy + "-" + tasks + "-" + topic, config, changes, keys,
                    strategy.equals("null") ? null : strategy.equals("sync-set") ? "json" : "hash");
        }

        /** The better of two runs: single runs on a shared 2-core machine vary by 20% or more. */
        private Run measure(String name, Map<String, String> config, long changes, int keys, String valueFormat) {
            Run first = measureOnce(name + "-" + ++runNumber, config, changes, keys, valueFormat);
            Run second = measureOnce(name + "-" + ++runNumber, config, changes, keys, valueFormat);
            return first.rate() >= second.rate() ? first : second;
        }

        private Run measureOnce(String name, Map<String, String> config, long changes, int keys, String valueFormat) {
            for (RedisCommands<String, String> server : redis.servers()) {
                server.flushall();
                server.configResetstat();
            }
            long before = usedMemory();
            ThroughputRun.Measurement measurement = runs.run(name, config, changes);
            double bytesPerRow = (double) (usedMemory() - before) / keys;
            Map<String, long[]> stats = commandStats(redis.servers());
            double microsPerWrite = redisMicrosPerWrite(stats);
            double microsPerChange = (double) redisMicrosSent(stats) / changes;
            progress(name + ": Redis's time per change by command " + commandTimes(stats, changes));
            if (valueFormat != null) {
                verify(valueFormat, changes, keys);
            }
            redis.servers().forEach(RedisCommands::flushall);
            return new Run(measurement, bytesPerRow, microsPerWrite, microsPerChange);
        }

        /** Every sampled row at its last change: the quantity column counts a row's changes. */
        private void verify(String valueFormat, long changes, int keys) {
            for (long id = 1; id <= keys; id += Math.max(1, keys / 1000)) {
                String expected = OrderRows.finalQuantity(id, changes, keys);
                String key = OrderRows.rowKey(id);
                String actual = valueFormat.equals("hash") ? redis.reader().hget(key, "quantity")
                        : redis.reader().get(key).replaceAll(".*\"quantity\":(\\d+).*", "$1");
                if (!expected.equals(actual)) {
                    throw new IllegalStateException(key + " has quantity " + actual + ", expected " + expected);
                }
            }
        }

        /** Per command: calls per change and microseconds of Redis's time per change. */
        private static String commandTimes(Map<String, long[]> stats, long changes) {
            StringBuilder times = new StringBuilder();
            stats.forEach((command, stat) -> times.append(String.format(" %s %.3f calls %.2f us;", command,
                    stat[0] / (double) changes, stat[1] / (double) changes)));
            return times.toString();
        }

        /**
         * Redis's own time per row write: when the run used scripts, EVALSHA's time (the commands a script calls are
         * counted again on their own lines) over the rows its calls carried, each of which reads its version with
         * one GET of its version key, or with versions in rows one HGET of its version field (and a GET of the
         * version key where that is missing); else per SET or HSET.
         */
        private static double redisMicrosPerWrite(Map<String, long[]> stats) {
            long[] none = {0, 0};
            if (stats.containsKey("evalsha")) {
                long rows = Math.max(stats.getOrDefault("get", none)[0], stats.getOrDefault("hget", none)[0]);
                return rows == 0 ? 0 : (double) stats.get("evalsha")[1] / rows;
            }
            long[] writes = stats.getOrDefault("hset", stats.getOrDefault("set", none));
            return writes[0] == 0 ? 0 : (double) writes[1] / writes[0];
        }

        /**
         * Redis's time for every command the connector sent since the stats were reset: all commands, less those its
         * scripts called (counted inside EVALSHA already) when it ran scripts. The benchmark's own INFO calls are in
         * it: a fraction of a microsecond per change standalone, up to about one in a Cluster of 3 masters.
         */
        private static long redisMicrosSent(Map<String, long[]> stats) {
            boolean scripted = stats.containsKey("evalsha");
            long total = 0;
            for (Map.Entry<String, long[]> command : stats.entrySet()) {
                if (!scripted || !CALLED_BY_SCRIPTS.contains(command.getKey())) {
                    total += command.getValue()[1];
                }
            }
            return total;
        }

        private long usedMemory() {
            long used = 0;
            for (RedisCommands<String, String> server : redis.servers()) {
                used += Long.parseLong(server.info("memory").replaceAll("(?s).*used_memory:(\\d+).*", "$1"));
            }
            return used;
        }

        private long redisCpuMicros() {
            double seconds = 0;
            for (RedisCommands<String, String> server : redis.servers()) {
                String info = server.info("cpu");
                for (String field : new String[] {"used_cpu_sys", "used_cpu_user"}) {
                    seconds += Double.parseDouble(info.replaceAll("(?s).*" + field + ":([0-9.]+).*", "$1"));
                }
            }
            return (long) (seconds * 1e6);
        }
    }

    private void latency() throws Exception {
        try (PostgresServer postgres = PostgresServer.start(); RedisServer redis = RedisServer.start()) {
            EmbeddedConnectCluster connect = ConnectClusters.start("bench-latency", 1);
            try (LatencyRun run = new LatencyRun(postgres, redis, connect)) {
                run.start();
                for (int rate : new int[] {500, 2000, 5000}) {
                    LatencyRun.Percentiles p = run.measure(rate, 15);
                    result("e2e_rate_achieved_at_" + rate, p.achievedRate(), "changes/s");
                    result("e2e_p50_ms_at_" + rate, p.p50(), "ms");
                    result("e2e_p95_ms_at_" + rate, p.p95(), "ms");
                    result("e2e_p99_ms_at_" + rate, p.p99(), "ms");
                    result("commit_to_kafka_p50_ms_at_" + rate, p.kafkaP50(), "ms");
                    result("commit_to_kafka_p99_ms_at_" + rate, p.kafkaP99(), "ms");
                    result("kafka_record_to_redis_p50_ms_at_" + rate, p.sinkP50(), "ms");
                    result("kafka_record_to_redis_p99_ms_at_" + rate, p.sinkP99(), "ms");
                }
            } finally {
                connect.stop();
            }
        }
    }

    /** The sync strategies under a Zipf read load (s = 0.99) and 500 changes/s (docs/benchmarks.md). */
    private void cache(int rows, int seconds) throws Exception {
        try (PostgresServer postgres = PostgresServer.start(); RedisServer redis = RedisServer.start()) {
            EmbeddedConnectCluster connect = ConnectClusters.start("bench-cache", 1);
            try (CacheRun run = new CacheRun(postgres, redis, connect, rows, 0.99, 500)) {
                run.start();
                progress("cache strategies over " + rows + " rows, " + seconds + " s each");
                List<CacheRun.Result> results = new ArrayList<>();
                results.add(run.noCache(seconds));
                results.add(run.ttlOnly(seconds));
                for (String mode : List.of("upsert", "invalidate", "update-if-cached", "adaptive")) {
                    results.add(run.writeMode(mode, seconds));
                }
                System.out.println("| strategy | reads/s | hit rate | stale reads | stale > 1 s | read p50 ms "
                        + "| read p99 ms | PostgreSQL reads/s | writes/s | Redis MiB |");
                for (CacheRun.Result r : results) {
                    System.out.printf("| %s | %.0f | %.3f | %d of %d | %d | %.2f | %.2f | %.0f | %.0f | %.1f |%n",
                            r.strategy(), r.readsPerSecond(), r.hitRate(), r.staleReads(), r.reads(),
                            r.staleOlderThan1s(), r.p50Ms(), r.p99Ms(), r.postgresReadsPerSecond(),
                            r.writesPerSecond(), r.redisMiB());
                    String name = "cache_" + r.strategy().replace('-', '_');
                    result(name + "_hit_rate", r.hitRate(), "ratio");
                    result(name + "_stale_reads", r.staleReads(), "reads");
                    result(name + "_stale_reads_older_than_1s", r.staleOlderThan1s(), "reads");
                    result(name + "_read_p50", r.p50Ms(), "ms");
                    result(name + "_read_p99", r.p99Ms(), "ms");
                    result(name + "_postgres_reads", r.postgresReadsPerSecond(), "reads/s");
                    result(name + "_redis_memory", r.redisMiB(), "MiB");
                }
            } finally {
                connect.stop();
            }
        }
    }
}
