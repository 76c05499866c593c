package io.github.pgredis.sink;

import static io.github.pgredis.sink.testing.StubSinkTaskContext.putAndSettle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.pgredis.sink.testing.AclRules;
import io.github.pgredis.sink.testing.ChangeRecords;
import io.github.pgredis.sink.testing.RedisServer;
import io.github.pgredis.sink.testing.RedisServerExtension;
import io.github.pgredis.sink.testing.StubSinkTaskContext;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The sink as exactly the least-privilege Redis user of docs/security.md (the rule is read from there), and users
 * that lack a part of it: each fails at once, saying what it lacks.
 */
@ExtendWith(RedisServerExtension.class)
class AclIT {
    private static final String PASSWORD = "s3cret-acl-password";
    private final RedisServer redis;
    private final RedisCommands<String, String> commands;
    private final ChangeRecords users = ChangeRecords.users();
    private final List<RedisSinkTask> tasks = new ArrayList<>();

    AclIT(RedisServer redis) {
        this.redis = redis;
        this.commands = redis.commands();
    }

    @AfterEach
    void stop() {
        tasks.forEach(RedisSinkTask::stop);
    }

    /** Creates the user of the documented rule, without the parts named, and returns its name. */
    private String user(String... without) {
        List<String> rule = AclRules.documented("sink-acl");
        rule.removeAll(List.of(without));
        String name = rule.get(0) + "-" + without.length + "-" + String.join("", without).hashCode();
        AclRules.create(commands, rule, name, PASSWORD);
        return name;
    }

    private Map<String, String> config(String user) {
        return new HashMap<>(Map.of("name", "acl-sink", RedisSinkConfig.REDIS_URI, redis.uri(),
                RedisSinkConfig.REDIS_USERNAME, user, RedisSinkConfig.REDIS_PASSWORD, PASSWORD,
                "table.public.users.feed.enabled", "true"));
    }

    private RedisSinkTask start(String user) {
        return start(config(user));
    }

    private RedisSinkTask start(Map<String, String> config) {
        RedisSinkTask task = new RedisSinkTask(Time.SYSTEM);
        task.initialize(new StubSinkTaskContext(config));
        task.start(config);
        tasks.add(task);
        task.open(List.of(new TopicPartition(users.topic(), 0)));
        return task;
    }

    private Struct user(int id, String name) {
        return users.row("id", id, "name", name);
    }

    private List<String> validateErrors(String user) {
        List<String> errors = new ArrayList<>();
        for (ConfigValue value : new RedisSinkConnector().validate(config(user)).configValues()) {
            value.errorMessages().forEach(message -> errors.add(value.name() + ": " + message));
        }
        return errors;
    }

    @Test
    void theDocumentedUserRunsEverythingTheSinkDoes() throws IOException {
        String user = user();
        assertThat(validateErrors(user)).isEmpty();
        RedisSinkTask task = start(user);
        putAndSettle(task, List.of(users.create(100, user(1, "a")), users.create(101, user(2, "b")),
                users.update(102, user(1, "a"), user(1, "a2")), users.delete(103, user(2, "b")),
                users.tombstone(user(2, "b"))));
        assertThat(commands.hgetall("public.users:1")).containsEntry("name", "a2");
        assertThat(commands.exists("public.users:2")).isZero();
        assertThat(commands.xlen("__pgr:feed:public.users")).as("two creates, an update, a delete").isEqualTo(4);
        putAndSettle(task, List.of(users.truncate(104)));
        assertThat(commands.exists("public.users:1")).as("a truncate scans and deletes").isZero();
        assertThat(commands.hget("__pgr:offsets:{acl-sink}", users.topic() + "/0")).isNotNull();
        assertThat(commands.keys("__pgr:acl-probe:*")).as("the permission probe cleans up").isEmpty();
    }

    @Test
    void theDocumentedUserWritesJsonRowsWithNoCommandRefusedEvenInsideTheScript() throws IOException {
        Map<String, String> config = config(user());
        config.put(RedisSinkConfig.VALUE_FORMAT, "json");
        RedisSinkTask task = start(config);
        commands.aclLogReset();
        putAndSettle(task, List.of(users.create(100, user(1, "a")), users.create(101, user(2, "b")),
                users.update(102, user(1, "a"), user(1, "a2")), users.delete(103, user(2, "b"))));
        assertThat(commands.get("public.users:1")).contains("\"name\":\"a2\"");
        assertThat(commands.exists("public.users:2")).isZero();
        assertThat(commands.aclLog()).as("ACL LOG").isEmpty();
    }

    @Test
    void aUserLackingACommandOrTheInternalKeysIsRefusedWithWhatItLacks() throws IOException {
        assertThat(validateErrors(user("+hset", "+xinfo|stream"))).singleElement().asString()
                .startsWith(RedisSinkConfig.REDIS_USERNAME + ": ")
                .contains("NOPERM the Redis user lacks what the sink needs: +hset +xinfo|stream");
        assertThat(validateErrors(user("~__pgr:*"))).singleElement().asString().contains("lacks what the sink "
                + "needs: ~__pgr:*");
        assertThat(validateErrors(user("+evalsha"))).singleElement().asString().contains("+evalsha");
        assertThat(validateErrors(user("+script|load"))).singleElement().asString().contains("script|load");

        RedisSinkTask task = start(user("+pexpire"));
        assertThatThrownBy(() -> putAndSettle(task, List.of(users.create(100, user(1, "a")))))
                .hasMessageContaining("+pexpire");
        assertThat(commands.exists("public.users:1")).isZero();
    }

    @Test
    void withoutAFedTableTheStreamCommandsAreNotNeeded() throws IOException {
        Map<String, String> config = config(user("+xadd", "+xrange", "+xinfo|stream"));
        config.remove("table.public.users.feed.enabled");
        List<String> errors = new ArrayList<>();
        for (ConfigValue value : new RedisSinkConnector().validate(config).configValues()) {
            errors.addAll(value.errorMessages());
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void thePasswordIsInNoErrorAndNoLog() throws IOException {
        String user = user();
        Map<String, String> wrong = config(user);
        wrong.put(RedisSinkConfig.REDIS_PASSWORD, PASSWORD + "-wrong");
        List<String> errors = new ArrayList<>();
        for (ConfigValue value : new RedisSinkConnector().validate(wrong).configValues()) {
            errors.addAll(value.errorMessages());
        }
        assertThat(errors).as("a wrong password is an error").isNotEmpty()
                .noneMatch(message -> message.contains(PASSWORD));
        RedisSinkTask task = start(user("+hset"));
        assertThatThrownBy(() -> putAndSettle(task, List.of(users.create(100, user(1, "a")))))
                .satisfies(failure -> assertThat(failure.toString()).doesNotContain(PASSWORD));
        Path log = Path.of(System.getProperty("test.log.file", "target/test-logs/tests.log"));
        assertThat(log).exists();
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).as("the test run's log").doesNotContain(PASSWORD)
                .contains("Connected to Redis " + redis.uri());
    }

    @Test
    void aUserThatMayNotWriteTheRowsFailsNamingTheKey() throws IOException {
        RedisSinkTask task = start(user("~public.*"));
        assertThatThrownBy(() -> putAndSettle(task, List.of(users.create(100, user(1, "a")))))
                .hasMessageContaining("public.users:1").hasMessageContaining("NOPERM");
    }
}
