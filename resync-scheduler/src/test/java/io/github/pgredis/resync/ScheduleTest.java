package io.github.pgredis.resync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class ScheduleTest {
    private static final ZoneId UTC = ZoneOffset.UTC;

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static String next(String cron, String after) {
        return next(cron, UTC, after);
    }

    private static String next(String cron, ZoneId zone, String after) {
        return Instant.ofEpochMilli(new CronSchedule(cron, zone).nextAfter(at(after))).toString();
    }

    @Test
    void intervalsRunAtTheirMultiplesSinceTheEpoch() {
        IntervalSchedule hourly = new IntervalSchedule(3_600_000);
        assertThat(hourly.nextAfter(at("2026-12-01T10:15:00Z"))).isEqualTo(at("2026-12-01T11:00:00Z"));
        assertThat(hourly.nextAfter(at("2026-12-01T11:00:00Z"))).as("strictly after")
                .isEqualTo(at("2026-12-01T12:00:00Z"));
    }

    @Test
    void runsMissedMeanwhileAreMadeUpByTheLatestOnly() {
        IntervalSchedule hourly = new IntervalSchedule(3_600_000);
        long lastRun = at("2026-12-01T08:00:00Z");
        assertThat(hourly.latestDue(lastRun, at("2026-12-01T08:59:59Z"))).as("nothing due").isEqualTo(-1);
        assertThat(hourly.latestDue(lastRun, at("2026-12-01T11:30:00Z"))).isEqualTo(at("2026-12-01T11:00:00Z"));
        CronSchedule cron = new CronSchedule("0 * * * *", UTC);
        assertThat(cron.latestDue(lastRun, at("2026-12-01T11:30:00Z"))).as("the default method, for cron")
                .isEqualTo(at("2026-12-01T11:00:00Z"));
        assertThat(cron.latestDue(lastRun, at("2026-12-01T08:30:00Z"))).isEqualTo(-1);
    }

    @Test
    void cronFieldsListsRangesAndSteps() {
        assertThat(next("30 2 * * *", "2026-12-01T02:30:00Z")).isEqualTo("2026-12-02T02:30:00Z");
        assertThat(next("*/15 9-17 * * 1-5", "2026-12-04T17:50:00Z")).as("Friday evening to Monday morning")
                .isEqualTo("2026-12-07T09:00:00Z");
        assertThat(next("0 0 1,15 * *", "2026-12-02T00:00:00Z")).isEqualTo("2026-12-15T00:00:00Z");
        assertThat(next("0 12 * * 0", "2026-12-01T00:00:00Z")).as("Sunday as 0").isEqualTo("2026-12-06T12:00:00Z");
        assertThat(next("0 12 * * 7", "2026-12-01T00:00:00Z")).as("Sunday as 7").isEqualTo("2026-12-06T12:00:00Z");
        assertThat(next("5/20 * * * *", "2026-12-01T00:30:00Z")).isEqualTo("2026-12-01T00:45:00Z");
        assertThat(next("0 0 29 2 *", "2026-12-01T00:00:00Z")).as("the next leap day")
                .isEqualTo("2028-02-29T00:00:00Z");
    }

    @Test
    void bothDayFieldsRestrictedMeansEither() {
        // the 1st of the month or any Monday: Monday 7 December comes before 1 January
        assertThat(next("0 0 1 * 1", "2026-12-02T00:00:00Z")).isEqualTo("2026-12-07T00:00:00Z");
    }

    @Test
    void cronTimesAreInTheirTimeZoneThroughDaylightSaving() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        assertThat(next("30 2 * * *", berlin, "2026-12-01T12:00:00Z")).as("CET is UTC+1")
                .isEqualTo("2026-12-02T01:30:00Z");
        // 29 March 2026: 02:00 local does not exist; the run moves to 03:30 CEST, which is 01:30 UTC
        assertThat(next("30 2 * * *", berlin, "2026-03-28T12:00:00Z")).isEqualTo("2026-03-29T01:30:00Z");
        assertThat(next("30 2 * * *", berlin, "2026-06-01T12:00:00Z")).as("CEST is UTC+2")
                .isEqualTo("2026-06-02T00:30:00Z");
    }

    @Test
    void badExpressionsAreRefusedSayingWhy() {
        assertThatThrownBy(() -> new CronSchedule("0 2 * *", UTC)).hasMessageContaining("has 4 fields, not 5");
        assertThatThrownBy(() -> new CronSchedule("61 * * * *", UTC)).hasMessageContaining("minute field '61'");
        assertThatThrownBy(() -> new CronSchedule("* * * JAN *", UTC)).hasMessageContaining("month field 'JAN'");
        assertThatThrownBy(() -> new CronSchedule("*/0 * * * *", UTC)).hasMessageContaining("step 0");
        assertThatThrownBy(() -> new CronSchedule("0 0 31 2 *", UTC)).hasMessageContaining("never runs");
        assertThatThrownBy(() -> new IntervalSchedule(0)).hasMessageContaining("positive");
    }
}
