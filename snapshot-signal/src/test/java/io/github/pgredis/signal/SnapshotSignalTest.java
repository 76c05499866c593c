package io.github.pgredis.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class SnapshotSignalTest {
    @Test
    void isTheJsonDebeziumsKafkaChannelReads() throws Exception {
        String json = new SnapshotSignal("run \"1\"", List.of("public.orders", "inventory\\..*")).json();
        JsonNode signal = new ObjectMapper().readTree(json);
        assertThat(signal.path("id").asText()).isEqualTo("run \"1\"");
        assertThat(signal.path("type").asText()).isEqualTo("execute-snapshot");
        assertThat(signal.path("data").path("type").asText()).isEqualTo("INCREMENTAL");
        assertThat(signal.path("data").path("data-collections")).extracting(JsonNode::asText)
                .containsExactly("public.orders", "inventory\\..*");
    }

    @Test
    void onlyTheSchedulersAndTheSinksSnapshotsReadWholeTables() {
        assertThat(SnapshotSignal.readsWholeTables("resync:nightly@2026-12-01T02:30:00Z")).isTrue();
        assertThat(SnapshotSignal.readsWholeTables("schema-change:public.orders@0000")).isTrue();
        assertThat(SnapshotSignal.readsWholeTables("ad-hoc-1")).isFalse();
        assertThat(SnapshotSignal.readsWholeTables(null)).isFalse();
    }

    @Test
    void needsADataCollection() {
        assertThatThrownBy(() -> new SnapshotSignal("x", List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
