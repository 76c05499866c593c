package io.github.pgredis.sink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdaptiveModesTest {
    @Test
    void reachingTheTargetStopsWarmingAndOnlyFallingBelowItByTheHysteresisResumesIt() {
        AdaptiveModes.TableState state = new AdaptiveModes.TableState(0.95, 0.05);
        assertThat(state.mode()).as("a new table warms").isEqualTo(WriteMode.UPSERT);

        assertThat(state.observe(94, 6)).isFalse();
        assertThat(state.observe(95, 5)).isTrue();
        assertThat(state.mode()).isEqualTo(WriteMode.UPDATE_IF_CACHED);
        assertThat(state.observe(91, 9)).as("within the hysteresis").isFalse();
        assertThat(state.mode()).isEqualTo(WriteMode.UPDATE_IF_CACHED);
        assertThat(state.observe(89, 11)).isTrue();
        assertThat(state.mode()).isEqualTo(WriteMode.UPSERT);
        assertThat(state.observe(94, 6)).as("below the target").isFalse();
        assertThat(state.mode()).isEqualTo(WriteMode.UPSERT);
    }

    @Test
    void tooFewReadsChangeNothing() {
        AdaptiveModes.TableState state = new AdaptiveModes.TableState(0.5, 0.1);

        assertThat(state.observe(AdaptiveModes.MIN_READS - 1, 0)).isFalse();
        assertThat(state.mode()).isEqualTo(WriteMode.UPSERT);
        assertThat(state.observe(AdaptiveModes.MIN_READS, 0)).isTrue();
        assertThat(state.observe(0, AdaptiveModes.MIN_READS - 1)).isFalse();
        assertThat(state.mode()).isEqualTo(WriteMode.UPDATE_IF_CACHED);
    }
}
