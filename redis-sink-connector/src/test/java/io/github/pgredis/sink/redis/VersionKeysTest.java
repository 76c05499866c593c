package io.github.pgredis.sink.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.lettuce.core.cluster.SlotHash;

class VersionKeysTest {
    private final VersionKeys versionKeys = new VersionKeys("__pgr:");

    @ParameterizedTest
    @ValueSource(strings = {"public.users:1", "{users}:1", "a{b}c}d", "x:{tag}:{other}", "sales.order_lines:A%3A1:2"})
    void versionKeyIsInTheRowKeysClusterSlot(String rowKey) {
        String versionKey = versionKeys.of(rowKey);

        assertThat(versionKey).startsWith("__pgr:v");
        assertThat(SlotHash.getSlot(versionKey)).isEqualTo(SlotHash.getSlot(rowKey));
    }
}
