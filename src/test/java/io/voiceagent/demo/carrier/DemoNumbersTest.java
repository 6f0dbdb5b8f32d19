package io.voiceagent.demo.carrier;

import io.voiceagent.demo.carrier.DemoNumbers.Outcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DemoNumbersTest {

    @Test
    void theLastFourDigitsChooseTheOutcome() {
        assertThat(DemoNumbers.outcomeOf("+79990001122")).isEqualTo(Outcome.CONVERSATION);
        assertThat(DemoNumbers.outcomeOf("79990001122")).isEqualTo(Outcome.CONVERSATION);
        assertThat(DemoNumbers.outcomeOf("+79990000001")).isEqualTo(Outcome.BUSY);
        assertThat(DemoNumbers.outcomeOf("74950000002")).isEqualTo(Outcome.NO_ANSWER);
        assertThat(DemoNumbers.outcomeOf("+79990000003")).isEqualTo(Outcome.HANGUP_MID_CALL);
        assertThat(DemoNumbers.outcomeOf("+79990000004")).isEqualTo(Outcome.INVALID_NUMBER);
        assertThat(DemoNumbers.outcomeOf("+79990000005")).isEqualTo(Outcome.TAKES_TRANSFERS);
    }

    @Test
    void anythingButTenToFifteenDigitsIsInvalid() {
        assertThat(DemoNumbers.outcomeOf("123456789")).isEqualTo(Outcome.INVALID_NUMBER);
        assertThat(DemoNumbers.outcomeOf("1234567890123456")).isEqualTo(Outcome.INVALID_NUMBER);
        assertThat(DemoNumbers.outcomeOf("+7999000112a")).isEqualTo(Outcome.INVALID_NUMBER);
        assertThat(DemoNumbers.outcomeOf("")).isEqualTo(Outcome.INVALID_NUMBER);
    }

    @Test
    void everyOutcomeHasOneListedExampleThatProducesIt() {
        assertThat(DemoNumbers.examples()).extracting(DemoNumbers.DemoNumber::outcome).containsExactly(Outcome.values());
        assertThat(DemoNumbers.examples()).allSatisfy(n -> assertThat(DemoNumbers.outcomeOf(n.number())).isEqualTo(n.outcome()));
    }
}
