package io.github.pgredis.sink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import io.github.pgredis.sink.apply.FeedContent;
import io.github.pgredis.sink.apply.TableSettings;
import io.github.pgredis.sink.apply.TruncateMode;
import io.github.pgredis.sink.apply.TtlMode;
import io.github.pgredis.sink.apply.VersionStorage;
import io.github.pgredis.sink.apply.WriteMode;
import io.github.pgredis.sink.config.DescribedValidator;
import io.github.pgredis.sink.config.EnumValidator;
import io.github.pgredis.sink.config.ShownWhen;
import io.github.pgredis.sink.mapping.ColumnSelection;
import io.github.pgredis.sink.mapping.KeyTemplate;
import io.github.pgredis.sink.mapping.ValueFormat;
import io.github.pgredis.sink.redis.RedisSettings;
import io.github.pgredis.sink.redis.TlsVerifyMode;
import io.github.pgredis.sink.redis.Topology;

/**
 * Every configuration key of the Redis sink, declared once, parsed once into final fields. Problems that involve
 * more than one key, or the inside of one, are found in one place ({@link #problems()}), which both
 * {@code validate()} and the task use.
 */
public final class RedisSinkConfig extends AbstractConfig {
    /** A problem of the configuration, reported against the key at fault. */
    public record Problem(String key, String message) {
    }

    private static final String GROUP_CONNECTION = "Redis connection";
    private static final String GROUP_MAPPING = "Mapping";
    private static final String GROUP_CACHE = "Cache";
    private static final String GROUP_FEED = "Change feed";
    private static final String GROUP_RESYNC = "Re-sync";
    private static final String GROUP_VERSIONING = "Versioning";
    private static final String GROUP_RETRIES = "Retries";

    public static final String REDIS_URI = "redis.uri";
    public static final String REDIS_URI_DEFAULT = "redis://localhost:6379";
    private static final String REDIS_URI_DISPLAY = "Redis URI";
    private static final String REDIS_URI_DOC = "Where Redis is, in the form redis.topology asks for. Standalone: "
            + "redis://host:port[/database]. Cluster: the seed nodes, redis://host:port,host:port,... (database 0 "
            + "only). Sentinel: redis-sentinel://host:port[,host:port...][/database]#master, the sentinels and the "
            + "master's name. rediss:// and rediss-sentinel:// turn TLS on. Credentials belong in redis.username "
            + "and redis.password, not in the URI.";

    public static final String REDIS_TOPOLOGY = "redis.topology";
    public static final String REDIS_TOPOLOGY_DEFAULT = "standalone";
    private static final String REDIS_TOPOLOGY_DISPLAY = "Redis topology";
    private static final String REDIS_TOPOLOGY_DOC = "standalone: one server (a replica set's master reached "
            + "directly). cluster: a Redis Cluster; writes are pipelined per master, MOVED and ASK are followed, "
            + "and the offsets are kept on every master. sentinel: the master that Redis Sentinel names, followed "
            + "across failovers. In each, a failover or restart that lost writes is detected and what it lost is "
            + "applied again (docs/reliability.md).";

    public static final String REDIS_USERNAME = "redis.username";
    public static final String REDIS_USERNAME_DEFAULT = "";
    private static final String REDIS_USERNAME_DISPLAY = "Redis ACL user";
    private static final String REDIS_USERNAME_DOC = "ACL user name (Redis 6+). Leave empty to authenticate as the "
            + "default user, or when the server needs no authentication.";

    public static final String REDIS_PASSWORD = "redis.password";
    private static final String REDIS_PASSWORD_DISPLAY = "Redis password";
    private static final String REDIS_PASSWORD_DOC = "Password of the ACL user (or of requirepass). Masked by the "
            + "Connect REST API; use a config provider such as ${file:...} to keep it out of the connector JSON.";

    public static final String REDIS_TLS_ENABLED = "redis.tls.enabled";
    public static final boolean REDIS_TLS_ENABLED_DEFAULT = false;
    private static final String REDIS_TLS_ENABLED_DISPLAY = "TLS";
    private static final String REDIS_TLS_ENABLED_DOC = "Connect with TLS. A rediss:// URI enables TLS as well.";

    public static final String REDIS_TLS_VERIFY_MODE = "redis.tls.verify.mode";
    public static final String REDIS_TLS_VERIFY_MODE_DEFAULT = "full";
    private static final String REDIS_TLS_VERIFY_MODE_DISPLAY = "TLS peer verification";
    private static final String REDIS_TLS_VERIFY_MODE_DOC = "How the server certificate is checked: full (chain and "
            + "host name), ca (chain only) or none (no check; for tests only).";

    public static final String REDIS_TLS_TRUSTSTORE_PATH = "redis.tls.truststore.path";
    public static final String REDIS_TLS_TRUSTSTORE_PATH_DEFAULT = "";
    private static final String REDIS_TLS_TRUSTSTORE_PATH_DISPLAY = "TLS truststore";
    private static final String REDIS_TLS_TRUSTSTORE_PATH_DOC = "Truststore file (JKS or PKCS12) with the CA that "
            + "signed the server certificate. Empty: the JVM's default trust store.";

    public static final String REDIS_TLS_TRUSTSTORE_PASSWORD = "redis.tls.truststore.password";
    private static final String REDIS_TLS_TRUSTSTORE_PASSWORD_DISPLAY = "TLS truststore password";
    private static final String REDIS_TLS_TRUSTSTORE_PASSWORD_DOC = "Password of the truststore, if it has one.";

    public static final String REDIS_WAIT_REPLICAS = "redis.wait.replicas";
    private static final String REDIS_WAIT_REPLICAS_DISPLAY = "Replicas to wait for";
    private static final String REDIS_WAIT_REPLICAS_DOC = "When above 0, each batch's writes count, and its offsets "
            + "are recorded, only once WAIT confirms that this many replicas have them; a batch they do not confirm "
            + "within redis.wait.timeout.ms is applied again after a backoff (back-pressure, retried like a "
            + "transient failure until retry.timeout.ms). 0: do not wait. WAIT is not durability: with more "
            + "replicas than this, a failover may promote one that did not confirm.";

    public static final String REDIS_WAIT_TIMEOUT_MS = "redis.wait.timeout.ms";
    private static final String REDIS_WAIT_TIMEOUT_MS_DISPLAY = "Replica wait timeout (ms)";
    private static final String REDIS_WAIT_TIMEOUT_MS_DOC = "How long WAIT waits for the replicas of "
            + "redis.wait.replicas, per batch; below half of redis.timeout.ms.";

    public static final String REDIS_TLS_KEYSTORE_PATH = "redis.tls.keystore.path";
    private static final String REDIS_TLS_KEYSTORE_PATH_DISPLAY = "TLS client keystore";
    private static final String REDIS_TLS_KEYSTORE_PATH_DOC = "Keystore file (PKCS12 or JKS) with the sink's client "
            + "certificate and its key, for a server that asks for one (tls-auth-clients yes or optional): mutual "
            + "TLS. Empty: no client certificate.";

    public static final String REDIS_TLS_CERTIFICATE_PATH = "redis.tls.certificate.path";
    private static final String REDIS_TLS_CERTIFICATE_PATH_DISPLAY = "TLS client certificate (PEM)";
    private static final String REDIS_TLS_CERTIFICATE_PATH_DOC = "PEM file with the sink's client certificate (and "
            + "any intermediate certificates), with redis.tls.key.path: mutual TLS from PEM files instead of a "
            + "keystore. Empty: none.";

    public static final String REDIS_TLS_KEY_PATH = "redis.tls.key.path";
    private static final String REDIS_TLS_KEY_PATH_DISPLAY = "TLS client key (PEM)";
    private static final String REDIS_TLS_KEY_PATH_DOC = "PEM file with the unencrypted PKCS#8 private key of "
            + "redis.tls.certificate.path (BEGIN PRIVATE KEY; openssl pkcs8 -topk8 -nocrypt converts others).";

    public static final String REDIS_TLS_KEYSTORE_PASSWORD = "redis.tls.keystore.password";
    private static final String REDIS_TLS_KEYSTORE_PASSWORD_DISPLAY = "TLS client keystore password";
    private static final String REDIS_TLS_KEYSTORE_PASSWORD_DOC = "Password of the client keystore and of its key.";

