package io.github.pgredis.sink;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import io.github.pgredis.sink.config.DescribedValidator;
import io.github.pgredis.sink.config.EnumValidator;
import io.github.pgredis.sink.mapping.KeyTemplate;

/** Every configuration key of the Redis sink, declared once. */
public final class RedisSinkConfig extends AbstractConfig {

    public enum ValueFormat { HASH, JSON }

    public enum TruncateMode { DELETE, IGNORE }

    public enum TlsVerifyMode { FULL, CA, NONE }

    private static final String GROUP_CONNECTION = "Redis connection";
    private static final String GROUP_MAPPING = "Mapping";
    private static final String GROUP_VERSIONING = "Versioning";
    private static final String GROUP_RETRIES = "Retries";

    public static final String REDIS_URI = "redis.uri";
    public static final String REDIS_URI_DEFAULT = "redis://localhost:6379";
    private static final String REDIS_URI_DISPLAY = "Redis URI";
    private static final String REDIS_URI_DOC = "Standalone Redis server as redis://host:port[/database], or "
            + "rediss://host:port[/database] for TLS. Credentials belong in redis.username and redis.password, "
            + "not in the URI.";

    public static final String REDIS_USERNAME = "redis.username";
    private static final String REDIS_USERNAME_DISPLAY = "Redis ACL user";
    private static final String REDIS_USERNAME_DOC = "ACL user name (Redis 6+). Leave empty to authenticate as the "
            + "default user, or when the server needs no authentication.";

    public static final String REDIS_PASSWORD = "redis.password";
    private static final String REDIS_PASSWORD_DISPLAY = "Redis password";
    private static final String REDIS_PASSWORD_DOC = "Password of the ACL user (or of requirepass). Masked by the "
            + "Connect REST API; use a config provider such as ${file:...} to keep it out of the connector JSON.";

    public static final String REDIS_TLS_ENABLED = "redis.tls.enabled";
    private static final String REDIS_TLS_ENABLED_DISPLAY = "TLS";
    private static final String REDIS_TLS_ENABLED_DOC = "Connect with TLS. A rediss:// URI enables TLS as well.";

    public static final String REDIS_TLS_VERIFY_MODE = "redis.tls.verify.mode";
    private static final String REDIS_TLS_VERIFY_MODE_DISPLAY = "TLS peer verification";
    private static final String REDIS_TLS_VERIFY_MODE_DOC = "How the server certificate is checked: full (chain and "
            + "host name), ca (chain only) or none (no check; for tests only).";

    public static final String REDIS_TLS_TRUSTSTORE_PATH = "redis.tls.truststore.path";
    private static final String REDIS_TLS_TRUSTSTORE_PATH_DISPLAY = "TLS truststore";
    private static final String REDIS_TLS_TRUSTSTORE_PATH_DOC = "Truststore file (JKS or PKCS12) with the CA that "
            + "signed the server certificate. Empty: the JVM's default trust store.";

    public static final String REDIS_TLS_TRUSTSTORE_PASSWORD = "redis.tls.truststore.password";
    private static final String REDIS_TLS_TRUSTSTORE_PASSWORD_DISPLAY = "TLS truststore password";
    private static final String REDIS_TLS_TRUSTSTORE_PASSWORD_DOC = "Password of the truststore, if it has one.";

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
            + "${topic}, "
            + "${key} (all key columns joined by ':') and ${key.<column>}. Values are escaped so that different rows "
            + "never share a key: '%' ':' '{' '}' become %25 %3A %7B %7D, and in schema and table names '.' becomes "
            + "%2E. Braces written in the template form a Redis Cluster hash tag and must enclose text.";

    public static final String KEY_TEMPLATE_OVERRIDES = "key.template.overrides";
    private static final String KEY_TEMPLATE_OVERRIDES_DISPLAY = "Key template per topic";
    private static final String KEY_TEMPLATE_OVERRIDES_DOC = "Comma-separated topic=template entries that replace "
            + "key.template for the named topics, for example 'pg.public.users=user:${key.id}'.";

