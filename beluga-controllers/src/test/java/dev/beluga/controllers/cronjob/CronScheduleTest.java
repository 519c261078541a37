package dev.beluga.controllers.cronjob;

import dev.beluga.api.cron.CronSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cron schedule parsing and next fire times, table-driven (2024-01-01 is a Monday). */
class CronScheduleTest {
    @ParameterizedTest(name = "{0} after {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "* * * * *              | 2024-01-01T00:00:30Z     | 2024-01-01T00:01Z",
        "* * * * *              | 2024-01-01T00:00Z        | 2024-01-01T00:01Z",        // strictly after
        "*/15 * * * *           | 2024-01-01T00:14Z        | 2024-01-01T00:15Z",
        "*/15 * * * *           | 2024-01-01T00:45Z        | 2024-01-01T01:00Z",
        "5-20/5 * * * *         | 2024-01-01T00:20Z        | 2024-01-01T01:05Z",
        "10/20 * * * *          | 2024-01-01T00:31Z        | 2024-01-01T00:50Z",        // a/n: a to max
        "1,2,59 * * * *         | 2024-01-01T00:02Z        | 2024-01-01T00:59Z",
        "0 22-23 * * *          | 2024-01-01T23:00Z        | 2024-01-02T22:00Z",
        "30 4 * * *             | 2024-12-31T05:00Z        | 2025-01-01T04:30Z",
        "@hourly                | 2024-01-01T00:00Z        | 2024-01-01T01:00Z",
        "@daily                 | 2024-01-01T00:00Z        | 2024-01-02T00:00Z",
        "@midnight              | 2024-01-01T13:00Z        | 2024-01-02T00:00Z",
        "@weekly                | 2024-01-01T00:00Z        | 2024-01-07T00:00Z",        // Sunday
        "@monthly               | 2024-01-31T12:00Z        | 2024-02-01T00:00Z",
        "@yearly                | 2024-06-01T00:00Z        | 2025-01-01T00:00Z",
        "@ANNUALLY              | 2024-06-01T00:00Z        | 2025-01-01T00:00Z",
        "0 9 * * MON-FRI        | 2024-01-05T10:00Z        | 2024-01-08T09:00Z",        // Friday -> Monday
        "0 9 * * mon,Wed        | 2024-01-01T10:00Z        | 2024-01-03T09:00Z",
        "0 0 * * 7              | 2024-01-01T00:00Z        | 2024-01-07T00:00Z",        // 7 is Sunday
        "0 0 * * 0              | 2024-01-01T00:00Z        | 2024-01-07T00:00Z",
        "0 0 * * 5-7            | 2024-01-06T12:00Z        | 2024-01-07T00:00Z",
        "0 0 * * MON/2          | 2024-01-05T12:00Z        | 2024-01-08T00:00Z",        // a/n on days: 1,3,5, not 7
        "0 0 * * */2            | 2024-01-06T12:00Z        | 2024-01-07T00:00Z",        // 0,2,4,6
        "0 0 1 JAN,jul *        | 2024-02-01T00:00Z        | 2024-07-01T00:00Z",
        "0 0 1 feb-MAR/1 *      | 2024-02-01T00:00Z        | 2024-03-01T00:00Z",
        "0 0 13 * FRI           | 2024-01-01T00:00Z        | 2024-01-05T00:00Z",        // both restricted: either
        "0 0 13 * FRI           | 2024-01-12T00:00Z        | 2024-01-13T00:00Z",
        "0 0 13 * *             | 2024-01-01T00:00Z        | 2024-01-13T00:00Z",
        "0 0 */2 * FRI          | 2024-01-01T00:00Z        | 2024-01-03T00:00Z",        // a step restricts
        "0 0 * * FRI            | 2024-01-01T00:00Z        | 2024-01-05T00:00Z",        // dom *: both must
        "0 0 ? * FRI            | 2024-01-01T00:00Z        | 2024-01-05T00:00Z",
        "0 0 */1 * FRI          | 2024-01-01T00:00Z        | 2024-01-05T00:00Z",        // */1 is still *
        "0 0 29 2 *             | 2024-03-01T00:00Z        | 2028-02-29T00:00Z",
        "0 9 * * *              | 2024-01-01T00:00-05:00[America/New_York] | 2024-01-01T09:00-05:00[America/New_York]",
        "30 2 * * *             | 2024-03-10T00:00-05:00[America/New_York] | 2024-03-10T03:30-04:00[America/New_York]", // DST gap
        "30 1 * * *             | 2024-11-03T00:00-04:00[America/New_York] | 2024-11-03T01:30-04:00[America/New_York]", // overlap: first
        "30 1 * * *             | 2024-11-03T01:30-04:00[America/New_York] | 2024-11-04T01:30-05:00[America/New_York]", // ...once
        "0 0 * * *              | 2024-01-01T12:00+09:00[Asia/Tokyo]       | 2024-01-02T00:00+09:00[Asia/Tokyo]",
    })
    void nextFireTime(String schedule, String after, String expected) {
        assertThat(CronSchedule.parse(schedule).next(ZonedDateTime.parse(after))).isEqualTo(ZonedDateTime.parse(expected));
    }

    @Test
    void aScheduleThatNeverFiresHasNoNextTime() {
        assertThat(CronSchedule.parse("0 0 30 2 *").next(ZonedDateTime.parse("2024-01-01T00:00Z"))).isNull();
    }

    @Test
    void secondsAndNanosAreDropped() {
        assertThat(CronSchedule.parse("* * * * *").next(ZonedDateTime.parse("2024-01-01T00:00:59.999Z")))
            .isEqualTo(ZonedDateTime.parse("2024-01-01T00:01Z"));
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
        "''                    | empty cron schedule",
        "* * * *               | expected exactly 5 fields",
        "* * * * * *           | expected exactly 5 fields",
        "60 * * * *            | minute field \"60\": value 60 out of range [0, 59]",
        "* 24 * * *            | hour field",
        "* * 0 * *             | day of month field",
        "* * 32 * *            | day of month field",
        "* * * 13 *            | month field",
        "* * * FOO *           | month field \"FOO\": invalid value",
        "* * * * 8             | day of week field",
        "* * * * MONDAY        | day of week field",
        "*/0 * * * *           | step must be positive",
        "5-1 * * * *           | range start 5 is beyond its end 1",
        "1-2-3 * * * *         | too many hyphens",
        "*/2/3 * * * *         | too many slashes",
        "1,,2 * * * *          | empty list element",
        "-5 * * * *            | missing value",
        "@every 5m             | unrecognized descriptor",
        "@reboot               | unrecognized descriptor",
        "TZ=UTC 0 * * * *      | use spec.timeZone",
        "CRON_TZ=UTC 0 * * * * | use spec.timeZone",
    })
    void badSchedulesAreRejectedWithAClearMessage(String schedule, String message) {
        assertThatThrownBy(() -> CronSchedule.parse(schedule)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void missedTimesAreCountedAndTheMostRecentFoundEvenWhenManyWereMissed() {
        CronSchedule everyMinute = CronSchedule.parse("* * * * *");
        ZonedDateTime start = ZonedDateTime.parse("2024-01-01T00:00Z");
        MissedSchedules few = MissedSchedules.between(everyMinute, start, start.plusMinutes(3).plusSeconds(10));
        assertThat(few.count()).isEqualTo(3);
        assertThat(few.mostRecent()).isEqualTo(start.plusMinutes(3));
        MissedSchedules many = MissedSchedules.between(everyMinute, start, start.plusDays(365).plusSeconds(30));
        assertThat(many.tooMany()).isTrue();
        assertThat(many.mostRecent()).isEqualTo(start.plusDays(365));
        MissedSchedules none = MissedSchedules.between(CronSchedule.parse("@hourly"), start, start.plusMinutes(59));
        assertThat(none.mostRecent()).isNull();
        assertThat(none.count()).isZero();
        // dense then sparse: 60 times at midnight, then nothing for a day
        MissedSchedules sparse = MissedSchedules.between(CronSchedule.parse("* 0 * * *"), start, start.plusDays(3).plusHours(20));
        assertThat(sparse.tooMany()).isTrue();
        assertThat(sparse.mostRecent()).isEqualTo(start.plusDays(3).plusMinutes(59));
    }
}
