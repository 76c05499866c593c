package io.github.pgredis.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.pgredis.sink.RedisSinkConfig;
import io.github.pgredis.sink.event.ChangeVersion;

class CacheClientTest {
    @Test
    void aLeaseMustBeShorterThanTheMarkersThatItRecords() {
        Map<String, String> sink = Map.of(RedisSinkConfig.REDIS_URI, "redis://127.0.0.1:1",
                RedisSinkConfig.DELETE_MARKER_RETENTION_MS, "5000");

        assertThatThrownBy(() -> new CacheClient(sink, null, "pg", Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delete.marker.retention.ms");
        assertThatThrownBy(() -> new CacheClient(sink, null, "pg", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPgLsnIsItsSixtyFourBitPosition() {
        assertThat(CacheClient.parseLsn("0/0")).isZero();
        assertThat(CacheClient.parseLsn("16/B374D848")).isEqualTo(0x16B374D848L);
        assertThat(CacheClient.parseLsn("FFFFFFFF/FFFFFFFF")).isEqualTo(-1L);
    }

    @Test
    void onlyAStreamedChangePastThePositionCountsAsApplied() {
        String streamed = ChangeVersion.ofSourcePosition(0, 900, 1_001).encode() + "0000000000000007";

        assertThat(CacheClient.appliedAfter(streamed, 1_000)).isTrue();
        assertThat(CacheClient.appliedAfter(streamed, 1_001)).as("the change starts at the position").isTrue();
        assertThat(CacheClient.appliedAfter(streamed, 1_002)).isFalse();
        assertThat(CacheClient.appliedAfter(ChangeVersion.ofSourcePosition(0, 5_000, 0).encode(), 1_000))
                .as("a snapshot row carries no change position").isFalse();
        assertThat(CacheClient.appliedAfter(ChangeVersion.ofKafkaOffset(0, 5_000).encode(), 1_000)).isFalse();
        assertThat(CacheClient.appliedAfter(null, 0)).isFalse();
    }
}