    public static final String VALUE_FORMAT = "value.format";
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
    private static final String VERSION_EPOCH_DISPLAY = "Version epoch";
    private static final String VERSION_EPOCH_DOC = "Leading part of every version written. Raise it when the "
            + "source's positions restart (a restored or replaced database, a recreated topic for records versioned "
            + "by Kafka offset): writes of a higher epoch always win over those of a lower one.";

    public static final String VERSION_FIELD = "version.field";
    private static final String VERSION_FIELD_DISPLAY = "Version field";
    private static final String VERSION_FIELD_DOC = "For records that are not Debezium change events: a numeric value "
            + "field that orders the changes of a key. Empty: the Kafka offset orders them. Debezium events are "
            + "always ordered by their source position.";

    public static final String DELETE_MARKER_RETENTION_MS = "delete.marker.retention.ms";
    public static final long DELETE_MARKER_RETENTION_MS_DEFAULT = 7L * 24 * 60 * 60 * 1000;
    private static final String DELETE_MARKER_RETENTION_MS_DISPLAY = "Delete marker retention (ms)";
    private static final String DELETE_MARKER_RETENTION_MS_DOC = "How long a deleted row's version is kept, so that a "
            + "replay of older changes cannot bring the row back. Keep it at least as long as the topic retention "
            + "through which the sink may be rewound.";

    public static final String INTERNAL_KEY_PREFIX = "internal.key.prefix";
    public static final String INTERNAL_KEY_PREFIX_DEFAULT = "__pgr:";
    private static final String INTERNAL_KEY_PREFIX_DISPLAY = "Internal key prefix";
    private static final String INTERNAL_KEY_PREFIX_DOC = "Prefix of the keys the sink keeps for itself: row "
            + "versions and delete markers (<prefix>v{<data key>}) and applied offsets "
            + "(<prefix>offsets:{<connector name>}). Must not contain braces.";

    public static final String RETRY_BACKOFF_INITIAL_MS = "retry.backoff.initial.ms";
    private static final String RETRY_BACKOFF_INITIAL_MS_DISPLAY = "Initial retry backoff (ms)";
    private static final String RETRY_BACKOFF_INITIAL_MS_DOC = "Pause before the first retry of a batch that failed "
            + "for a transient reason (connection loss, timeout, LOADING, BUSY, READONLY, MASTERDOWN, OOM). Doubles "
            + "with each further failure, with jitter, up to retry.backoff.max.ms.";

    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
    private static final String RETRY_BACKOFF_MAX_MS_DISPLAY = "Maximum retry backoff (ms)";
    private static final String RETRY_BACKOFF_MAX_MS_DOC = "Upper bound of the pause between retries.";

    public static final String RETRY_TIMEOUT_MS = "retry.timeout.ms";
    private static final String RETRY_TIMEOUT_MS_DISPLAY = "Retry timeout (ms)";
    private static final String RETRY_TIMEOUT_MS_DOC = "How long transient failures may last before the task fails. "
            + "-1: retry without end (the batch is never dropped; consumer lag shows the stall).";

    public static final ConfigDef CONFIG_DEF = configDef();

    private final Map<String, KeyTemplate> templateOverrides;
    private final KeyTemplate keyTemplate;

