package io.github.pgredis.resync;

/** Every {@code intervalMs}, at the multiples of it since the epoch, so that runs keep their times across restarts. */
record IntervalSchedule(long intervalMs) implements Schedule {
    IntervalSchedule {
        if (intervalMs <= 0) {
            throw new IllegalArgumentException("the interval must be positive, not " + intervalMs);
        }
    }

    @Override
    public long nextAfter(long epochMs) {
        return Math.floorDiv(epochMs, intervalMs) * intervalMs + intervalMs;
    }

    @Override
    public long latestDue(long lastRunMs, long nowMs) {
        long latest = Math.floorDiv(nowMs, intervalMs) * intervalMs;
        return latest > lastRunMs ? latest : -1;
    }
}
