package io.github.pgredis.sink.errors;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.utils.MockTime;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {
    private final MockTime time = new MockTime();

    @Test
    void doublesUpToTheCapWithJitterInTheUpperHalf() {
        RetryBackoff lowest = new RetryBackoff(100, 1_000, -1, time, bound -> 0);
        RetryBackoff highest = new RetryBackoff(100, 1_000, -1, time, bound -> bound);

        assertThat(new long[] {lowest.nextBackoffMs(), lowest.nextBackoffMs(), lowest.nextBackoffMs(),
            lowest.nextBackoffMs(), lowest.nextBackoffMs()}).containsExactly(50, 100, 200, 400, 500);
        assertThat(new long[] {highest.nextBackoffMs(), highest.nextBackoffMs(), highest.nextBackoffMs(),
            highest.nextBackoffMs(), highest.nextBackoffMs()}).containsExactly(100, 200, 400, 800, 1_000);
    }

    @Test
    void aLargeInitialBackoffStaysAtTheCapInsteadOfOverflowing() {
        long initial = Long.MAX_VALUE / 4;
        RetryBackoff highest = new RetryBackoff(initial, Long.MAX_VALUE, -1, time, bound -> bound);

        for (int attempt = 0; attempt < 40; attempt++) {
            assertThat(highest.nextBackoffMs()).as("attempt %d", attempt).isBetween(initial, Long.MAX_VALUE);
        }
    }

    @Test
    void timesOutOnlyWhenConfiguredAndOnlyAfterTheDeadline() {
        RetryBackoff bounded = new RetryBackoff(100, 1_000, 5_000, time);
        RetryBackoff endless = new RetryBackoff(100, 1_000, -1, time);
        bounded.nextBackoffMs();
        endless.nextBackoffMs();

        time.sleep(5_000);
        assertThat(bounded.timedOut()).isFalse();
        time.sleep(1);
        assertThat(bounded.timedOut()).isTrue();
        assertThat(endless.timedOut()).isFalse();

        bounded.reset();
        assertThat(bounded.timedOut()).isFalse();
        assertThat(bounded.attempts()).isZero();
    }
}
