package dev.beluga.controllers.cronjob;

import dev.beluga.api.cron.CronSchedule;
import java.time.Duration;
import java.time.ZonedDateTime;

/**
 * The fire times of a schedule that a CronJob missed: the most recent one in {@code (earliest, now]} and how many
 * there were, counted up to {@link #LIMIT} + 1 (upstream gives up counting past 100 and warns
 * {@code TooManyMissedTimes}). Finding the most recent time costs about as many {@link CronSchedule#next} calls as
 * there are fire times in the last few schedule intervals, however long ago {@code earliest} is. Stateless.
 */
record MissedSchedules(ZonedDateTime mostRecent, int count) {
    static final int LIMIT = 100;

    boolean tooMany() {
        return count > LIMIT;
    }

    /** The missed fire times in {@code (earliest, now]}; {@code mostRecent} null when there is none. */
    static MissedSchedules between(CronSchedule schedule, ZonedDateTime earliest, ZonedDateTime now) {
        ZonedDateTime t = schedule.next(earliest);
        ZonedDateTime last = null;
        int count = 0;
        while (t != null && !t.isAfter(now)) {
            last = t;
            if (++count > LIMIT) return new MissedSchedules(latestBefore(schedule, t, now), count);
            t = schedule.next(t);
        }
        return new MissedSchedules(last, count);
    }

    /** The latest fire time in {@code [known, now]}, given that {@code known} is one: searches back from now, doubling. */
    private static ZonedDateTime latestBefore(CronSchedule schedule, ZonedDateTime known, ZonedDateTime now) {
        ZonedDateTime from = known;
        for (Duration back = Duration.ofMinutes(1); ; back = back.multipliedBy(2)) {
            ZonedDateTime start = now.minus(back);
            if (!start.isAfter(known)) break;
            ZonedDateTime t = schedule.next(start);
            if (t != null && !t.isAfter(now)) {
                from = t;
                break;
            }
        }
        ZonedDateTime last = from;
        for (ZonedDateTime t = schedule.next(from); t != null && !t.isAfter(now); t = schedule.next(t)) last = t;
        return last;
    }
}
