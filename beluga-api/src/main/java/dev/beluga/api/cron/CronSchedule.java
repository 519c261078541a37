package dev.beluga.api.cron;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A standard five-field cron schedule ({@code minute hour day-of-month month day-of-week}), as a CronJob's
 * {@code spec.schedule} is read upstream (robfig/cron's standard parser): {@code *} (or {@code ?}), numbers, lists
 * {@code a,b}, ranges {@code a-b}, steps {@code *}{@code /n}, {@code a-b/n} and {@code a/n} (from {@code a} to the
 * field's maximum), month names {@code JAN}-{@code DEC} and day names {@code SUN}-{@code SAT} (any case), day of
 * week 0 and 7 both Sunday; and the macros {@code @yearly}, {@code @annually}, {@code @monthly}, {@code @weekly},
 * {@code @daily}, {@code @midnight}, {@code @hourly}.
 *
 * <p>Day matching as cron: when both day-of-month and day-of-week are restricted (neither starts with {@code *} or
 * {@code ?}, a step other than 1 counting as a restriction), a day matches if either does; otherwise both must.
 *
 * <p>Times are wall-clock times in the zone of the argument to {@link #next}. A wall-clock time that a daylight
 * saving gap skips fires once the gap is over (shifted by the gap's length); one that an overlap repeats fires once,
 * at its first occurrence after the argument.
 *
 * <p>Immutable and thread-safe. {@link #parse} throws {@link IllegalArgumentException} with a message naming the
 * faulty field.
 */
public final class CronSchedule {
    private static final Map<String, String> MACROS = Map.of(
        "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
        "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    /** How far {@link #next} looks before deciding a schedule never fires (e.g. {@code 0 0 30 2 *}). */
    private static final int SEARCH_YEARS = 5;

    private final String expression;
    private final long minutes;
    private final long hours;
    private final long daysOfMonth;
    private final long months;
    private final long daysOfWeek;
    private final boolean domRestricted;
    private final boolean dowRestricted;

    private CronSchedule(String expression, Field[] f) {
        this.expression = expression;
        this.minutes = f[0].bits;
        this.hours = f[1].bits;
        this.daysOfMonth = f[2].bits;
        this.months = f[3].bits;
        // Sunday may be written 0 or 7
        this.daysOfWeek = (f[4].bits | (f[4].bits >>> 7)) & 0x7F;
        this.domRestricted = !f[2].star;
        this.dowRestricted = !f[4].star;
    }

    private record Field(long bits, boolean star) {
    }

    /** A field's bounds; {@code openMax} ends {@code *} and {@code a/n} (6 for day of week, where 7 is only an alias). */
    private record Range(String name, int min, int max, int openMax, List<String> names, int namesFrom) {
    }

    private static final Range[] RANGES = {
        new Range("minute", 0, 59, 59, List.of(), 0),
        new Range("hour", 0, 23, 23, List.of(), 0),
        new Range("day of month", 1, 31, 31, List.of(), 0),
        new Range("month", 1, 12, 12, MONTHS, 1),
        new Range("day of week", 0, 7, 6, DAYS, 0),
    };

    /** Parses a schedule. */
    public static CronSchedule parse(String expression) {
        if (expression == null || expression.isBlank()) throw new IllegalArgumentException("empty cron schedule");
        String spec = expression.trim();
        if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ="))
            throw new IllegalArgumentException("cron schedule \"" + expression + "\": TZ and CRON_TZ are not supported in the schedule, use spec.timeZone");
        if (spec.startsWith("@")) {
            String macro = MACROS.get(spec.toLowerCase(Locale.ROOT));
            if (macro == null) throw new IllegalArgumentException("cron schedule \"" + expression + "\": unrecognized descriptor " + spec
                + " (expected one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)");
            spec = macro;
        }
        String[] parts = spec.split("\\s+");
        if (parts.length != 5)
            throw new IllegalArgumentException("cron schedule \"" + expression + "\": expected exactly 5 fields (minute hour day-of-month month day-of-week), found " + parts.length);
        Field[] fields = new Field[5];
        for (int i = 0; i < 5; i++) {
            try {
                fields[i] = field(parts[i], RANGES[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cron schedule \"" + expression + "\": " + RANGES[i].name + " field \"" + parts[i] + "\": " + e.getMessage());
            }
        }
        return new CronSchedule(expression, fields);
    }

    private static Field field(String text, Range r) {
        long bits = 0;
        boolean star = false;
        for (String part : text.split(",", -1)) {
            if (part.isEmpty()) throw new IllegalArgumentException("empty list element");
            String[] rangeAndStep = part.split("/", -1);
            if (rangeAndStep.length > 2) throw new IllegalArgumentException("too many slashes in \"" + part + "\"");
            String range = rangeAndStep[0];
            int start;
            int end;
            boolean partStar = false;
            if (range.equals("*") || range.equals("?")) {
                start = r.min;
                end = r.openMax;
                partStar = true;
            } else {
                String[] lowHigh = range.split("-", -1);
                if (lowHigh.length > 2) throw new IllegalArgumentException("too many hyphens in \"" + range + "\"");
                start = value(lowHigh[0], r);
                end = lowHigh.length == 2 ? value(lowHigh[1], r) : start;
            }
            int step = 1;
            if (rangeAndStep.length == 2) {
                step = number(rangeAndStep[1], "step");
                if (step <= 0) throw new IllegalArgumentException("step must be positive, got " + step);
                // "a/n" means "a-max/n"
                if (!partStar && !range.contains("-")) end = r.openMax;
                if (step > 1) partStar = false;
            }
            if (start > end) throw new IllegalArgumentException("range start " + start + " is beyond its end " + end);
            for (int v = start; v <= end; v += step) bits |= 1L << v;
            star |= partStar;
        }
        return new Field(bits, star);
    }

    private static int value(String text, Range r) {
        if (text.isEmpty()) throw new IllegalArgumentException("missing value");
        int named = r.names.indexOf(text.toUpperCase(Locale.ROOT));
        int v = named >= 0 ? named + r.namesFrom : number(text, "value");
        if (v < r.min || v > r.max) throw new IllegalArgumentException("value " + v + " out of range [" + r.min + ", " + r.max + "]");
        return v;
    }

    private static int number(String text, String what) {
        if (text.isEmpty() || !text.chars().allMatch(Character::isDigit) || text.length() > 9)
            throw new IllegalArgumentException("invalid " + what + " \"" + text + "\"");
        return Integer.parseInt(text);
    }

    /**
     * The first fire time strictly after {@code after}, in {@code after}'s zone (seconds and nanos zero), or null
     * when the schedule never fires (no match within {@value #SEARCH_YEARS} years, e.g. February 30th).
     */
    public ZonedDateTime next(ZonedDateTime after) {
        LocalDateTime t = after.toLocalDateTime().truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        LocalDateTime limit = t.plusYears(SEARCH_YEARS);
        while (t.isBefore(limit)) {
            if (!has(months, t.getMonthValue())) {
                t = t.withDayOfMonth(1).toLocalDate().atStartOfDay().plusMonths(1);
                continue;
            }
            if (!dayMatches(t)) {
                t = t.toLocalDate().plusDays(1).atStartOfDay();
                continue;
            }
            if (!has(hours, t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
                continue;
            }
            if (!has(minutes, t.getMinute())) {
                t = t.plusMinutes(1);
                continue;
            }
            ZonedDateTime z = resolve(t, after);
            if (z != null) return z;
            t = t.plusMinutes(1);
        }
        return null;
    }

    /** The zoned time of a matching wall-clock time that is after {@code after}, or null. */
    private static ZonedDateTime resolve(LocalDateTime t, ZonedDateTime after) {
        var rules = after.getZone().getRules();
        List<ZoneOffset> offsets = rules.getValidOffsets(t);
        if (offsets.isEmpty()) {
            ZonedDateTime z = ZonedDateTime.ofLocal(t, after.getZone(), null); // in a gap: shifted forward
            return z.isAfter(after) ? z : null;
        }
        for (ZoneOffset o : offsets) {
            ZonedDateTime z = ZonedDateTime.ofStrict(t, o, after.getZone());
            if (z.isAfter(after)) return z;
        }
        return null;
    }

    private boolean dayMatches(LocalDateTime t) {
        boolean dom = has(daysOfMonth, t.getDayOfMonth());
        boolean dow = has(daysOfWeek, t.getDayOfWeek().getValue() % 7);
        return domRestricted && dowRestricted ? dom || dow : dom && dow;
    }

    private static boolean has(long bits, int v) {
        return (bits & (1L << v)) != 0;
    }

    @Override
    public String toString() {
        return expression;
    }
}