    public RedisSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        keyTemplate = KeyTemplate.parse(getString(KEY_TEMPLATE));
        templateOverrides = parseOverrides(getList(KEY_TEMPLATE_OVERRIDES));
        URI uri = redisUri();
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw new ConfigException(REDIS_URI, getString(REDIS_URI), "scheme must be redis or rediss");
        }
        if (uri.getRawUserInfo() != null) {
            throw new ConfigException(REDIS_URI, "(hidden: it holds credentials)", "credentials belong in "
                    + REDIS_USERNAME + " and " + REDIS_PASSWORD + ", where they are masked, not in the URI");
        }
        if (uri.getHost() == null) {
            throw new ConfigException(REDIS_URI, getString(REDIS_URI), "needs a host, as in redis://host:6379");
        }
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(REDIS_URI, Type.STRING, REDIS_URI_DEFAULT, new ConfigDef.NonEmptyString(), Importance.HIGH,
                REDIS_URI_DOC, GROUP_CONNECTION, ++order, Width.LONG, REDIS_URI_DISPLAY);
        def.define(REDIS_USERNAME, Type.STRING, "", Importance.MEDIUM, REDIS_USERNAME_DOC, GROUP_CONNECTION, ++order,
                Width.MEDIUM, REDIS_USERNAME_DISPLAY);
        def.define(REDIS_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, REDIS_PASSWORD_DOC, GROUP_CONNECTION,
                ++order, Width.MEDIUM, REDIS_PASSWORD_DISPLAY);
        def.define(REDIS_TLS_ENABLED, Type.BOOLEAN, false, Importance.MEDIUM, REDIS_TLS_ENABLED_DOC,
                GROUP_CONNECTION, ++order, Width.SHORT, REDIS_TLS_ENABLED_DISPLAY);
        EnumValidator verifyModes = EnumValidator.of(TlsVerifyMode.class);
        def.define(REDIS_TLS_VERIFY_MODE, Type.STRING, "full", verifyModes, Importance.LOW, REDIS_TLS_VERIFY_MODE_DOC,
                GROUP_CONNECTION, ++order, Width.SHORT, REDIS_TLS_VERIFY_MODE_DISPLAY, verifyModes);
        def.define(REDIS_TLS_TRUSTSTORE_PATH, Type.STRING, "", Importance.LOW, REDIS_TLS_TRUSTSTORE_PATH_DOC,
                GROUP_CONNECTION, ++order, Width.LONG, REDIS_TLS_TRUSTSTORE_PATH_DISPLAY);
        def.define(REDIS_TLS_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                REDIS_TLS_TRUSTSTORE_PASSWORD_DOC, GROUP_CONNECTION, ++order, Width.MEDIUM,
                REDIS_TLS_TRUSTSTORE_PASSWORD_DISPLAY);
        def.define(REDIS_TIMEOUT_MS, Type.LONG, REDIS_TIMEOUT_MS_DEFAULT, Range.atLeast(1), Importance.LOW,
                REDIS_TIMEOUT_MS_DOC, GROUP_CONNECTION, ++order, Width.SHORT, REDIS_TIMEOUT_MS_DISPLAY);
        def.define(REDIS_CONNECT_TIMEOUT_MS, Type.LONG, REDIS_CONNECT_TIMEOUT_MS_DEFAULT, Range.atLeast(1),
                Importance.LOW, REDIS_CONNECT_TIMEOUT_MS_DOC, GROUP_CONNECTION, ++order, Width.SHORT,
                REDIS_CONNECT_TIMEOUT_MS_DISPLAY);

        order = 0;
        def.define(KEY_TEMPLATE, Type.STRING, KEY_TEMPLATE_DEFAULT, KeyTemplate.VALIDATOR, Importance.HIGH,
                KEY_TEMPLATE_DOC, GROUP_MAPPING, ++order, Width.LONG, KEY_TEMPLATE_DISPLAY);
        def.define(KEY_TEMPLATE_OVERRIDES, Type.LIST, "", DescribedValidator.of("topic=template, ...", RedisSinkConfig::validateOverrides), Importance.LOW,
                KEY_TEMPLATE_OVERRIDES_DOC, GROUP_MAPPING, ++order, Width.LONG, KEY_TEMPLATE_OVERRIDES_DISPLAY);
        EnumValidator formats = EnumValidator.of(ValueFormat.class);
        def.define(VALUE_FORMAT, Type.STRING, "hash", formats, Importance.HIGH, VALUE_FORMAT_DOC, GROUP_MAPPING,
                ++order, Width.SHORT, VALUE_FORMAT_DISPLAY, formats);
        EnumValidator truncateModes = EnumValidator.of(TruncateMode.class);
        def.define(TRUNCATE_MODE, Type.STRING, "delete", truncateModes, Importance.MEDIUM, TRUNCATE_MODE_DOC,
                GROUP_MAPPING, ++order, Width.SHORT, TRUNCATE_MODE_DISPLAY, truncateModes);
        def.define(TOAST_PLACEHOLDER, Type.STRING, TOAST_PLACEHOLDER_DEFAULT, new ConfigDef.NonEmptyString(),
                Importance.LOW, TOAST_PLACEHOLDER_DOC, GROUP_MAPPING, ++order, Width.MEDIUM,
                TOAST_PLACEHOLDER_DISPLAY);
        def.define(VALUE_MAX_BYTES, Type.LONG, VALUE_MAX_BYTES_DEFAULT, Range.between(1, 512L * 1024 * 1024),
                Importance.LOW, VALUE_MAX_BYTES_DOC, GROUP_MAPPING, ++order, Width.SHORT, VALUE_MAX_BYTES_DISPLAY);
        def.define(FLATTENED_METADATA_PREFIX, Type.STRING, FLATTENED_METADATA_PREFIX_DEFAULT,
                new ConfigDef.NonEmptyString(), Importance.LOW, FLATTENED_METADATA_PREFIX_DOC, GROUP_MAPPING,
                ++order, Width.SHORT, FLATTENED_METADATA_PREFIX_DISPLAY);

        order = 0;
        def.define(VERSION_EPOCH, Type.INT, 0, Range.between(0, 0xFFFF), Importance.MEDIUM, VERSION_EPOCH_DOC,
                GROUP_VERSIONING, ++order, Width.SHORT, VERSION_EPOCH_DISPLAY);
        def.define(VERSION_FIELD, Type.STRING, "", Importance.LOW, VERSION_FIELD_DOC, GROUP_VERSIONING, ++order,
                Width.MEDIUM, VERSION_FIELD_DISPLAY);
        def.define(DELETE_MARKER_RETENTION_MS, Type.LONG, DELETE_MARKER_RETENTION_MS_DEFAULT, Range.atLeast(1),
                Importance.MEDIUM, DELETE_MARKER_RETENTION_MS_DOC, GROUP_VERSIONING, ++order, Width.MEDIUM,
                DELETE_MARKER_RETENTION_MS_DISPLAY);
        def.define(INTERNAL_KEY_PREFIX, Type.STRING, INTERNAL_KEY_PREFIX_DEFAULT, DescribedValidator.of("non-empty, no braces", RedisSinkConfig::validatePrefix),
                Importance.LOW, INTERNAL_KEY_PREFIX_DOC, GROUP_VERSIONING, ++order, Width.SHORT,
                INTERNAL_KEY_PREFIX_DISPLAY);

        order = 0;
        def.define(RETRY_BACKOFF_INITIAL_MS, Type.LONG, 100L, Range.atLeast(1), Importance.LOW,
                RETRY_BACKOFF_INITIAL_MS_DOC, GROUP_RETRIES, ++order, Width.SHORT, RETRY_BACKOFF_INITIAL_MS_DISPLAY);
        def.define(RETRY_BACKOFF_MAX_MS, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW,
                RETRY_BACKOFF_MAX_MS_DOC, GROUP_RETRIES, ++order, Width.SHORT, RETRY_BACKOFF_MAX_MS_DISPLAY);
        def.define(RETRY_TIMEOUT_MS, Type.LONG, -1L, Range.atLeast(-1), Importance.LOW, RETRY_TIMEOUT_MS_DOC,
                GROUP_RETRIES, ++order, Width.SHORT, RETRY_TIMEOUT_MS_DISPLAY);
        return def;
    }

    private static void validatePrefix(String name, Object value) {
        String prefix = (String) value;
        if (prefix == null || prefix.isEmpty() || prefix.contains("{") || prefix.contains("}")) {
            throw new ConfigException(name, value, "must be non-empty and contain no braces");
        }
    }

    @SuppressWarnings("unchecked")
    private static void validateOverrides(String name, Object value) {
        parseOverrides((List<String>) value);
    }

    private static Map<String, KeyTemplate> parseOverrides(List<String> entries) {
        Map<String, KeyTemplate> overrides = new HashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new ConfigException(KEY_TEMPLATE_OVERRIDES, entry, "each entry must be topic=template");
            }
            String topic = entry.substring(0, eq).trim();
            try {
                overrides.put(topic, KeyTemplate.parse(entry.substring(eq + 1).trim()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(KEY_TEMPLATE_OVERRIDES, entry, e.getMessage());
            }
        }
        return Map.copyOf(overrides);
    }

    public URI redisUri() {
        try {
            return new URI(getString(REDIS_URI).trim());
        } catch (URISyntaxException e) {
            throw new ConfigException(REDIS_URI, getString(REDIS_URI), "not a URI: " + e.getMessage());
        }
    }

    public String redisUsername() {
        return getString(REDIS_USERNAME);
    }

    public Password redisPassword() {
        return getPassword(REDIS_PASSWORD);
    }

    public boolean tlsEnabled() {
        return getBoolean(REDIS_TLS_ENABLED) || "rediss".equals(redisUri().getScheme());
    }

    public TlsVerifyMode tlsVerifyMode() {
        return EnumValidator.parse(TlsVerifyMode.class, getString(REDIS_TLS_VERIFY_MODE));
    }

    public String tlsTruststorePath() {
        return getString(REDIS_TLS_TRUSTSTORE_PATH);
    }

    public Password tlsTruststorePassword() {
        return getPassword(REDIS_TLS_TRUSTSTORE_PASSWORD);
    }

    public long redisTimeoutMs() {
        return getLong(REDIS_TIMEOUT_MS);
    }

    public long redisConnectTimeoutMs() {
        return getLong(REDIS_CONNECT_TIMEOUT_MS);
    }

    /** The topics whose key template is overridden, with their templates. */
    public Map<String, KeyTemplate> keyTemplateOverrides() {
        return Collections.unmodifiableMap(templateOverrides);
    }

    public KeyTemplate keyTemplate(String topic) {
        return templateOverrides.getOrDefault(topic, keyTemplate);
    }

    public ValueFormat valueFormat() {
        return EnumValidator.parse(ValueFormat.class, getString(VALUE_FORMAT));
    }

    public TruncateMode truncateMode() {
        return EnumValidator.parse(TruncateMode.class, getString(TRUNCATE_MODE));
    }

    public String toastPlaceholder() {
        return getString(TOAST_PLACEHOLDER);
    }

    public long valueMaxBytes() {
        return getLong(VALUE_MAX_BYTES);
    }

    public String flattenedMetadataPrefix() {
        return getString(FLATTENED_METADATA_PREFIX);
    }

    public int versionEpoch() {
        return getInt(VERSION_EPOCH);
    }

    public String versionField() {
        return getString(VERSION_FIELD);
    }

    public long deleteMarkerRetentionMs() {
        return getLong(DELETE_MARKER_RETENTION_MS);
    }

    public String internalKeyPrefix() {
        return getString(INTERNAL_KEY_PREFIX);
    }

    public long retryBackoffInitialMs() {
        return getLong(RETRY_BACKOFF_INITIAL_MS);
    }

    public long retryBackoffMaxMs() {
        return getLong(RETRY_BACKOFF_MAX_MS);
    }

    public long retryTimeoutMs() {
        return getLong(RETRY_TIMEOUT_MS);
    }

    /** Connect's own error tolerance, which the task honours for failures it finds itself. */
    public static boolean toleratesAllErrors(Map<String, String> connectorProps) {
        return "all".equals(connectorProps.getOrDefault("errors.tolerance", "none").trim().toLowerCase(Locale.ROOT));
    }
}
