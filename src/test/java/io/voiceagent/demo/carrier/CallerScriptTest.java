package io.voiceagent.demo.carrier;

import io.voiceagent.demo.carrier.SimulatedPhone.Stage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The phone's behaviour with a fake clock: 20 ms ticks, speech heard where the test says. */
class CallerScriptTest {

    private static final long MS = 1_000_000;
    private final CallerScript script = new CallerScript(5, 0, 700 * MS, 60_000 * MS);
    private long now;
    private long lastSpeech = CallerScript.NEVER;

    /** Advances {@code millis} in 20 ms ticks, the agent speaking throughout when {@code agentSpeaks}. */
    private List<Integer> run(int millis, boolean agentSpeaks) {
        List<Integer> sent = new ArrayList<>();
        for (int t = 0; t < millis; t += 20) {
            now += 20 * MS;
            if (agentSpeaks) {
                lastSpeech = now;
            }
            sent.add(script.tick(now, lastSpeech));
        }
        return sent;
    }

    @Test
    void staysSilentUntilTheGreetingEndsThenSaysThePhraseOnce() {
        assertThat(run(1000, false)).containsOnly(CallerScript.SILENCE);
        assertThat(script.stage()).isEqualTo(Stage.AWAITING_GREETING);

        assertThat(run(1500, true)).containsOnly(CallerScript.SILENCE);
        assertThat(script.stage()).isEqualTo(Stage.HEARING_GREETING);

        List<Integer> afterGreeting = run(800, false);
        assertThat(afterGreeting.subList(0, 34)).containsOnly(CallerScript.SILENCE); // 680 ms: not yet a pause
        assertThat(afterGreeting).containsSubsequence(0, 1, 2, 3, 4);
        assertThat(afterGreeting.stream().filter(i -> i >= 0).count()).isEqualTo(5);
        assertThat(script.stage()).isEqualTo(Stage.AWAITING_REPLY);
    }

    @Test
    void hangsUpOncePauseFollowsTheReply() {
        run(500, true);
        run(900, false); // greeting over, phrase said
        assertThat(run(2000, false)).containsOnly(CallerScript.SILENCE);
        assertThat(script.stage()).isEqualTo(Stage.AWAITING_REPLY);

        run(400, true);
        List<Integer> afterReply = run(700, false); // the 35th tick is 700 ms after the last speech

        assertThat(afterReply).endsWith(CallerScript.HANG_UP).containsOnlyOnce(CallerScript.HANG_UP);
        assertThat(script.stage()).isEqualTo(Stage.FINISHED);
        assertThat(run(200, true)).containsOnly(CallerScript.SILENCE);
    }

    @Test
    void aShortGapInsideTheGreetingIsNotItsEnd() {
        run(300, true);
        run(400, false);
        run(300, true);

        assertThat(script.stage()).isEqualTo(Stage.HEARING_GREETING);
    }

    @Test
    void hangsUpAtTheDeadlineWhateverTheConversation() {
        CallerScript limited = new CallerScript(5, 0, 700 * MS, 1000 * MS);

        assertThat(limited.tick(980 * MS, CallerScript.NEVER)).isEqualTo(CallerScript.SILENCE);
        assertThat(limited.tick(1000 * MS, CallerScript.NEVER)).isEqualTo(CallerScript.HANG_UP);
        assertThat(limited.stage()).isEqualTo(Stage.FINISHED);
    }
}
