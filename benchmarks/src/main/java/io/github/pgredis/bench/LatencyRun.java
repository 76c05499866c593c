package io.github.pgredis.bench;

import java.sql.Array;
import java.time.Duration;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import io.github.pgredis.sink.testing.ConnectClusters;
import io.github.pgredis.sink.testing.PostgresServer;
import io.github.pgredis.sink.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * PostgreSQL commit to visible in Redis, through Debezium, Kafka and the sink with low-latency settings. Every
 * 10 ms one transaction updates rate/100 rows; the time is taken before the statement, so the figure includes the
 * commit itself. Redis's keyspace notifications tell when each row's HSET ran.
 */
final class LatencyRun implements AutoCloseable {
    private static final Pattern KEY_ID = Pattern.compile("\"id\":(\\d+)");
    private static final int ROWS = 50_000;
    private static final long TICK_MS = 10;
    private final PostgresServer postgres;
    private final RedisServer redis;
    private final EmbeddedConnectCluster connect;
    private final Map<Long, Long> pending = new ConcurrentHashMap<>();
    private final Map<Long, Long> pendingInKafka = new ConcurrentHashMap<>();
    private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> kafkaLatencies = Collections.synchronizedList(new ArrayList<>());
    /**
     * The sink's own share per change: Redis's write (wall clock) minus the Kafka record's timestamp (Debezium's
     * producer, in this JVM), whichever of the two is seen second.
     */
    private final Map<Long, Long> producedAtMs = new ConcurrentHashMap<>();
    private final Map<Long, Long> appliedAtMs = new ConcurrentHashMap<>();
    private final List<Long> sinkLatenciesMs = Collections.synchronizedList(new ArrayList<>());
    private Thread kafkaWatcher;
    private volatile boolean running = true;
    private final RedisClient client;
    private final StatefulRedisPubSubConnection<String, String> notifications;
    private volatile boolean measuring;

    /**
     * Commit to Redis, and (to tell where the time goes) commit to readable in Kafka, and the sink's own share:
     * the Kafka record's timestamp to Redis's write.
     */
    record Percentiles(double achievedRate, double p50, double p95, double p99, double kafkaP50, double kafkaP99,
            double sinkP50, double sinkP99) {
    }

    LatencyRun(PostgresServer postgres, RedisServer redis, EmbeddedConnectCluster connect) {
        this.postgres = postgres;
        this.redis = redis;
        this.connect = connect;
        this.client = RedisClient.create(redis.uri());
        this.notifications = client.connectPubSub();
    }

