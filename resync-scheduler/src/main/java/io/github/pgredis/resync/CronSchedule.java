package io.github.pgredis.resync;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.BitSet;

/**
 * A five-field cron expression ({@code minute hour day-of-month month day-of-week}) in a time zone. Each field is
 * {@code *}, a number, a range {@code a-b}, any of these with a step {@code /n}, or a comma-separated list of them;
 * day-of-week 0 and 7 are Sunday. As in cron, when both day fields are restricted a day matching either runs.
 */
final class CronSchedule implements Schedule {
    /** Five years of days: every valid expression matches a day within them (29 February in the next leap year). */
    private static final int MAX_DAYS = 5 * 366;

    private final String expression;
    private final ZoneId zone;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean anyDayOfMonth;
    private final boolean anyDayOfWeek;

    CronSchedule(String expression, ZoneId zone) {
        String[] fields = expression.trim().split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("cron expression '" + expression + "' has " + fields.length
                    + " fields, not 5 (minute hour day-of-month month day-of-week)");
        }
        this.expression = expression.trim();
        this.zone = zone;
        minutes = field(fields[0], "minute", 0, 59);
        hours = field(fields[1], "hour", 0, 23);
        daysOfMonth = field(fields[2], "day-of-month", 1, 31);
        months = field(fields[3], "month", 1, 12);
        daysOfWeek = field(fields[4], "day-of-week", 0, 7);
        if (daysOfWeek.get(7)) {
            daysOfWeek.set(0);
        }
        anyDayOfMonth = fields[2].equals("*");
        anyDayOfWeek = fields[4].equals("*");
        if (nextAfter(0) < 0) {
            throw new IllegalArgumentException("cron expression '" + expression + "' never runs");
        }
    }

    private static BitSet field(String text, String name, int min, int max) {
        BitSet values = new BitSet(max + 1);
        for (String part : text.split(",", -1)) {
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(part.substring(slash + 1), name, text);
                if (step <= 0) {
                    throw new IllegalArgumentException("cron " + name + " field '" + text + "' has step " + step);
                }
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else {
                int dash = range.indexOf('-');
                from = number(dash >= 0 ? range.substring(0, dash) : range, name, text);
                to = dash >= 0 ? number(range.substring(dash + 1), name, text) : slash >= 0 ? max : from;
            }
            if (from < min || to > max || from > to) {
                throw new IllegalArgumentException("cron " + name + " field '" + text + "' is outside " + min + "-"
                        + max);
            }
            for (int value = from; value <= to; value += step) {
                values.set(value);
            }
        }
        return values;
    }

    private static int number(String text, String name, String field) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cron " + name + " field '" + field + "' is not a number, range, "
                    + "step or list of them");
        }
    }

    @Override
    public long nextAfter(long epochMs) {
        ZonedDateTime after = Instant.ofEpochMilli(epochMs).atZone(zone);
        LocalDate day = after.toLocalDate();
        for (int i = 0; i < MAX_DAYS; i++, day = day.plusDays(1)) {
            if (!runsOn(day)) {
                continue;
            }
            // on the first day, from the hour and minute of epochMs on (an earlier offset on a repeated hour is
            // checked too: runMs decides)
            int firstHour = i == 0 ? Math.max(0, after.getHour() - 1) : 0;
            for (int hour = hours.nextSetBit(firstHour); hour >= 0; hour = hours.nextSetBit(hour + 1)) {
                for (int minute = minutes.nextSetBit(0); minute >= 0; minute = minutes.nextSetBit(minute + 1)) {
                    // a local time in a daylight-saving gap runs at the same offset later, as ZonedDateTime resolves it
                    ZonedDateTime run = LocalDateTime.of(day, LocalTime.of(hour, minute)).atZone(zone);
                    long runMs = run.toInstant().toEpochMilli();
                    if (runMs > epochMs) {
                        return runMs;
                    }
                }
            }
        }
        return -1;
    }

    private boolean runsOn(LocalDate day) {
        if (!months.get(day.getMonthValue())) {
            return false;
        }
        boolean dayOfMonth = daysOfMonth.get(day.getDayOfMonth());
        boolean dayOfWeek = daysOfWeek.get(day.getDayOfWeek().getValue() % 7);
        if (anyDayOfMonth || anyDayOfWeek) {
            return dayOfMonth && dayOfWeek;
        }
        return dayOfMonth || dayOfWeek;
    }

    @Override
    public String toString() {
        return "cron '" + expression + "' in " + zone;
    }
}