    public static final String REDIS_TIMEOUT_MS = "redis.timeout.ms";
    public static final long REDIS_TIMEOUT_MS_DEFAULT = 10_000L;
    private static final String REDIS_TIMEOUT_MS_DISPLAY = "Command timeout (ms)";
    private static final String REDIS_TIMEOUT_MS_DOC = "How long to wait for Redis to answer a pipelined batch or a "
            + "single command before the attempt counts as a transient failure and is retried.";

    public static final String REDIS_CONNECT_TIMEOUT_MS = "redis.connect.timeout.ms";
    public static final long REDIS_CONNECT_TIMEOUT_MS_DEFAULT = 5_000L;
    private static final String REDIS_CONNECT_TIMEOUT_MS_DISPLAY = "Connect timeout (ms)";
    private static final String REDIS_CONNECT_TIMEOUT_MS_DOC = "How long to wait for a TCP (and TLS) connection.";

    public static final String KEY_TEMPLATE = "key.template";
    public static final String KEY_TEMPLATE_DEFAULT = "${collection}:${key}";
    private static final String KEY_TEMPLATE_DISPLAY = "Key template";
    private static final String KEY_TEMPLATE_DOC = "How a record becomes a Redis key. Placeholders: ${collection} "
            + "(schema.table of the change: from the Debezium source block or the __schema and __table fields, "
            + "else from a topic named <prefix>.<schema>.<table>, else the topic itself), ${schema}, ${table}, "
            + "${topic}, ${key} (all key columns in column-name order, joined by ':'; the same under every "
            + "converter) and ${key.<column>}. Values are escaped so that different rows never share a key: '%' "
            + "':' '{' '}' become %25 %3A %7B %7D, and in schema and table names '.' becomes %2E. Braces written in "
            + "the template form a Redis Cluster hash tag and must enclose text.";

    public static final String VALUE_FORMAT = "value.format";
    public static final String VALUE_FORMAT_DEFAULT = "hash";
    private static final String VALUE_FORMAT_DISPLAY = "Value format";
    private static final String VALUE_FORMAT_DOC = "hash: one Redis hash per row, one field per non-NULL column, "
            + "rendered as text. json: one Redis string per row holding the row as a JSON object.";

    public static final String TOAST_PLACEHOLDER = "toast.placeholder";
    public static final String TOAST_PLACEHOLDER_DEFAULT = "__debezium_unavailable_value";
    private static final String TOAST_PLACEHOLDER_DISPLAY = "Unavailable-value placeholder";
    private static final String TOAST_PLACEHOLDER_DOC = "The value Debezium sends for a TOASTed column that an update "
            + "did not change (Debezium's unavailable.value.placeholder). Such a column keeps the value Redis holds; "
            + "the placeholder is never written.";

    public static final String FLATTENED_METADATA_PREFIX = "flattened.metadata.prefix";
    public static final String FLATTENED_METADATA_PREFIX_DEFAULT = "__";
    private static final String FLATTENED_METADATA_PREFIX_DISPLAY = "Metadata field prefix";
    private static final String FLATTENED_METADATA_PREFIX_DOC = "Prefix of the fields that Debezium's "
            + "ExtractNewRecordState adds to a flattened row (__deleted, __op, __lsn, __table, ...). They steer the "
            + "sink and are not written to Redis.";

    public static final String TRUNCATE_MODE = "truncate.mode";
    public static final String TRUNCATE_MODE_DEFAULT = "delete";
    private static final String TRUNCATE_MODE_DISPLAY = "On TRUNCATE";
    private static final String TRUNCATE_MODE_DOC = "delete: a truncate event removes every key of its table "
            + "(incremental SCAN and versioned delete), so it needs a key template whose text before the first key "
            + "placeholder is unique to the table, as the default is. ignore: truncate events change nothing.";

    public static final String VALUE_MAX_BYTES = "value.max.bytes";
    public static final long VALUE_MAX_BYTES_DEFAULT = 128L * 1024 * 1024;
    private static final String VALUE_MAX_BYTES_DISPLAY = "Largest value (bytes)";
    private static final String VALUE_MAX_BYTES_DOC = "A row whose rendered value (the hash fields and values, or the "
            + "JSON document) is larger is the record's fault: it goes to the dead-letter queue (or fails the task) "
            + "instead of being written. Redis refuses any argument above its proto-max-bulk-len (512 MB by "
            + "default) by dropping the connection, which would otherwise look transient and stall the sink.";

    public static final String VERSION_EPOCH = "version.epoch";
    public static final int VERSION_EPOCH_DEFAULT = 0;
    private static final String VERSION_EPOCH_DISPLAY = "Version epoch";
    private static final String VERSION_EPOCH_DOC = "Leading part of every version written. Raise it when the "
            + "source's positions restart (a restored or replaced database, a recreated topic for records versioned "
            + "by Kafka offset): writes of a higher epoch always win over those of a lower one.";

    public static final String VERSION_FIELD = "version.field";
    public static final String VERSION_FIELD_DEFAULT = "";
    private static final String VERSION_FIELD_DISPLAY = "Version field";
    private static final String VERSION_FIELD_DOC = "For records that are not Debezium change events: a numeric value "
            + "field that orders the changes of a key. Empty: the Kafka offset orders them. Debezium events are "
            + "always ordered by their source position.";

    public static final String VERSION_STORAGE = "version.storage";
    public static final String VERSION_STORAGE_DEFAULT = "key";
    private static final String VERSION_STORAGE_DISPLAY = "Version storage";
    private static final String VERSION_STORAGE_DOC = "Where a hash row keeps its version. key: in a version key of "
            + "its own beside the row (<internal.key.prefix>v{<data key>}). row: in a field of the row's hash named "
            + "<internal.key.prefix>v, which readers of the whole hash see: it saves the version key (40 to 104 "
            + "bytes a row on the benchmark's 10-column row) and one of the four Redis commands of an update. Needs "
            + "value.format=hash and no ttl.ms, since a version must outlive its row; a deleted row's marker is a "
            + "version key either way. Rows written with the other setting keep their guard and move over as they "
            + "are next written. The field's name is reserved in hash rows in either setting: a column of that "
            + "name fails its record.";

    public static final String DELETE_MARKER_RETENTION_MS = "delete.marker.retention.ms";
    public static final long DELETE_MARKER_RETENTION_MS_DEFAULT = 7L * 24 * 60 * 60 * 1000;
    private static final String DELETE_MARKER_RETENTION_MS_DISPLAY = "Delete marker retention (ms)";
    private static final String DELETE_MARKER_RETENTION_MS_DOC = "How long a deleted row's version is kept, so that a "
            + "replay of older changes cannot bring the row back. Keep it at least as long as the topic retention "
            + "through which the sink may be rewound.";

    public static final String INTERNAL_KEY_PREFIX = "internal.key.prefix";
    public static final String INTERNAL_KEY_PREFIX_DEFAULT = "__pgr:";
    private static final String INTERNAL_KEY_PREFIX_DISPLAY = "Internal key prefix";
    private static final String INTERNAL_KEY_PREFIX_DOC = "Prefix of the keys the sink and the cache client keep "
            + "for themselves: row versions and version markers (<prefix>v{<data key>}), applied offsets "
            + "(<prefix>offsets:{<connector name>}), fill leases (<prefix>lease{<data key>}), read counters "
            + "(<prefix>reads:<schema.table>:<bucket>), adaptive state (<prefix>adaptive:<schema.table>) and change "
            + "feeds (<prefix>feed:<schema.table>). It also names the field of a hash row that holds the row's version "
            + "with version.storage=row (<prefix>v), which no column may be named in hash format. Must not contain "
            + "braces.";

    public static final String RETRY_BACKOFF_INITIAL_MS = "retry.backoff.initial.ms";
    public static final long RETRY_BACKOFF_INITIAL_MS_DEFAULT = 100L;
    private static final String RETRY_BACKOFF_INITIAL_MS_DISPLAY = "Initial retry backoff (ms)";
    private static final String RETRY_BACKOFF_INITIAL_MS_DOC = "Pause before the first retry of a batch that failed "
            + "for a transient reason (connection loss, timeout, LOADING, BUSY, READONLY, MASTERDOWN, OOM). Doubles "
            + "with each further failure, with jitter, up to retry.backoff.max.ms.";

    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
    public static final long RETRY_BACKOFF_MAX_MS_DEFAULT = 10_000L;
    private static final String RETRY_BACKOFF_MAX_MS_DISPLAY = "Maximum retry backoff (ms)";
    private static final String RETRY_BACKOFF_MAX_MS_DOC = "Upper bound of the pause between retries.";

