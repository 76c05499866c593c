package io.github.pgredis.sink.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The resume rule of {@link OffsetStore#resume}: never past a write that some master may have lost. */
class OffsetStoreTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    @Test
    void mastersThatTookTheLatestOffsetsThemselvesResumeThere() {
        Map<String, String> fences = Map.of("m1", "A", "m2", "B");
        Map<String, List<Map<String, String>>> copies = Map.of(
                "m1", List.of(Map.of("t/0", "100 A", "t/1", "40 A")),
                "m2", List.of(Map.of("t/0", "90 B", "t/1", "40 B")));
        assertThat(OffsetStore.resume(fences, copies)).as("m2's copy lags a batch: it holds its data up to 90")
                .containsExactlyInAnyOrderEntriesOf(Map.of(P0, 90L, P1, 40L));
    }

    @Test
    void aPromotedReplicaIsBoundedByTheOffsetsItInherited() {
        Map<String, String> fences = Map.of("m1", "A", "r2", "C");
        Map<String, List<Map<String, String>>> copies = Map.of(
                "m1", List.of(Map.of("t/0", "100 A")),
                "r2", List.of(Map.of("t/0", "70 B")));
        assertThat(OffsetStore.resume(fences, copies)).containsEntry(P0, 70L);
    }

    @Test
    void anOffsetAMasterTookDuringAReplayDoesNotVouchForWhatCameAfter() {
        // the reviewer's cascade: r1 took 160 itself while replaying; n2 failed over to r2, which inherited 195 from
        // a copy whose data it may lack
        Map<String, String> fences = Map.of("r1", "G", "r2", "H");
        Map<String, List<Map<String, String>>> copies = Map.of(
                "r1", List.of(Map.of("t/0", "160 G")),
                "r2", List.of(Map.of("t/0", "195 N")));
        assertThat(OffsetStore.resume(fences, copies)).containsEntry(P0, 160L);
    }

    @Test
    void aMasterThatHoldsNothingOfAPartitionAndDidNotTakeItStartsItFromTheBeginning() {
        Map<String, String> fences = Map.of("m1", "A", "m2", "B");
        Map<String, List<Map<String, String>>> copies = Map.of(
                "m1", List.of(Map.of("t/0", "100 A")),
                "m2", List.of());
        assertThat(OffsetStore.resume(fences, copies)).containsEntry(P0, 0L);
    }

    @Test
    void aCopyMovedByAMigrationStillVouchesForTheMasterThatTookIt() {
        Map<String, String> fences = Map.of("m1", "A", "m2", "B");
        Map<String, List<Map<String, String>>> copies = Map.of(
                "m1", List.of(),
                "m2", List.of(Map.of("t/0", "100 B"), Map.of("t/0", "100 A")));
        assertThat(OffsetStore.resume(fences, copies)).containsEntry(P0, 100L);
    }

    @Test
    void offsetsWrittenByAnAlterBoundEveryMasterAlike() {
        Map<String, String> fences = Map.of("m1", "A");
        Map<String, List<Map<String, String>>> copies = Map.of("m1", List.of(Map.of("t/0", "17", "fence", "x")));
        assertThat(OffsetStore.resume(fences, copies)).containsExactlyEntriesOf(Map.of(P0, 17L));
    }
}
