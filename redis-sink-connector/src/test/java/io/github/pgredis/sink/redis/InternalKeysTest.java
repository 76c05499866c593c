package io.github.pgredis.sink.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.lettuce.core.cluster.SlotHash;

class InternalKeysTest {
    private final InternalKeys internalKeys = new InternalKeys("__pgr:");

    @ParameterizedTest
    @ValueSource(strings = {"public.users:1", "{users}:1", "a{b}c}d", "x:{tag}:{other}", "sales.order_lines:A%3A1:2"})
    void versionAndLeaseKeysAreInTheRowKeysClusterSlot(String rowKey) {
        String versionKey = internalKeys.version(rowKey);
        String leaseKey = internalKeys.lease(rowKey);

        assertThat(versionKey).startsWith("__pgr:v");
        assertThat(leaseKey).startsWith("__pgr:lease");
        assertThat(SlotHash.getSlot(versionKey)).isEqualTo(SlotHash.getSlot(rowKey));
        assertThat(SlotHash.getSlot(leaseKey)).isEqualTo(SlotHash.getSlot(rowKey));
    }
}