    public static final String RETRY_TIMEOUT_MS = "retry.timeout.ms";
    public static final long RETRY_TIMEOUT_MS_DEFAULT = -1L;
    private static final String RETRY_TIMEOUT_MS_DISPLAY = "Retry timeout (ms)";
    private static final String RETRY_TIMEOUT_MS_DOC = "How long transient failures may last before the task fails. "
            + "-1: retry without end (the batch is never dropped; consumer lag shows the stall).";

    public static final String WRITE_MODE = "write.mode";
    public static final String WRITE_MODE_DEFAULT = "upsert";
    private static final String WRITE_MODE_DISPLAY = "Write mode";
    private static final String WRITE_MODE_DOC = "What a change does to its row's key. upsert: the key always holds "
            + "the row (a replica). invalidate: any change deletes the key and readers refill it through the cache "
            + "client. update-if-cached: a change refreshes the key only if Redis holds it. adaptive: upsert while "
            + "the table's read hit rate (counted by the cache client) is below adaptive.target.hit.rate, "
            + "update-if-cached at or above it. Wherever a mode does not write the row it leaves a version marker "
            + "(kept for delete.marker.retention.ms), so that no older change or fill lands afterwards.";

    public static final String TTL_MS = "ttl.ms";
    public static final long TTL_MS_DEFAULT = 0L;
    private static final String TTL_MS_DISPLAY = "Row time to live (ms)";
    private static final String TTL_MS_DOC = "Time to live of a row's key, set by the same script that writes the "
            + "row (and by the cache client's fills). 0: rows do not expire. The row's version is kept for ttl.ms "
            + "plus delete.marker.retention.ms.";

    public static final String TTL_MODE = "ttl.mode";
    public static final String TTL_MODE_DEFAULT = "fixed";
    private static final String TTL_MODE_DISPLAY = "Time to live mode";
    private static final String TTL_MODE_DOC = "fixed: the time to live starts again at every write (except that a "
            + "refresh in update-if-cached, or adaptive while refreshing, keeps the time a cached row has left). "
            + "sliding: also at every read through the cache client that finds the row. Needs ttl.ms above 0.";

    public static final String ADAPTIVE_TARGET_HIT_RATE = "adaptive.target.hit.rate";
    public static final double ADAPTIVE_TARGET_HIT_RATE_DEFAULT = 0.95;
    private static final String ADAPTIVE_TARGET_HIT_RATE_DISPLAY = "Adaptive target hit rate";
    private static final String ADAPTIVE_TARGET_HIT_RATE_DOC = "For write.mode=adaptive: the read hit rate (over "
            + "adaptive.window.ms) at or above which changes only refresh cached rows; below it minus "
            + "adaptive.hysteresis, changes populate Redis again.";

    public static final String ADAPTIVE_HYSTERESIS = "adaptive.hysteresis";
    public static final double ADAPTIVE_HYSTERESIS_DEFAULT = 0.05;
    private static final String ADAPTIVE_HYSTERESIS_DISPLAY = "Adaptive hysteresis";
    private static final String ADAPTIVE_HYSTERESIS_DOC = "How far below its target the hit rate of a table in "
            + "refresh-only state must fall before its changes populate Redis again.";

    public static final String ADAPTIVE_WINDOW_MS = "adaptive.window.ms";
    public static final long ADAPTIVE_WINDOW_MS_DEFAULT = 60_000L;
    private static final String ADAPTIVE_WINDOW_MS_DISPLAY = "Adaptive window (ms)";
    private static final String ADAPTIVE_WINDOW_MS_DOC = "The window over which the hit rate is measured, in 10 "
            + "second buckets; the sink re-reads it every 5 seconds.";

    public static final String COLUMNS_INCLUDE = "columns.include";
    private static final String COLUMNS_INCLUDE_DISPLAY = "Columns stored";
    private static final String COLUMNS_INCLUDE_DOC = "Comma-separated columns to store; empty: every column. "
            + "Key columns make the key either way.";

    public static final String COLUMNS_EXCLUDE = "columns.exclude";
    private static final String COLUMNS_EXCLUDE_DISPLAY = "Columns left out";
    private static final String COLUMNS_EXCLUDE_DOC = "Comma-separated columns not to store.";

    public static final String COLUMNS_RENAME = "columns.rename";
    private static final String COLUMNS_RENAME_DISPLAY = "Column renames";
    private static final String COLUMNS_RENAME_DOC = "Comma-separated column:field entries: the column is stored "
            + "under the field name.";

    public static final String FEED_ENABLED = "feed.enabled";
    public static final boolean FEED_ENABLED_DEFAULT = false;
    private static final String FEED_ENABLED_DISPLAY = "Change feed";
    private static final String FEED_ENABLED_DOC = "Also append every applied change to the table's Redis Stream "
            + "(<internal prefix>feed:<schema.table>, with :epoch<N> for a version.epoch above 0), in the same script "
            + "as the write, with the change's source position as the entry ID, so that a replay never appends a "
            + "change twice. Snapshot rows, tombstones and records without a Debezium source position are not "
            + "appended. Needs the table's changes in one topic partition; while any table is fed, a task sends a "
            + "batch only once the one before is applied.";

    public static final String FEED_CONTENT = "feed.content";
    public static final String FEED_CONTENT_DEFAULT = "row";
    private static final String FEED_CONTENT_DISPLAY = "Change feed content";
    private static final String FEED_CONTENT_DOC = "row: an entry carries the row as the change wrote it (hash "
            + "format: a row.<column> field per column; json: a row field with the document; unchanged TOAST columns "
            + "and, in write.mode=invalidate, the whole row are left out). key: only op, key and version.";

    public static final String FEED_MAX_LENGTH = "feed.max.length";
    public static final long FEED_MAX_LENGTH_DEFAULT = 1_000_000L;
    private static final String FEED_MAX_LENGTH_DISPLAY = "Change feed length";
    private static final String FEED_MAX_LENGTH_DOC = "About how many entries each table's stream keeps (XADD MAXLEN "
            + "~): older entries are trimmed.";

    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    private static final String KAFKA_BOOTSTRAP_SERVERS_DISPLAY = "Kafka bootstrap servers";
    private static final String KAFKA_BOOTSTRAP_SERVERS_DOC = "The Kafka cluster of the sink's topics, for what the "
            + "sink reads and sends besides its records: a table topic's end offsets before a reconciliation, and the "
            + "snapshot signals of schema changes. Further client settings (security.protocol, sasl.*, ssl.*) go in "
            + "kafka.client.<setting>. Needed by snapshot.notification.topic and schema.change.signal.topic.";
    /** The prefix of the settings handed to the sink's own Kafka clients. */
    public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";

    public static final String SNAPSHOT_NOTIFICATION_TOPIC = "snapshot.notification.topic";
    private static final String SNAPSHOT_NOTIFICATION_TOPIC_DISPLAY = "Debezium notification topic";
    private static final String SNAPSHOT_NOTIFICATION_TOPIC_DOC = "Debezium's notification topic "
            + "(notification.enabled.channels=sink, notification.sink.topic.name), also named in topics or "
            + "topics.regex. Its records are read as notifications, not rows: once an incremental snapshot that the "
            + "scheduler or the sink asked for (signal ids resync: and schema-change:) has scanned a table and the "
            + "sink has applied the table's topic up to then, the keys of the table that neither the snapshot nor any "
            + "change since its start wrote are removed (reconciliation). Needs the "
            + "SnapshotNotificationPosition transform of the resync-scheduler plugin on the Debezium connector, "
            + "Debezium's default topic names (<topic.prefix>.<schema>.<table>) and kafka.bootstrap.servers. Empty: "
            + "off.";

    public static final String SCHEMA_CHANGE_SIGNAL_TOPIC = "schema.change.signal.topic";
    private static final String SCHEMA_CHANGE_SIGNAL_TOPIC_DISPLAY = "Schema change signal topic";
    private static final String SCHEMA_CHANGE_SIGNAL_TOPIC_DOC = "Debezium's signal.kafka.topic. When a table's "
            + "change events show other columns than before (a column dropped, added, renamed or retyped; Debezium "
            + "sends the new schema with the table's next change), the sink asks Debezium for an incremental snapshot "
            + "of the table through this topic, whose rows replace the stored ones whole, so that every row takes the "
            + "new shape. Needs kafka.bootstrap.servers. Empty: off.";

    /** A key of earlier versions, refused with the name of its replacement so that keys never move silently. */
    private static final String REMOVED_KEY_TEMPLATE_OVERRIDES = "key.template.overrides";