    /** Creates the table, starts Debezium and the sink, and waits until the initial rows are in Redis. */
    void start() {
        postgres.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL,"
                + " amount numeric(12,2), quantity int NOT NULL, discount double precision, paid boolean NOT NULL,"
                + " created_at timestamptz NOT NULL, updated_at timestamptz, note text)",
                "INSERT INTO orders SELECT g, g % 100000, 'new', 19.99, 1, 0.05, false, now(), now(), repeat('x', 200)"
                        + " FROM generate_series(1, " + ROWS + ") g");
        Map<String, String> source = postgres.debeziumConfig("pg", "public.orders");
        source.put("poll.interval.ms", "5");
        source.put("producer.override.linger.ms", "0");
        source.put("producer.override.batch.size", "262144");
        source.put("decimal.handling.mode", "precise");
        connect.configureConnector("pg-source", source);
        Map<String, String> sink = ConnectClusters.sinkConfig(redis.uri());
        sink.put("consumer.override.fetch.max.wait.ms", "100");
        connect.configureConnector("redis-sink", sink);
        ConnectClusters.await(Duration.ofMinutes(5), "the initial rows in Redis",
                () -> redis.commands().exists(OrderRows.rowKey(ROWS)) == 1);
        redis.commands().configSet("notify-keyspace-events", "Kh");
        notifications.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String pattern, String channel, String message) {
                long now = System.nanoTime();
                if (message.equals("hset")) {
                    Long id = Long.valueOf(channel.substring(channel.lastIndexOf(':') + 1));
                    Long committed = pending.remove(id);
                    if (committed != null && measuring) {
                        latencies.add(now - committed);
                        long appliedMs = System.currentTimeMillis();
                        Long produced = producedAtMs.remove(id);
                        if (produced != null) {
                            sinkLatenciesMs.add(appliedMs - produced);
                        } else {
                            appliedAtMs.put(id, appliedMs);
                        }
                    }
                }
            }
        });
        notifications.sync().psubscribe("__keyspace@0__:public.orders:*");
        kafkaWatcher = new Thread(this::watchKafka, "kafka-watcher");
        kafkaWatcher.start();
    }

    private void watchKafka() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers());
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(OrderRows.TOPIC).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    Matcher id = KEY_ID.matcher(record.key());
                    if (id.find()) {
                        Long key = Long.valueOf(id.group(1));
                        Long committed = pendingInKafka.remove(key);
                        if (committed != null && measuring) {
                            kafkaLatencies.add(now - committed);
                            Long applied = appliedAtMs.remove(key);
                            if (applied != null) {
                                sinkLatenciesMs.add(applied - record.timestamp());
                            } else {
                                producedAtMs.put(key, record.timestamp());
                            }
                        }
                    }
                }
            }
        }
    }

    /** Changes at {@code rate} rows per second for {@code seconds}, the first two not measured. */
    Percentiles measure(int rate, int seconds) throws Exception {
        int rowsPerTick = Math.max(1, rate / (int) (1000 / TICK_MS));
        AtomicLong nextId = new AtomicLong();
        AtomicLong changed = new AtomicLong();
        latencies.clear();
        kafkaLatencies.clear();
        pending.clear();
        pendingInKafka.clear();
        sinkLatenciesMs.clear();
        producedAtMs.clear();
        appliedAtMs.clear();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "postgres");
                PreparedStatement update = connection.prepareStatement("UPDATE orders SET quantity = quantity + 1,"
                        + " status = 'paid', updated_at = now() WHERE id = ANY (?)")) {
            ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
            long start = System.nanoTime();
            ticks.scheduleAtFixedRate(() -> {
                Long[] ids = new Long[rowsPerTick];
                for (int i = 0; i < rowsPerTick; i++) {
                    ids[i] = nextId.getAndIncrement() % ROWS + 1;
                }
                try {
                    Array array = connection.createArrayOf("bigint", ids);
                    long before = System.nanoTime();
                    for (Long id : ids) {
                        pending.put(id, before);
                        pendingInKafka.put(id, before);
                    }
                    update.setArray(1, array);
                    changed.addAndGet(update.executeUpdate());
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, 0, TICK_MS, TimeUnit.MILLISECONDS);
            ConnectClusters.sleep(2_000);
            long measuredFrom = changed.get();
            long measuredStart = System.nanoTime();
            measuring = true;
            ConnectClusters.sleep((seconds - 2) * 1000L);
            ticks.shutdown();
            ticks.awaitTermination(10, TimeUnit.SECONDS);
            double achieved = (changed.get() - measuredFrom) * 1e9 / (System.nanoTime() - measuredStart);
            ConnectClusters.await(Duration.ofSeconds(60), "every change of the run in Redis",
                    pending::isEmpty);
            measuring = false;
            List<Long> sorted = sorted(latencies);
            List<Long> inKafka = sorted(kafkaLatencies);
            List<Long> inSink = sorted(sinkLatenciesMs);
            return new Percentiles(achieved, millis(sorted, 0.50), millis(sorted, 0.95), millis(sorted, 0.99),
                    millis(inKafka, 0.50), millis(inKafka, 0.99), inSink.get(quantileIndex(inSink, 0.50)),
                    inSink.get(quantileIndex(inSink, 0.99)));
        }
    }

    private static List<Long> sorted(List<Long> samples) {
        List<Long> copy;
        synchronized (samples) {
            copy = new ArrayList<>(samples);
        }
        Collections.sort(copy);
        return copy;
    }

    private static double millis(List<Long> sortedNanos, double quantile) {
        return sortedNanos.get(quantileIndex(sortedNanos, quantile)) / 1e6;
    }

    private static int quantileIndex(List<Long> sorted, double quantile) {
        return Math.max(0, (int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1));
    }

    @Override
    public void close() {
        running = false;
        if (kafkaWatcher != null) {
            try {
                kafkaWatcher.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        notifications.close();
        client.shutdown();
    }
}
