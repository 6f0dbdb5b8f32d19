package io.voiceagent.exolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Exolve's webhook bodies, as FACTS.md lists them (type b/s/d/e/crr; call_id, call_sid, from, to, duration, cause_code). */
class ExolveEventTest {

    private static Map<String, Object> body(String type) {
        Map<String, Object> body = new HashMap<>();
        body.put("call_id", "4455");
        body.put("call_sid", "sid-1");
        body.put("type", type);
        body.put("from", "74950000000");
        body.put("to", "79990001122");
        return body;
    }

    @ParameterizedTest
    @CsvSource({"b,Started", "s,Answered", "d,Ended", "e,Ended", "crr,RecordingReady"})
    void everyDocumentedTypeIsItsOwnEvent(String type, String kind) {
        ExolveEvent event = ExolveEvent.parse(body(type));

        assertThat(event.getClass().getSimpleName()).isEqualTo(kind);
        assertThat(event.type()).isEqualTo(type);
        assertThat(event.callId()).contains("4455");
        assertThat(event.callSid()).contains("sid-1");
        assertThat(event.fields()).containsEntry("from", "74950000000").containsEntry("to", "79990001122");
    }

    @Test
    void anEndedEventCarriesItsCauseCodeStringOrNumber() {
        Map<String, Object> numeric = body("d");
        numeric.put("cause_code", 16);
        numeric.put("duration", 17);
        Map<String, Object> text = body("e");
        text.put("cause_code", "17");

        assertThat(ExolveEvent.parse(numeric)).isInstanceOfSatisfying(ExolveEvent.Ended.class,
                ended -> assertThat(ended.causeCode()).contains("16"));
        assertThat(ExolveEvent.parse(text)).isInstanceOfSatisfying(ExolveEvent.Ended.class,
                ended -> assertThat(ended.causeCode()).contains("17"));
        assertThat(ExolveEvent.parse(body("d"))).isInstanceOfSatisfying(ExolveEvent.Ended.class,
                ended -> assertThat(ended.causeCode()).isEmpty());
    }

    @Test
    void idsMayBeNumbersAndNullsAreDropped() {
        Map<String, Object> body = new HashMap<>();
        body.put("call_id", 4455);
        body.put("call_sid", null);
        body.put("type", "b");
        body.put("big", 1.5e20);

        ExolveEvent event = ExolveEvent.parse(body);

        assertThat(event.callId()).contains("4455");
        assertThat(event.callSid()).isEmpty();
        assertThat(event.fields()).doesNotContainKey("call_sid").containsEntry("call_id", 4455);
    }

    @ParameterizedTest
    @CsvSource({"x", "B", "ringing", "crr2", "' s'"})
    void anyOtherTypeIsUnknownNotAnError(String type) {
        ExolveEvent event = ExolveEvent.parse(body(type));

        assertThat(event).isInstanceOf(ExolveEvent.Unknown.class);
        assertThat(event.type()).isEqualTo(type);
        assertThat(event.callId()).contains("4455");
    }

    @Test
    void garbageIsRefusedWithAMessageNamingTheField() {
        assertThatThrownBy(() -> ExolveEvent.parse(Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("type:");
        assertThatThrownBy(() -> ExolveEvent.parse(Map.of("type", ""))).hasMessageStartingWith("type:");
        assertThatThrownBy(() -> ExolveEvent.parse(Map.of("type", 5))).hasMessageStartingWith("type:");
        assertThatThrownBy(() -> ExolveEvent.parse(Map.of("type", List.of("b")))).hasMessageStartingWith("type:");
        assertThatThrownBy(() -> ExolveEvent.parse(Map.of("type", "b", "call_id", Map.of("a", 1))))
                .hasMessageStartingWith("call_id:");
        assertThatThrownBy(() -> ExolveEvent.parse(Map.of("type", "d", "cause_code", List.of())))
                .hasMessageStartingWith("cause_code:");
    }
}