    /** The prefix of per-table settings: {@code table.<schema>.<table>.<setting>}. */
    public static final String TABLE_PREFIX = "table.";

    /** The settings a table may set for itself; each is also a connector-wide key, its default. */
    public static final List<String> TABLE_SETTINGS = List.of(KEY_TEMPLATE, WRITE_MODE, TTL_MS, TTL_MODE,
            ADAPTIVE_TARGET_HIT_RATE, COLUMNS_INCLUDE, COLUMNS_EXCLUDE, COLUMNS_RENAME, FEED_ENABLED, FEED_CONTENT);

    /** A hundred years: a time to live plus a marker retention stays an exact integer in Redis's Lua. */
    private static final long LONGEST_DURATION_MS = 100L * 365 * 24 * 60 * 60 * 1000;

    public static final ConfigDef CONFIG_DEF = configDef();
    private static final int DEFAULT_PORT = 6379;
    private static final int DEFAULT_SENTINEL_PORT = 26379;

    private final List<Problem> problems = new ArrayList<>();
    private final RedisSettings redisSettings;
    private final TableSettings defaults;
    private final Map<String, TableSettings> tables;
    private final double adaptiveHysteresis;
    private final long adaptiveWindowMs;
    private final long feedMaxLength;
    private final ValueFormat valueFormat;
    private final TruncateMode truncateMode;
    private final String toastPlaceholder;
    private final long valueMaxBytes;
    private final String flattenedMetadataPrefix;
    private final int versionEpoch;
    private final String versionField;
    private final VersionStorage versionStorage;
    private final long deleteMarkerRetentionMs;
    private final String internalKeyPrefix;
    private final long retryBackoffInitialMs;
    private final long retryBackoffMaxMs;
    private final long retryTimeoutMs;
    private final Map<String, Object> kafkaClientConfig;

