package io.voiceagent.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The calling window's hours, including one that crosses midnight, and the open time the estimate counts. */
class CallingWindowTest {
    private static final ZoneId UTC = ZoneOffset.UTC;
    /** A Friday. */
    private static final Instant FRIDAY = Instant.parse("2026-12-04T00:00:00Z");

    private static CallingWindow window(int startHour, int endHour, DayOfWeek first, DayOfWeek... rest) {
        return new CallingWindow(LocalTime.of(startHour, 0), LocalTime.of(endHour, 0), EnumSet.of(first, rest), UTC);
    }

    private static Instant at(Instant day, int hour, int minute) {
        return day.plus(Duration.ofHours(hour).plusMinutes(minute));
    }

    @Test
    void aWindowCrossingMidnightBelongsToTheDayItOpensOn() {
        CallingWindow fridayNight = window(21, 2, DayOfWeek.FRIDAY);
        Instant saturday = FRIDAY.plus(Duration.ofDays(1));
        assertThat(fridayNight.isOpen(at(FRIDAY, 1, 0))).as("Friday 01:00 is Thursday's night").isFalse();
        assertThat(fridayNight.isOpen(at(FRIDAY, 20, 59))).isFalse();
        assertThat(fridayNight.isOpen(at(FRIDAY, 21, 0))).isTrue();
        assertThat(fridayNight.isOpen(at(saturday, 1, 59))).as("Saturday is not listed, Friday's night is").isTrue();
        assertThat(fridayNight.isOpen(at(saturday, 2, 0))).isFalse();
        assertThat(fridayNight.isOpen(at(saturday, 21, 0))).isFalse();
        assertThat(fridayNight.nextOpening(at(saturday, 2, 0))).isEqualTo(at(FRIDAY.plus(Duration.ofDays(7)), 21, 0));
        assertThat(fridayNight.closing(at(FRIDAY, 23, 0))).isEqualTo(at(saturday, 2, 0));
    }

    @Test
    void itMustNotBeEmptyNorStartAtTheEndOfTheDay() {
        assertThatThrownBy(() -> window(9, 9, DayOfWeek.MONDAY)).hasMessageContaining("must not end when it starts");
        assertThatThrownBy(() -> new CallingWindow(LocalTime.MAX, LocalTime.of(9, 0), EnumSet.of(DayOfWeek.MONDAY),
                UTC)).hasMessageContaining("cannot start at 24:00");
        CallingWindow wholeDay = new CallingWindow(LocalTime.MIDNIGHT, CallingWindow.parseTime("24:00"),
                EnumSet.allOf(DayOfWeek.class), UTC);
        assertThat(wholeDay.openBetween(FRIDAY, FRIDAY.plus(Duration.ofDays(3)))).isEqualTo(Duration.ofDays(3));
    }

    @Test
    void openTimeIsCountedAcrossDaysAndTheOpeningsAheadAreFilledInOrder() {
        CallingWindow nights = window(21, 2, DayOfWeek.FRIDAY, DayOfWeek.SATURDAY);
        // Friday 21:00 to Sunday 02:00: two nights of five hours.
        assertThat(nights.openBetween(FRIDAY, FRIDAY.plus(Duration.ofDays(3)))).isEqualTo(Duration.ofHours(10));
        assertThat(nights.openBetween(at(FRIDAY, 23, 0), at(FRIDAY, 23, 30))).isEqualTo(Duration.ofMinutes(30));
        // Six open hours from Friday noon: Friday's five, then one on Saturday from 21:00.
        assertThat(nights.afterOpenFor(at(FRIDAY, 12, 0), Duration.ofHours(6)))
                .contains(at(FRIDAY.plus(Duration.ofDays(1)), 22, 0));
        assertThat(nights.afterOpenFor(FRIDAY, Duration.ofDays(3650))).as("beyond a year of openings")
                .isEqualTo(Optional.empty());
    }
}
