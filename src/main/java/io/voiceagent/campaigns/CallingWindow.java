package io.voiceagent.campaigns;

import java.time.DayOfWeek;
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
import java.util.Set;

/**
 * When a campaign may dial: from {@code start} (inclusive) to {@code end} (exclusive) local time in
 * {@code zone}, on {@code days}. Outside it nothing is dialed; calls already live go on.
 */
public record CallingWindow(LocalTime start, LocalTime end, Set<DayOfWeek> days, ZoneId zone) {
    /** 09:00–21:00 every day, Moscow time. */
    public static final CallingWindow DEFAULT = new CallingWindow(LocalTime.of(9, 0), LocalTime.of(21, 0),
            EnumSet.allOf(DayOfWeek.class), ZoneId.of("Europe/Moscow"));

    public CallingWindow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(zone, "zone");
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("the window must end after it starts");
        }
        if (days.isEmpty()) {
            throw new IllegalArgumentException("the window needs at least one day");
        }
        days = Set.copyOf(days);
    }

    public boolean isOpen(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        LocalTime time = local.toLocalTime();
        return days.contains(local.getDayOfWeek()) && !time.isBefore(start) && time.isBefore(end);
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
