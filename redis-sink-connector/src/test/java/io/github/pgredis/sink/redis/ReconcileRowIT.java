package io.github.pgredis.sink.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.github.pgredis.sink.event.ChangeVersion;
import io.github.pgredis.sink.testing.RedisServer;
import io.github.pgredis.sink.testing.RedisServerExtension;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

/** reconcile-row.lua on a real Redis: which rows a reconciliation removes, and what it leaves behind. */
@ExtendWith(RedisServerExtension.class)
class ReconcileRowIT {
    private static final InternalKeys KEYS = new InternalKeys("__pgr:");
    private static final String STARTED_AT = ChangeVersion.ofSourcePosition(0, 1_000, 0).encode();
    /** The Kafka offset part of a version key. */
    private static final String OFFSET = "000000000000002a";

    private final RedisCommands<String, String> commands;

    ReconcileRowIT(RedisServer redis) {
        this.commands = redis.commands();
    }

    private long reconcile(String key) {
        Long removed = commands.eval(LuaScript.RECONCILE_ROW.source(), ScriptOutputType.INTEGER,
                new String[] {key, KEYS.version(key)}, STARTED_AT, "60000", KEYS.versionField());
        return removed;
    }

    private void row(String key, ChangeVersion version) {
        commands.hset(key, Map.of("id", key));
        if (version != null) {
            commands.set(KEYS.version(key), version.encode() + OFFSET);
        }
    }

    @Test
    void removesOnlyRowsNoChangeSinceTheStartWrote() {
        row("t:before", ChangeVersion.ofSourcePosition(0, 999, 1_200));
        row("t:by-hand", null);
        row("t:at-start", ChangeVersion.ofSourcePosition(0, 1_000, 1_010));
        row("t:snapshot-read", ChangeVersion.ofSourcePosition(0, 1_500, 0));
        row("t:later-epoch", ChangeVersion.ofSourcePosition(1, 5, 6));
        row("t:commit-unknown", ChangeVersion.ofSourcePosition(0, 900, 900));
        row("t:kafka-offset", ChangeVersion.ofKafkaOffset(0, 5));
        row("t:version-field", ChangeVersion.ofField(0, 7));
        commands.set("t:not-a-row", "a string is a JSON row's type, so it counts as a row");
        commands.sadd("t:a-set", "someone else's");

        assertThat(reconcile("t:before")).isEqualTo(1);
        assertThat(reconcile("t:by-hand")).isEqualTo(1);
        assertThat(reconcile("t:at-start")).isZero();
        assertThat(reconcile("t:snapshot-read")).isZero();
        assertThat(reconcile("t:later-epoch")).isZero();
        assertThat(reconcile("t:commit-unknown")).as("the first change Debezium streamed, before the start").isEqualTo(1);
        assertThat(reconcile("t:kafka-offset")).as("not comparable with a source position").isZero();
        assertThat(reconcile("t:version-field")).as("not comparable with a source position").isZero();
        assertThat(reconcile("t:not-a-row")).isEqualTo(1);
        assertThat(reconcile("t:a-set")).isZero();

        assertThat(commands.exists("t:before", "t:by-hand", "t:not-a-row", "t:commit-unknown")).isZero();
        assertThat(commands.exists("t:at-start", "t:snapshot-read", "t:later-epoch", "t:kafka-offset",
                "t:version-field", "t:a-set")).isEqualTo(6);
        assertThat(commands.get(KEYS.version("t:before"))).as("a marker of the removed row's version")
                .startsWith(ChangeVersion.ofSourcePosition(0, 999, 1_200).encode());
        assertThat(commands.pttl(KEYS.version("t:before"))).isBetween(1L, 60_000L);
        assertThat(commands.exists(KEYS.version("t:by-hand"))).as("no marker made up").isZero();
    }

    @Test
    void readsTheVersionOfARowThatKeepsItInItsHash() {
        String before = ChangeVersion.ofSourcePosition(0, 999, 1_200).encode() + OFFSET;
        commands.hset("t:field-before", Map.of("id", "1", KEYS.versionField(), before));
        commands.hset("t:field-after", Map.of("id", "2",
                KEYS.versionField(), ChangeVersion.ofSourcePosition(0, 1_000, 1_010).encode() + OFFSET));
        // a version key left from before the row kept its version in its hash does not decide
        commands.set(KEYS.version("t:field-after"), ChangeVersion.ofSourcePosition(0, 10, 20).encode() + OFFSET);

        assertThat(reconcile("t:field-before")).isEqualTo(1);
        assertThat(reconcile("t:field-after")).isZero();

        assertThat(commands.exists("t:field-before")).isZero();
        assertThat(commands.get(KEYS.version("t:field-before"))).as("the marker of the removed row's version")
                .isEqualTo(before);
        assertThat(commands.exists("t:field-after")).isEqualTo(1);
    }
}