    /** Parses the keys; problems that no single key's validator sees are in {@link #problems()}. */
    public RedisSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        redisSettings = parseRedisSettings();
        defaults = tableSettings(TABLE_SETTINGS.stream().collect(Collectors.toMap(name -> name, this::get)), "");
        tables = parseTables(props);
        if (props.containsKey(REMOVED_KEY_TEMPLATE_OVERRIDES)) {
            problems.add(new Problem(REMOVED_KEY_TEMPLATE_OVERRIDES, "was replaced by per-table settings: write each "
                    + "topic=template entry as table.<schema>.<table>.key.template=template"));
        }
        adaptiveHysteresis = getDouble(ADAPTIVE_HYSTERESIS);
        adaptiveWindowMs = getLong(ADAPTIVE_WINDOW_MS);
        feedMaxLength = getLong(FEED_MAX_LENGTH);
        valueFormat = EnumValidator.parse(ValueFormat.class, getString(VALUE_FORMAT));
        truncateMode = EnumValidator.parse(TruncateMode.class, getString(TRUNCATE_MODE));
        toastPlaceholder = getString(TOAST_PLACEHOLDER);
        valueMaxBytes = getLong(VALUE_MAX_BYTES);
        flattenedMetadataPrefix = getString(FLATTENED_METADATA_PREFIX);
        versionEpoch = getInt(VERSION_EPOCH);
        versionField = getString(VERSION_FIELD);
        versionStorage = EnumValidator.parse(VersionStorage.class, getString(VERSION_STORAGE));
        deleteMarkerRetentionMs = getLong(DELETE_MARKER_RETENTION_MS);
        internalKeyPrefix = getString(INTERNAL_KEY_PREFIX);
        retryBackoffInitialMs = getLong(RETRY_BACKOFF_INITIAL_MS);
        retryBackoffMaxMs = getLong(RETRY_BACKOFF_MAX_MS);
        retryTimeoutMs = getLong(RETRY_TIMEOUT_MS);
        kafkaClientConfig = kafkaClientConfig(props);
        checkTruncateCanFindTables();
        checkResync(props);
        checkClusterSupport();
        checkVersionStorage();
        if (waitReplicas() > 0 && 2 * getLong(REDIS_WAIT_TIMEOUT_MS) >= getLong(REDIS_TIMEOUT_MS)) {
            problems.add(new Problem(REDIS_WAIT_TIMEOUT_MS, "must be below half of " + REDIS_TIMEOUT_MS + "="
                    + getLong(REDIS_TIMEOUT_MS) + ": WAIT holds the connection until it answers, and a batch's "
                    + "WAIT may queue behind the one before"));
        }
        checkClientCertificate();
    }

    /** A client certificate comes from a keystore or from a PEM pair, needs TLS, and its files must be readable. */
    private void checkClientCertificate() {
        String certificate = getString(REDIS_TLS_CERTIFICATE_PATH);
        String key = getString(REDIS_TLS_KEY_PATH);
        if (!getString(REDIS_TLS_KEYSTORE_PATH).isBlank() && !(certificate + key).isBlank()) {
            problems.add(new Problem(REDIS_TLS_CERTIFICATE_PATH, "the client certificate comes from "
                    + REDIS_TLS_KEYSTORE_PATH + " or from " + REDIS_TLS_CERTIFICATE_PATH + " and " + REDIS_TLS_KEY_PATH
                    + ", not both"));
            return;
        }
        if (certificate.isBlank() != key.isBlank()) {
            String missing = certificate.isBlank() ? REDIS_TLS_CERTIFICATE_PATH : REDIS_TLS_KEY_PATH;
            problems.add(new Problem(missing, "a PEM client certificate needs both " + REDIS_TLS_CERTIFICATE_PATH
                    + " and " + REDIS_TLS_KEY_PATH));
            return;
        }
        for (String file : List.of(REDIS_TLS_KEYSTORE_PATH, REDIS_TLS_CERTIFICATE_PATH, REDIS_TLS_KEY_PATH)) {
            String path = getString(file);
            if (path.isBlank()) {
                continue;
            }
            if (redisSettings != null && !redisSettings.tls().enabled()) {
                problems.add(new Problem(file, "a client certificate needs TLS: use rediss:// or " + REDIS_TLS_ENABLED
                        + "=true"));
            } else if (!Files.isReadable(Path.of(path))) {
                problems.add(new Problem(file, "no readable file at " + path));
            }
        }
    }

    private Map<String, Object> kafkaClientConfig(Map<String, String> props) {
        Map<String, Object> client = new HashMap<>(originalsWithPrefix(KAFKA_CLIENT_PREFIX));
        client.put("bootstrap.servers", getString(KAFKA_BOOTSTRAP_SERVERS));
        client.putIfAbsent("client.id", "pgredis-" + connectorName(props));
        return client;
    }

    private void checkResync(Map<String, String> props) {
        String notifications = snapshotNotificationTopic();
        boolean needsKafka = !notifications.isEmpty() || !schemaChangeSignalTopic().isEmpty();
        if (needsKafka && getString(KAFKA_BOOTSTRAP_SERVERS).isBlank()) {
            problems.add(new Problem(KAFKA_BOOTSTRAP_SERVERS, "set it to the Kafka cluster of the sink's topics: "
                    + SNAPSHOT_NOTIFICATION_TOPIC + " and " + SCHEMA_CHANGE_SIGNAL_TOPIC + " need it"));
        }
        if (notifications.isEmpty()) {
            return;
        }
        String topics = props.getOrDefault("topics", "");
        String regex = props.getOrDefault("topics.regex", "");
        boolean listed = Arrays.stream(topics.split(",")).map(String::trim).anyMatch(notifications::equals);
        boolean matched = false;
        try {
            matched = !regex.isBlank() && Pattern.compile(regex).matcher(notifications).matches();
        } catch (PatternSyntaxException e) {
            // Connect reports a bad topics.regex on its own key
        }
        if (!listed && !matched) {
            problems.add(new Problem(SNAPSHOT_NOTIFICATION_TOPIC, "the sink does not read topic '" + notifications
                    + "': add it to topics (or make topics.regex match it)"));
        }
    }

    /**
     * What a Redis Cluster cannot hold: a change feed is one stream per table, in one slot, written in the same script
     * as rows of every slot; a reconciliation resumes a SCAN cursor, which names one server's keyspace.
     */
    private void checkClusterSupport() {
        if (redisSettings == null || redisSettings.topology() != Topology.CLUSTER) {
            return;
        }
        if (defaults.feedEnabled()) {
            problems.add(new Problem(FEED_ENABLED, "a change feed is not supported with " + REDIS_TOPOLOGY
                    + "=cluster: its stream and the rows it follows are in different slots"));
        }
        tables.forEach((table, settings) -> {
            if (settings.feedEnabled() && !defaults.feedEnabled()) {
                problems.add(new Problem(TABLE_PREFIX + table + "." + FEED_ENABLED, "a change feed is not supported "
                        + "with " + REDIS_TOPOLOGY + "=cluster: its stream and the rows it follows are in different "
                        + "slots"));
            }
        });
        if (!snapshotNotificationTopic().isEmpty()) {
            problems.add(new Problem(SNAPSHOT_NOTIFICATION_TOPIC, "reconciliation after a re-sync is not supported "
                    + "with " + REDIS_TOPOLOGY + "=cluster yet; leave it empty (re-syncs still rewrite every row)"));
        }
    }

    /** Versions in rows need hash rows that do not expire: the version of an expired row would be gone with it. */
    private void checkVersionStorage() {
        if (versionStorage != VersionStorage.ROW) {
            return;
        }
        if (valueFormat != ValueFormat.HASH) {
            problems.add(new Problem(VERSION_STORAGE, "version.storage=row keeps versions in hash rows: it needs "
                    + VALUE_FORMAT + "=hash"));
        }
        String expiring = "a row with a time to live keeps its version in a key that outlives it: use "
                + VERSION_STORAGE + "=key with " + TTL_MS;
        if (defaults.ttlMs() > 0) {
            problems.add(new Problem(TTL_MS, expiring));
        }
        tables.forEach((table, settings) -> {
            if (settings.ttlMs() > 0 && defaults.ttlMs() == 0) {
                problems.add(new Problem(TABLE_PREFIX + table + "." + TTL_MS, expiring));
            }
        });
    }

    /** The configuration, or a ConfigException naming every problem: what a connector or task starts with. */
    public static RedisSinkConfig checked(Map<String, String> props) {
        RedisSinkConfig config = new RedisSinkConfig(props);
        if (!config.problems.isEmpty()) {
            throw new ConfigException(config.problems.stream().map(p -> p.key() + ": " + p.message())
                    .collect(Collectors.joining("; ")));
        }
        return config;
    }

    /** Problems that involve more than one key or the inside of one, each against the key at fault. */
    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    private static final Pattern REDIS_URI_SHAPE = Pattern.compile("([a-zA-Z-]+)://([^/#?]*)(/[^#?]*)?(#.*)?");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[^:\\[\\]]+)(?::(\\d{1,5}))?");

    private RedisSettings parseRedisSettings() {
        Topology topology = EnumValidator.parse(Topology.class, getString(REDIS_TOPOLOGY));
        String value = getString(REDIS_URI).trim();
        Matcher uri = REDIS_URI_SHAPE.matcher(value);
        String example = switch (topology) {
            case STANDALONE -> "redis://host:6379";
            case CLUSTER -> "redis://node1:6379,node2:6379,node3:6379";
            case SENTINEL -> "redis-sentinel://sentinel1:26379,sentinel2:26379/0#mymaster";
        };
        if (!uri.matches()) {
            problems.add(new Problem(REDIS_URI, "not a Redis URI; with " + REDIS_TOPOLOGY + "="
                    + topology.name().toLowerCase(Locale.ROOT) + " write it as " + example));
            return null;
        }
        String scheme = uri.group(1).toLowerCase(Locale.ROOT);
        boolean sentinelScheme = scheme.equals("redis-sentinel") || scheme.equals("rediss-sentinel");
        boolean plainScheme = scheme.equals("redis") || scheme.equals("rediss");
        if (topology == Topology.SENTINEL ? !sentinelScheme : !plainScheme) {
            problems.add(new Problem(REDIS_URI, "the scheme " + scheme + " does not fit " + REDIS_TOPOLOGY + "="
                    + topology.name().toLowerCase(Locale.ROOT) + "; write it as " + example
                    + (sentinelScheme ? ", or set " + REDIS_TOPOLOGY + "=sentinel" : "")));
            return null;
        }
        if (uri.group(2).contains("@")) {
            problems.add(new Problem(REDIS_URI, "credentials belong in " + REDIS_USERNAME + " and " + REDIS_PASSWORD
                    + ", where they are masked, not in the URI (the value is not shown: it holds credentials)"));
            return null;
        }
        List<RedisSettings.Endpoint> endpoints = new ArrayList<>();
        for (String hostPort : uri.group(2).split(",", -1)) {
            RedisSettings.Endpoint endpoint = endpoint(hostPort.trim(),
                    topology == Topology.SENTINEL ? DEFAULT_SENTINEL_PORT : DEFAULT_PORT, example);
            if (endpoint == null) {
                return null;
            }
            endpoints.add(endpoint);
        }
        if (topology == Topology.STANDALONE && endpoints.size() > 1) {
            problems.add(new Problem(REDIS_URI, "names " + endpoints.size() + " hosts; a list of hosts needs "
                    + REDIS_TOPOLOGY + "=cluster (seed nodes) or =sentinel (sentinels)"));
            return null;
        }
        String path = uri.group(3) == null ? "" : uri.group(3);
        int database = 0;
        if (path.length() > 1) {
            String number = path.substring(1);
            if (!number.chars().allMatch(Character::isDigit) || number.length() > 9) {
                problems.add(new Problem(REDIS_URI, "the path must be a database number, as in "
                        + "redis://host:6379/2; got '" + path + "'"));
                return null;
            }
            database = Integer.parseInt(number);
        }
        if (topology == Topology.CLUSTER && database != 0) {
            problems.add(new Problem(REDIS_URI, "a Redis Cluster has database 0 only; remove '" + path + "'"));
            return null;
        }
        String master = uri.group(4) == null ? "" : uri.group(4).substring(1);
        if (topology == Topology.SENTINEL ? master.isBlank() : !master.isEmpty()) {
            problems.add(new Problem(REDIS_URI, topology == Topology.SENTINEL
                    ? "needs the master's name after #, as in " + example
                    : "a #name is the master's name of a sentinel URI; remove it or set " + REDIS_TOPOLOGY
                            + "=sentinel"));
            return null;
        }
        Password password = getPassword(REDIS_PASSWORD);
        Password truststorePassword = getPassword(REDIS_TLS_TRUSTSTORE_PASSWORD);
        Password keystorePassword = getPassword(REDIS_TLS_KEYSTORE_PASSWORD);
        RedisSettings.Tls tls = new RedisSettings.Tls(usesTls(getBoolean(REDIS_TLS_ENABLED), value),
                EnumValidator.parse(TlsVerifyMode.class, getString(REDIS_TLS_VERIFY_MODE)),
                getString(REDIS_TLS_TRUSTSTORE_PATH), truststorePassword == null ? null : truststorePassword.value(),
                getString(REDIS_TLS_KEYSTORE_PATH), keystorePassword == null ? null : keystorePassword.value(),
                getString(REDIS_TLS_CERTIFICATE_PATH), getString(REDIS_TLS_KEY_PATH));
        return new RedisSettings(topology, endpoints, topology == Topology.SENTINEL ? master : null, database, tls,
                getString(REDIS_USERNAME), password == null ? null : password.value(), getLong(REDIS_TIMEOUT_MS),
                getLong(REDIS_CONNECT_TIMEOUT_MS));
    }

    /** One host[:port] of redis.uri, or null after adding the problem. */
    private RedisSettings.Endpoint endpoint(String hostPort, int defaultPort, String example) {
        Matcher parts = HOST_PORT.matcher(hostPort);
        if (!parts.matches()) {
            problems.add(new Problem(REDIS_URI, "needs a host or host:port in each place of its list, as in "
                    + example + "; got '" + hostPort + "'"));
            return null;
        }
        int port = parts.group(2) == null ? defaultPort : Integer.parseInt(parts.group(2));
        if (port < 1 || port > 65535) {
            problems.add(new Problem(REDIS_URI, "port " + port + " of '" + hostPort + "' is not a TCP port"));
            return null;
        }
        String host = parts.group(1);
        return new RedisSettings.Endpoint(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port);
    }

    private void checkTruncateCanFindTables() {
        if (truncateMode != TruncateMode.DELETE) {
            return;
        }
        if (!defaults.keyTemplate().hasTablePrefix()) {
            problems.add(new Problem(KEY_TEMPLATE, "with truncate.mode=delete the key template must start with the "
                    + "table (for example ${collection}:${key}) so a truncate can find the table's keys; or set "
                    + "truncate.mode=ignore"));
        }
        tables.forEach((table, settings) -> {
            if (settings.keyTemplate().startsWithKey()) {
                problems.add(new Problem(TABLE_PREFIX + table + "." + KEY_TEMPLATE, "with truncate.mode=delete the "
                        + "key template must put text for its table before the key (for example orders:${key}) so a "
                        + "truncate can find the table's keys; or set truncate.mode=ignore"));
            }
        });
    }

    /**
     * The tables named by table.<schema>.<table>.<setting> entries, each with the connector-wide settings where it
     * sets none; an entry that names no setting, or whose value its setting refuses, is a problem against it.
     */
    private Map<String, TableSettings> parseTables(Map<String, String> props) {
        Map<String, Map<String, Object>> perTable = new TreeMap<>();
        for (Map.Entry<String, String> entry : props.entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith(TABLE_PREFIX)) {
                continue;
            }
            String setting = TABLE_SETTINGS.stream().filter(candidate -> name.endsWith("." + candidate))
                    .max(Comparator.comparingInt(String::length)).orElse(null);
            int tableEnd = setting == null ? -1 : name.length() - setting.length() - 1;
            if (setting == null || name.lastIndexOf('.', tableEnd - 1) < TABLE_PREFIX.length()) {
                problems.add(new Problem(name, "a per-table setting is table.<schema>.<table>.<setting>, the setting "
                        + "one of " + String.join(", ", TABLE_SETTINGS)));
                continue;
            }
            ConfigDef.ConfigKey key = CONFIG_DEF.configKeys().get(setting);
            try {
                Object value = ConfigDef.parseType(name, entry.getValue(), key.type);
                if (key.validator != null) {
                    key.validator.ensureValid(name, value);
                }
                perTable.computeIfAbsent(name.substring(TABLE_PREFIX.length(), tableEnd), table -> new HashMap<>())
                        .put(setting, value);
            } catch (ConfigException e) {
                problems.add(new Problem(name, e.getMessage()));
            }
        }
        Map<String, TableSettings> parsed = new HashMap<>();
        perTable.forEach((table, own) -> {
            Map<String, Object> values = new HashMap<>();
            TABLE_SETTINGS.forEach(name -> values.put(name, own.containsKey(name) ? own.get(name) : get(name)));
            parsed.put(table, tableSettings(values, TABLE_PREFIX + table + "."));
        });
        return Map.copyOf(parsed);
    }

    /** Settings from parsed values; where they conflict, the problem is recorded against prefix + key. */
    @SuppressWarnings("unchecked")
    private TableSettings tableSettings(Map<String, Object> values, String prefix) {
        long ttlMs = (Long) values.get(TTL_MS);
        TtlMode ttlMode = EnumValidator.parse(TtlMode.class, (String) values.get(TTL_MODE));
        if (ttlMode == TtlMode.SLIDING && ttlMs == 0) {
            problems.add(new Problem(prefix + TTL_MODE, "ttl.mode=sliding needs a ttl.ms above 0"));
        }
        ColumnSelection columns = ColumnSelection.ALL;
        try {
            columns = ColumnSelection.of((List<String>) values.get(COLUMNS_INCLUDE),
                    (List<String>) values.get(COLUMNS_EXCLUDE), (List<String>) values.get(COLUMNS_RENAME));
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(prefix + COLUMNS_RENAME, e.getMessage()));
        }
        return new TableSettings(KeyTemplate.parse((String) values.get(KEY_TEMPLATE)),
                EnumValidator.parse(WriteMode.class, (String) values.get(WRITE_MODE)), ttlMs, ttlMode,
                (Double) values.get(ADAPTIVE_TARGET_HIT_RATE), columns, (Boolean) values.get(FEED_ENABLED),
                EnumValidator.parse(FeedContent.class, (String) values.get(FEED_CONTENT)));
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        List<String> tlsKeys = List.of(REDIS_TLS_VERIFY_MODE, REDIS_TLS_TRUSTSTORE_PATH, REDIS_TLS_TRUSTSTORE_PASSWORD,
                REDIS_TLS_KEYSTORE_PATH, REDIS_TLS_KEYSTORE_PASSWORD, REDIS_TLS_CERTIFICATE_PATH, REDIS_TLS_KEY_PATH);
        ShownWhen withTls = ShownWhen.when(RedisSinkConfig::tlsOn);
        def.define(REDIS_URI, Type.STRING, REDIS_URI_DEFAULT, new ConfigDef.NonEmptyString(), Importance.HIGH,
                REDIS_URI_DOC, GROUP_CONNECTION, ++order, Width.LONG, REDIS_URI_DISPLAY, tlsKeys);
        EnumValidator topologies = EnumValidator.of(Topology.class);
        def.define(REDIS_TOPOLOGY, Type.STRING, REDIS_TOPOLOGY_DEFAULT, topologies, Importance.MEDIUM,
                REDIS_TOPOLOGY_DOC, GROUP_CONNECTION, ++order, Width.SHORT, REDIS_TOPOLOGY_DISPLAY, topologies);
        def.define(REDIS_USERNAME, Type.STRING, REDIS_USERNAME_DEFAULT, Importance.HIGH, REDIS_USERNAME_DOC, GROUP_CONNECTION, ++order,
                Width.MEDIUM, REDIS_USERNAME_DISPLAY);
        def.define(REDIS_PASSWORD, Type.PASSWORD, null, Importance.HIGH, REDIS_PASSWORD_DOC, GROUP_CONNECTION,
                ++order, Width.MEDIUM, REDIS_PASSWORD_DISPLAY);
        def.define(REDIS_TLS_ENABLED, Type.BOOLEAN, REDIS_TLS_ENABLED_DEFAULT, Importance.MEDIUM, REDIS_TLS_ENABLED_DOC,
                GROUP_CONNECTION, ++order, Width.SHORT, REDIS_TLS_ENABLED_DISPLAY, tlsKeys, ShownWhen.aBoolean());
        EnumValidator verifyModes = EnumValidator.of(TlsVerifyMode.class);
        def.define(REDIS_TLS_VERIFY_MODE, Type.STRING, REDIS_TLS_VERIFY_MODE_DEFAULT, verifyModes, Importance.LOW, REDIS_TLS_VERIFY_MODE_DOC,
                GROUP_CONNECTION, ++order, Width.SHORT, REDIS_TLS_VERIFY_MODE_DISPLAY, withTls.recommending(verifyModes));
        def.define(REDIS_TLS_TRUSTSTORE_PATH, Type.STRING, REDIS_TLS_TRUSTSTORE_PATH_DEFAULT, Importance.LOW, REDIS_TLS_TRUSTSTORE_PATH_DOC,
                GROUP_CONNECTION, ++order, Width.LONG, REDIS_TLS_TRUSTSTORE_PATH_DISPLAY, withTls);
        def.define(REDIS_TLS_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                REDIS_TLS_TRUSTSTORE_PASSWORD_DOC, GROUP_CONNECTION, ++order, Width.MEDIUM,
                REDIS_TLS_TRUSTSTORE_PASSWORD_DISPLAY, withTls);
        def.define(REDIS_WAIT_REPLICAS, Type.INT, 0, Range.between(0, 64), Importance.MEDIUM,
                REDIS_WAIT_REPLICAS_DOC, GROUP_CONNECTION, ++order, Width.SHORT, REDIS_WAIT_REPLICAS_DISPLAY,
                List.of(REDIS_WAIT_TIMEOUT_MS));
        def.define(REDIS_WAIT_TIMEOUT_MS, Type.LONG, 1_000L, Range.atLeast(1), Importance.LOW,
                REDIS_WAIT_TIMEOUT_MS_DOC, GROUP_CONNECTION, ++order, Width.SHORT, REDIS_WAIT_TIMEOUT_MS_DISPLAY,
                ShownWhen.when(config -> config.get(REDIS_WAIT_REPLICAS) instanceof Integer replicas && replicas > 0));
        def.define(REDIS_TLS_KEYSTORE_PATH, Type.STRING, "", Importance.LOW, REDIS_TLS_KEYSTORE_PATH_DOC,
                GROUP_CONNECTION, ++order, Width.LONG, REDIS_TLS_KEYSTORE_PATH_DISPLAY, withTls);
        def.define(REDIS_TLS_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW, REDIS_TLS_KEYSTORE_PASSWORD_DOC,
                GROUP_CONNECTION, ++order, Width.MEDIUM, REDIS_TLS_KEYSTORE_PASSWORD_DISPLAY, withTls);
        def.define(REDIS_TLS_CERTIFICATE_PATH, Type.STRING, "", Importance.LOW, REDIS_TLS_CERTIFICATE_PATH_DOC,
                GROUP_CONNECTION, ++order, Width.LONG, REDIS_TLS_CERTIFICATE_PATH_DISPLAY, withTls);
        def.define(REDIS_TLS_KEY_PATH, Type.STRING, "", Importance.LOW, REDIS_TLS_KEY_PATH_DOC, GROUP_CONNECTION,
                ++order, Width.LONG, REDIS_TLS_KEY_PATH_DISPLAY, withTls);
        def.define(REDIS_TIMEOUT_MS, Type.LONG, REDIS_TIMEOUT_MS_DEFAULT, Range.atLeast(1), Importance.LOW,
                REDIS_TIMEOUT_MS_DOC, GROUP_CONNECTION, ++order, Width.SHORT, REDIS_TIMEOUT_MS_DISPLAY);
        def.define(REDIS_CONNECT_TIMEOUT_MS, Type.LONG, REDIS_CONNECT_TIMEOUT_MS_DEFAULT, Range.atLeast(1),
                Importance.LOW, REDIS_CONNECT_TIMEOUT_MS_DOC, GROUP_CONNECTION, ++order, Width.SHORT,
                REDIS_CONNECT_TIMEOUT_MS_DISPLAY);

        order = 0;
        def.define(KEY_TEMPLATE, Type.STRING, KEY_TEMPLATE_DEFAULT, KeyTemplate.VALIDATOR, Importance.MEDIUM,
                KEY_TEMPLATE_DOC, GROUP_MAPPING, ++order, Width.LONG, KEY_TEMPLATE_DISPLAY);
        EnumValidator formats = EnumValidator.of(ValueFormat.class);
        def.define(VALUE_FORMAT, Type.STRING, VALUE_FORMAT_DEFAULT, formats, Importance.HIGH, VALUE_FORMAT_DOC, GROUP_MAPPING,
                ++order, Width.SHORT, VALUE_FORMAT_DISPLAY, List.of(VERSION_STORAGE), formats);
        EnumValidator truncateModes = EnumValidator.of(TruncateMode.class);
        def.define(TRUNCATE_MODE, Type.STRING, TRUNCATE_MODE_DEFAULT, truncateModes, Importance.MEDIUM, TRUNCATE_MODE_DOC,
                GROUP_MAPPING, ++order, Width.SHORT, TRUNCATE_MODE_DISPLAY, truncateModes);
        def.define(TOAST_PLACEHOLDER, Type.STRING, TOAST_PLACEHOLDER_DEFAULT, new ConfigDef.NonEmptyString(),
                Importance.LOW, TOAST_PLACEHOLDER_DOC, GROUP_MAPPING, ++order, Width.MEDIUM,
                TOAST_PLACEHOLDER_DISPLAY);
        def.define(VALUE_MAX_BYTES, Type.LONG, VALUE_MAX_BYTES_DEFAULT, Range.between(1, 512L * 1024 * 1024),
                Importance.LOW, VALUE_MAX_BYTES_DOC, GROUP_MAPPING, ++order, Width.SHORT, VALUE_MAX_BYTES_DISPLAY);
        def.define(FLATTENED_METADATA_PREFIX, Type.STRING, FLATTENED_METADATA_PREFIX_DEFAULT,
                new ConfigDef.NonEmptyString(), Importance.LOW, FLATTENED_METADATA_PREFIX_DOC, GROUP_MAPPING,
                ++order, Width.SHORT, FLATTENED_METADATA_PREFIX_DISPLAY);

        def.define(COLUMNS_INCLUDE, Type.LIST, "", Importance.LOW, COLUMNS_INCLUDE_DOC, GROUP_MAPPING, ++order,
                Width.LONG, COLUMNS_INCLUDE_DISPLAY);
        def.define(COLUMNS_EXCLUDE, Type.LIST, "", Importance.LOW, COLUMNS_EXCLUDE_DOC, GROUP_MAPPING, ++order,
                Width.LONG, COLUMNS_EXCLUDE_DISPLAY);
        def.define(COLUMNS_RENAME, Type.LIST, "", DescribedValidator.of("column:field, ...",
                RedisSinkConfig::validateRenames), Importance.LOW, COLUMNS_RENAME_DOC, GROUP_MAPPING, ++order,
                Width.LONG, COLUMNS_RENAME_DISPLAY);

        order = 0;
        EnumValidator writeModes = EnumValidator.of(WriteMode.class);
        def.define(WRITE_MODE, Type.STRING, WRITE_MODE_DEFAULT, writeModes, Importance.HIGH, WRITE_MODE_DOC,
                GROUP_CACHE, ++order, Width.SHORT, WRITE_MODE_DISPLAY,
                List.of(ADAPTIVE_TARGET_HIT_RATE, ADAPTIVE_HYSTERESIS, ADAPTIVE_WINDOW_MS), writeModes);
        ShownWhen adaptive = ShownWhen.when(config -> WriteMode.ADAPTIVE.name().equalsIgnoreCase(
                String.valueOf(config.get(WRITE_MODE)).trim()));
        def.define(TTL_MS, Type.LONG, TTL_MS_DEFAULT, Range.between(0, LONGEST_DURATION_MS), Importance.MEDIUM, TTL_MS_DOC, GROUP_CACHE,
                ++order, Width.SHORT, TTL_MS_DISPLAY, List.of(TTL_MODE));
        EnumValidator ttlModes = EnumValidator.of(TtlMode.class);
        def.define(TTL_MODE, Type.STRING, TTL_MODE_DEFAULT, ttlModes, Importance.MEDIUM, TTL_MODE_DOC, GROUP_CACHE,
                ++order, Width.SHORT, TTL_MODE_DISPLAY,
                ShownWhen.when(config -> config.get(TTL_MS) instanceof Long ttl && ttl > 0).recommending(ttlModes));
        def.define(ADAPTIVE_TARGET_HIT_RATE, Type.DOUBLE, ADAPTIVE_TARGET_HIT_RATE_DEFAULT, Range.between(0.0, 1.0),
                Importance.MEDIUM, ADAPTIVE_TARGET_HIT_RATE_DOC, GROUP_CACHE, ++order, Width.SHORT,
                ADAPTIVE_TARGET_HIT_RATE_DISPLAY, adaptive);
        def.define(ADAPTIVE_HYSTERESIS, Type.DOUBLE, ADAPTIVE_HYSTERESIS_DEFAULT, Range.between(0.0, 1.0),
                Importance.LOW, ADAPTIVE_HYSTERESIS_DOC, GROUP_CACHE, ++order, Width.SHORT,
                ADAPTIVE_HYSTERESIS_DISPLAY, adaptive);
        def.define(ADAPTIVE_WINDOW_MS, Type.LONG, ADAPTIVE_WINDOW_MS_DEFAULT, Range.atLeast(10_000), Importance.LOW,
                ADAPTIVE_WINDOW_MS_DOC, GROUP_CACHE, ++order, Width.SHORT, ADAPTIVE_WINDOW_MS_DISPLAY, adaptive);

        order = 0;
        def.define(FEED_ENABLED, Type.BOOLEAN, FEED_ENABLED_DEFAULT, Importance.MEDIUM, FEED_ENABLED_DOC, GROUP_FEED,
                ++order, Width.SHORT, FEED_ENABLED_DISPLAY, List.of(FEED_CONTENT, FEED_MAX_LENGTH), ShownWhen.aBoolean());
        ShownWhen fed = ShownWhen.when(config -> Boolean.TRUE.equals(config.get(FEED_ENABLED)));
        EnumValidator feedContents = EnumValidator.of(FeedContent.class);
        def.define(FEED_CONTENT, Type.STRING, FEED_CONTENT_DEFAULT, feedContents, Importance.LOW, FEED_CONTENT_DOC,
                GROUP_FEED, ++order, Width.SHORT, FEED_CONTENT_DISPLAY, fed.recommending(feedContents));
        def.define(FEED_MAX_LENGTH, Type.LONG, FEED_MAX_LENGTH_DEFAULT, Range.atLeast(1), Importance.LOW,
                FEED_MAX_LENGTH_DOC, GROUP_FEED, ++order, Width.SHORT, FEED_MAX_LENGTH_DISPLAY, fed);

        order = 0;
        def.define(KAFKA_BOOTSTRAP_SERVERS, Type.STRING, "", Importance.MEDIUM, KAFKA_BOOTSTRAP_SERVERS_DOC,
                GROUP_RESYNC, ++order, Width.LONG, KAFKA_BOOTSTRAP_SERVERS_DISPLAY);
        def.define(SNAPSHOT_NOTIFICATION_TOPIC, Type.STRING, "", Importance.MEDIUM, SNAPSHOT_NOTIFICATION_TOPIC_DOC,
                GROUP_RESYNC, ++order, Width.MEDIUM, SNAPSHOT_NOTIFICATION_TOPIC_DISPLAY);
        def.define(SCHEMA_CHANGE_SIGNAL_TOPIC, Type.STRING, "", Importance.MEDIUM, SCHEMA_CHANGE_SIGNAL_TOPIC_DOC,
                GROUP_RESYNC, ++order, Width.MEDIUM, SCHEMA_CHANGE_SIGNAL_TOPIC_DISPLAY);

        order = 0;
        def.define(VERSION_EPOCH, Type.INT, VERSION_EPOCH_DEFAULT, Range.between(0, 0xFFFF), Importance.MEDIUM, VERSION_EPOCH_DOC,
                GROUP_VERSIONING, ++order, Width.SHORT, VERSION_EPOCH_DISPLAY);
        def.define(VERSION_FIELD, Type.STRING, VERSION_FIELD_DEFAULT, Importance.LOW, VERSION_FIELD_DOC, GROUP_VERSIONING, ++order,
                Width.MEDIUM, VERSION_FIELD_DISPLAY);
        EnumValidator versionStorages = EnumValidator.of(VersionStorage.class);
        def.define(VERSION_STORAGE, Type.STRING, VERSION_STORAGE_DEFAULT, versionStorages, Importance.MEDIUM,
                VERSION_STORAGE_DOC, GROUP_VERSIONING, ++order, Width.SHORT, VERSION_STORAGE_DISPLAY,
                ShownWhen.when(config -> ValueFormat.HASH.name().equalsIgnoreCase(String.valueOf(
                        config.get(VALUE_FORMAT)))).recommending(versionStorages));
        def.define(DELETE_MARKER_RETENTION_MS, Type.LONG, DELETE_MARKER_RETENTION_MS_DEFAULT,
                Range.between(1, LONGEST_DURATION_MS),
                Importance.MEDIUM, DELETE_MARKER_RETENTION_MS_DOC, GROUP_VERSIONING, ++order, Width.MEDIUM,
                DELETE_MARKER_RETENTION_MS_DISPLAY);
        def.define(INTERNAL_KEY_PREFIX, Type.STRING, INTERNAL_KEY_PREFIX_DEFAULT, 
                DescribedValidator.of("non-empty, no braces", RedisSinkConfig::validatePrefix),
                Importance.LOW, INTERNAL_KEY_PREFIX_DOC, GROUP_VERSIONING, ++order, Width.SHORT,
                INTERNAL_KEY_PREFIX_DISPLAY);

        order = 0;
        def.define(RETRY_BACKOFF_INITIAL_MS, Type.LONG, RETRY_BACKOFF_INITIAL_MS_DEFAULT, Range.atLeast(1), Importance.LOW,
                RETRY_BACKOFF_INITIAL_MS_DOC, GROUP_RETRIES, ++order, Width.SHORT, RETRY_BACKOFF_INITIAL_MS_DISPLAY);
        def.define(RETRY_BACKOFF_MAX_MS, Type.LONG, RETRY_BACKOFF_MAX_MS_DEFAULT, Range.atLeast(1), Importance.LOW,
                RETRY_BACKOFF_MAX_MS_DOC, GROUP_RETRIES, ++order, Width.SHORT, RETRY_BACKOFF_MAX_MS_DISPLAY);
        def.define(RETRY_TIMEOUT_MS, Type.LONG, RETRY_TIMEOUT_MS_DEFAULT, Range.atLeast(-1), Importance.LOW, RETRY_TIMEOUT_MS_DOC,
                GROUP_RETRIES, ++order, Width.SHORT, RETRY_TIMEOUT_MS_DISPLAY);
        return def;
    }

    /** Whether the connection uses TLS, for the form: as {@link #usesTls} says for the keys' parsed values. */
    private static boolean tlsOn(Map<String, Object> config) {
        return usesTls(config.get(REDIS_TLS_ENABLED), String.valueOf(config.get(REDIS_URI)));
    }

    /** Whether the connection uses TLS: redis.tls.enabled, or a rediss:// (or rediss-sentinel://) URI. */
    private static boolean usesTls(Object tlsEnabled, String uri) {
        return Boolean.TRUE.equals(tlsEnabled) || uri.trim().toLowerCase(Locale.ROOT).startsWith("rediss");
    }

    private static void validatePrefix(String name, Object value) {
        String prefix = (String) value;
        if (prefix == null || prefix.isEmpty() || prefix.contains("{") || prefix.contains("}")) {
            throw new ConfigException(name, value, "must be non-empty and contain no braces");
        }
    }

    @SuppressWarnings("unchecked")
    private static void validateRenames(String name, Object value) {
        try {
            ColumnSelection.of(List.of(), List.of(), (List<String>) value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }

    /** The Redis server, or null when {@link #problems()} names a problem of redis.uri. */
    public RedisSettings redisSettings() {
        return redisSettings;
    }

    /** The settings of a table (schema and table as in its change events); the defaults for an unknown table. */
    public TableSettings table(String schema, String table) {
        if (tables.isEmpty() || schema == null || table == null) {
            return defaults;
        }
        return tables.getOrDefault(schema + "." + table, defaults);
    }

    public double adaptiveHysteresis() {
        return adaptiveHysteresis;
    }

    public long adaptiveWindowMs() {
        return adaptiveWindowMs;
    }

    public long feedMaxLength() {
        return feedMaxLength;
    }

    /** Whether any table's changes go to a change feed. */
    public boolean feedsAnyTable() {
        return defaults.feedEnabled() || tables.values().stream().anyMatch(TableSettings::feedEnabled);
    }

    public ValueFormat valueFormat() {
        return valueFormat;
    }

    public TruncateMode truncateMode() {
        return truncateMode;
    }

    public String toastPlaceholder() {
        return toastPlaceholder;
    }

    public long valueMaxBytes() {
        return valueMaxBytes;
    }

    public String flattenedMetadataPrefix() {
        return flattenedMetadataPrefix;
    }

    public VersionStorage versionStorage() {
        return versionStorage;
    }

    public int versionEpoch() {
        return versionEpoch;
    }

    public String versionField() {
        return versionField;
    }

    public long deleteMarkerRetentionMs() {
        return deleteMarkerRetentionMs;
    }

    public String internalKeyPrefix() {
        return internalKeyPrefix;
    }

    public long retryBackoffInitialMs() {
        return retryBackoffInitialMs;
    }

    public long retryBackoffMaxMs() {
        return retryBackoffMaxMs;
    }

    public long retryTimeoutMs() {
        return retryTimeoutMs;
    }

    /** How many replicas each batch waits for (WAIT); 0 for none. */
    public int waitReplicas() {
        return getInt(REDIS_WAIT_REPLICAS);
    }

    public long waitTimeoutMs() {
        return getLong(REDIS_WAIT_TIMEOUT_MS);
    }

    public String snapshotNotificationTopic() {
        return getString(SNAPSHOT_NOTIFICATION_TOPIC).trim();
    }

    public String schemaChangeSignalTopic() {
        return getString(SCHEMA_CHANGE_SIGNAL_TOPIC).trim();
    }

    /** The settings of the sink's own Kafka clients: kafka.bootstrap.servers and the kafka.client.* settings. */
    public Map<String, Object> kafkaClientConfig() {
        return kafkaClientConfig;
    }

    /** The key of a task's configuration that holds its number; set by the connector, not by users. */
    public static final String TASK_INDEX = "task.index";

    /** The connector's name, which names the offsets the sink keeps in Redis. */
    public static String connectorName(Map<String, String> connectorProps) {
        return connectorProps.getOrDefault("name", "redis-sink");
    }

    /**
     * The task's number among the connector's tasks, which the connector adds to each task's configuration
     * ({@link #TASK_INDEX}); it tags the task's metrics on workers that do not tag them themselves.
     */
    public static String taskIndex(Map<String, String> taskProps) {
        return taskProps.getOrDefault(TASK_INDEX, "0");
    }

    /** Connect's own error tolerance, which the task honours for failures it finds itself. */
    public static boolean toleratesAllErrors(Map<String, String> connectorProps) {
        return "all".equals(connectorProps.getOrDefault("errors.tolerance", "none").trim().toLowerCase(Locale.ROOT));
    }
}
