package io.voiceagent.campaigns;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * When a campaign may dial: from {@code start} (inclusive) to {@code end} (exclusive) local time in
 * {@code zone}, on {@code days}. Outside it nothing is dialed; calls already live go on.
 *
 * <p>A window whose end is before its start crosses midnight: {@code 21:00–02:00} on {@code fri} opens on
 * Friday at 21:00 and closes on Saturday at 02:00. A listed day is the day the window opens on; the hours
 * after midnight belong to the day before, whether or not that next day is listed itself.
 */
public record CallingWindow(LocalTime start, LocalTime end, Set<DayOfWeek> days, ZoneId zone) {
    /** 09:00–21:00 every day, Moscow time. */
    public static final CallingWindow DEFAULT = new CallingWindow(LocalTime.of(9, 0), LocalTime.of(21, 0),
            EnumSet.allOf(DayOfWeek.class), ZoneId.of("Europe/Moscow"));

    public CallingWindow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(zone, "zone");
        if (start.equals(LocalTime.MAX)) {
            throw new IllegalArgumentException("the window cannot start at " + END_OF_DAY + "; write 00:00");
        }
        if (start.equals(end)) {
            throw new IllegalArgumentException("the window must not end when it starts; 00:00-24:00 is the whole day");
        }
        if (days.isEmpty()) {
            throw new IllegalArgumentException("the window needs at least one day");
        }
        days = Set.copyOf(days);
    }

    /** Whether it ends after midnight, on the day after it opened. */
    private boolean crossesMidnight() {
        return end.isBefore(start);
    }

    public boolean isOpen(Instant now) {
        return openedOn(now).isPresent();
    }

    /** The local date of the opening {@code now} is in, if the window is open. */
    private Optional<LocalDate> openedOn(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        LocalDate date = local.toLocalDate();
        LocalTime time = local.toLocalTime();
        if (!crossesMidnight()) {
            return days.contains(date.getDayOfWeek()) && !time.isBefore(start) && time.isBefore(end)
                    ? Optional.of(date) : Optional.empty();
        }
        if (!time.isBefore(start) && days.contains(date.getDayOfWeek())) {
            return Optional.of(date);
        }
        LocalDate before = date.minusDays(1);
        return time.isBefore(end) && days.contains(before.getDayOfWeek()) ? Optional.of(before) : Optional.empty();
    }

    /** {@code now} when open, else when it next opens. */
    public Instant nextOpening(Instant now) {
        if (isOpen(now)) {
            return now;
        }
        ZonedDateTime local = now.atZone(zone);
        for (int i = 0; i <= 7; i++) {
            LocalDate date = local.toLocalDate().plusDays(i);
            ZonedDateTime opening = date.atTime(start).atZone(zone);
            if (days.contains(date.getDayOfWeek()) && opening.toInstant().isAfter(now)) {
                return opening.toInstant();
            }
        }
        throw new IllegalStateException("a window with days never opens");
    }

    /** When the opening {@code now} is in closes; {@code now} itself when closed. */
    Instant closing(Instant now) {
        return openedOn(now).map(opened -> {
            LocalDate closesOn = crossesMidnight() ? opened.plusDays(1) : opened;
            return end.equals(LocalTime.MAX) ? closesOn.plusDays(1).atStartOfDay(zone).toInstant()
                    : closesOn.atTime(end).atZone(zone).toInstant();
        }).orElse(now);
    }

    /** How long it is open between {@code from} and {@code to}. */
    Duration openBetween(Instant from, Instant to) {
        Duration open = Duration.ZERO;
        for (Instant t = nextOpening(from); t.isBefore(to); t = nextOpening(closing(t))) {
            Instant closes = closing(t);
            open = open.plus(length(t, closes.isBefore(to) ? closes : to));
        }
        return open;
    }

    /**
     * The instant by which it has been open for {@code open} from {@code from} on; empty when that is more
     * than {@link #OPENINGS_AHEAD} openings away.
     */
    Optional<Instant> afterOpenFor(Instant from, Duration open) {
        Duration left = open;
        Instant t = nextOpening(from);
        for (int opening = 0; opening < OPENINGS_AHEAD; opening++, t = nextOpening(closing(t))) {
            Duration length = length(t, closing(t));
            if (left.compareTo(length) <= 0) {
                return Optional.of(t.plus(left));
            }
            left = left.minus(length);
        }
        return Optional.empty();
    }

    /** How far ahead {@link #afterOpenFor} looks: a year of a window open every day. */
    static final int OPENINGS_AHEAD = 366;

    /** Never negative: a local time repeated as the clocks go back may put a closing before its opening. */
    private static Duration length(Instant from, Instant to) {
        return to.isAfter(from) ? Duration.between(from, to) : Duration.ZERO;
    }

    /** {@code HH:MM}, or {@code 24:00} for the end of the day. */
    public static LocalTime parseTime(String text) {
        return text.strip().equals(END_OF_DAY) ? LocalTime.MAX : LocalTime.parse(text.strip());
    }

    private static String format(LocalTime time) {
        return time.equals(LocalTime.MAX) ? END_OF_DAY : time.toString();
    }

    private static final String END_OF_DAY = "24:00";

    /** The settings' fields: {@code window_start}, {@code window_end}, {@code days}, {@code timezone}. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("window_start", format(start));
        m.put("window_end", format(end));
        m.put("days", dayNames(days));
        m.put("timezone", zone.getId());
        return m;
    }

    /** Days as short English names in week order: {@code mon,tue,…}. */
    static String dayNames(Set<DayOfWeek> days) {
        List<String> names = EnumSet.copyOf(days).stream()
                .map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ROOT).toLowerCase(Locale.ROOT)).toList();
        return String.join(",", names);
    }

    /**
     * {@code mon-fri}, {@code sat,sun}, {@code mon,wed-fri}: days by their first three letters, ranges
     * within a week.
     */
    public static Set<DayOfWeek> parseDays(String text) {
        Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
        for (String part : text.toLowerCase(Locale.ROOT).split(",")) {
            String[] range = part.strip().split("-", 2);
            DayOfWeek from = day(range[0]);
            DayOfWeek to = range.length == 2 ? day(range[1]) : from;
            if (to.compareTo(from) < 0) {
                throw new IllegalArgumentException("'" + part.strip() + "' runs backwards; write e.g. mon-fri");
            }
            for (DayOfWeek d = from; ; d = d.plus(1)) {
                out.add(d);
                if (d == to) {
                    break;
                }
            }
        }
        return out;
    }

    private static DayOfWeek day(String name) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.getDisplayName(TextStyle.SHORT, Locale.ROOT).equalsIgnoreCase(name.strip())) {
                return d;
            }
        }
        throw new IllegalArgumentException("'" + name.strip() + "' is not a day; expected mon, tue, wed, thu, fri,"
                + " sat or sun");
    }

    static CallingWindow fromJson(Map<String, Object> m) {
        return new CallingWindow(parseTime((String) m.get("window_start")),
                parseTime((String) m.get("window_end")), parseDays((String) m.get("days")),
                ZoneId.of((String) m.get("timezone")));
    }
}
