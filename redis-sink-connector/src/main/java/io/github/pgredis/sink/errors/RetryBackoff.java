package io.github.pgredis.sink.errors;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

import org.apache.kafka.common.utils.Time;

/**
 * Capped exponential backoff with jitter for batches that failed transiently, and the deadline after which the
 * task gives up (retry.timeout.ms, -1 for never).
 */
public final class RetryBackoff {
    private final long initialMs;
    private final long maxMs;
    private final long timeoutMs;
    private final Time time;
    private final LongUnaryOperator jitter;
    private int attempts;
    private long firstFailureMs = -1;

    public RetryBackoff(long initialMs, long maxMs, long timeoutMs, Time time) {
        this(initialMs, maxMs, timeoutMs, time, bound -> ThreadLocalRandom.current().nextLong(bound + 1));
    }

    // visible for testing
    RetryBackoff(long initialMs, long maxMs, long timeoutMs, Time time, LongUnaryOperator jitter) {
        this.initialMs = initialMs;
        this.maxMs = Math.max(initialMs, maxMs);
        this.timeoutMs = timeoutMs;
        this.time = time;
        this.jitter = jitter;
    }

    /** Counts one more failure and returns the pause before the next attempt: between half and all of the cap. */
    public long nextBackoffMs() {
        if (firstFailureMs < 0) {
            firstFailureMs = time.milliseconds();
        }
        int exponent = Math.min(attempts, Long.SIZE);
        attempts++;
        // initialMs << exponent, saturating at maxMs before it could overflow
        boolean pastMax = exponent >= Long.numberOfLeadingZeros(initialMs) - 1 || initialMs << exponent > maxMs;
        long cap = pastMax ? maxMs : initialMs << exponent;
        long half = cap / 2;
        return half + jitter.applyAsLong(cap - half);
    }

    public boolean timedOut() {
        return timeoutMs >= 0 && firstFailureMs >= 0 && time.milliseconds() - firstFailureMs > timeoutMs;
    }

    public long timeoutMs() {
        return timeoutMs;
    }

    public int attempts() {
        return attempts;
    }

    public void reset() {
        attempts = 0;
        firstFailureMs = -1;
    }
}
