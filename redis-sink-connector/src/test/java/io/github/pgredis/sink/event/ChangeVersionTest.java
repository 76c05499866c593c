package io.github.pgredis.sink.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ChangeVersionTest {

    @Test
    void encodedStringsSortLikeVersions() {
        Random random = new Random(42);
        List<ChangeVersion> versions = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            int epoch = random.nextInt(3);
            versions.add(switch (random.nextInt(3)) {
                case 0 -> ChangeVersion.ofKafkaOffset(epoch, random.nextLong() & Long.MAX_VALUE);
                case 1 -> ChangeVersion.ofField(epoch, random.nextLong());
                default -> ChangeVersion.ofSourcePosition(epoch, random.nextLong(), random.nextLong());
            });
        }
        List<ChangeVersion> byVersion = new ArrayList<>(versions);
        byVersion.sort(Comparator.naturalOrder());
        List<ChangeVersion> byText = new ArrayList<>(versions);
        byText.sort(Comparator.comparing(ChangeVersion::encode));

        assertThat(byText).isEqualTo(byVersion);
        assertThat(versions).allMatch(v -> v.encode().length() == ChangeVersion.ENCODED_LENGTH);
    }

    @Test
    void lsnsBeyondWhatLuaNumbersHoldExactlyStillOrder() {
        long big = (1L << 53) + 1;
        assertThat(ChangeVersion.ofSourcePosition(0, big + 1, 0).encode())
                .isGreaterThan(ChangeVersion.ofSourcePosition(0, big, 0).encode());
    }

    @Test
    void epochOutranksKindAndKindOutranksPosition() {
        assertThat(ChangeVersion.ofKafkaOffset(1, 0)).isGreaterThan(ChangeVersion.ofSourcePosition(0, -1, -1));
        assertThat(ChangeVersion.ofSourcePosition(0, 0, 0)).isGreaterThan(ChangeVersion.ofField(0, Long.MAX_VALUE));
        assertThat(ChangeVersion.ofField(0, Long.MIN_VALUE)).isGreaterThan(ChangeVersion.ofKafkaOffset(0, 1L << 40));
    }

    @Test
    void negativeFieldVersionsOrderBelowPositiveOnes() {
        assertThat(ChangeVersion.ofField(0, -5).encode()).isLessThan(ChangeVersion.ofField(0, 3).encode());
    }

    /** A transaction begun before a snapshot and committed after it, first after a Debezium restart. */
    @Test
    void betweenASnapshotRowAndAChangeWhoseCommitIsUnknownKafkaOrderDecides() {
        ChangeVersion snapshot = ChangeVersion.ofSourcePosition(0, 5_000, 0);
        ChangeVersion openAcrossTheSnapshot = ChangeVersion.ofSourcePosition(0, 4_000, 4_000);
        ChangeVersion knownCommit = ChangeVersion.ofSourcePosition(0, 4_500, 4_000);

        assertThat(openAcrossTheSnapshot.isCommitUnknown()).isTrue();
        assertThat(snapshot.isSnapshotRead()).isTrue();
        assertThat(openAcrossTheSnapshot.replaces(snapshot, 20, 10)).as("streamed after the snapshot").isTrue();
        assertThat(snapshot.replaces(openAcrossTheSnapshot, 10, 20)).as("a replayed snapshot row").isFalse();
        assertThat(openAcrossTheSnapshot.replaces(snapshot, 5, 10)).as("streamed before it").isFalse();
        assertThat(knownCommit.replaces(snapshot, 20, 10)).as("positions decide otherwise").isFalse();
        assertThat(ChangeVersion.ofSourcePosition(1, 1, 1).replaces(snapshot, 5, 10)).as("a higher epoch").isTrue();
    }
}
