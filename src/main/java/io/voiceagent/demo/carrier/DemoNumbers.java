package io.voiceagent.demo.carrier;

import java.util.List;
import java.util.Objects;

/**
 * Which outcome a dialled number produces on the demo carrier. The rule: a number is 10 to 15
 * digits, with or without a leading {@code +}. Its last four digits choose the outcome:
 *
 * <table>
 *   <caption>Demo numbers</caption>
 *   <tr><th>Number</th><th>Last four digits</th><th>What the carrier does</th></tr>
 *   <tr><td>+79990001122</td><td>anything else</td><td>rings, answers, the phone talks with the agent and hangs up after its goodbye</td></tr>
 *   <tr><td>+79990000001</td><td>0001</td><td>busy: 180 Ringing, then 486 Busy Here</td></tr>
 *   <tr><td>+79990000002</td><td>0002</td><td>no answer: rings until the caller cancels (200 to CANCEL, 487 to INVITE); 480 after the max call length</td></tr>
 *   <tr><td>+79990000003</td><td>0003</td><td>answers, then hangs up (BYE) 3 s after answering</td></tr>
 *   <tr><td>+79990000004</td><td>0004</td><td>invalid number: 404 Not Found (so does anything that is not 10-15 digits)</td></tr>
 *   <tr><td>+79990000005</td><td>0005</td><td>a person who takes transfers: rings, answers and stays on the line (talking
 *   like the conversation phone) until the other side hangs up</td></tr>
 * </table>
 */
public final class DemoNumbers {

    /** What the simulated far end does with a call. */
    public enum Outcome {
        CONVERSATION("rings, answers, talks with the agent, hangs up after its goodbye"),
        BUSY("busy: 180 Ringing then 486 Busy Here"),
        NO_ANSWER("rings until the caller gives up (CANCEL)"),
        HANGUP_MID_CALL("answers, then hangs up 3 s later"),
        INVALID_NUMBER("invalid number: 404 Not Found"),
        TAKES_TRANSFERS("a person who takes transfers: answers and stays on the line until hung up");

        private final String description;

        Outcome(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** One line of the README's table. */
    public record DemoNumber(String number, Outcome outcome) {
        public DemoNumber {
            Objects.requireNonNull(number, "number");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    private static final List<DemoNumber> EXAMPLES = List.of(
            new DemoNumber("+79990001122", Outcome.CONVERSATION),
            new DemoNumber("+79990000001", Outcome.BUSY),
            new DemoNumber("+79990000002", Outcome.NO_ANSWER),
            new DemoNumber("+79990000003", Outcome.HANGUP_MID_CALL),
            new DemoNumber("+79990000004", Outcome.INVALID_NUMBER),
            new DemoNumber("+79990000005", Outcome.TAKES_TRANSFERS));

    private DemoNumbers() {
    }

    /** One example number per outcome, in the order the README lists them. */
    public static List<DemoNumber> examples() {
        return EXAMPLES;
    }

    /** The outcome for a dialled number (the user part of the Request-URI). */
    public static Outcome outcomeOf(String dialled) {
        String digits = dialled.startsWith("+") ? dialled.substring(1) : dialled;
        if (digits.length() < 10 || digits.length() > 15 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Outcome.INVALID_NUMBER;
        }
        return switch (digits.substring(digits.length() - 4)) {
            case "0001" -> Outcome.BUSY;
            case "0002" -> Outcome.NO_ANSWER;
            case "0003" -> Outcome.HANGUP_MID_CALL;
            case "0004" -> Outcome.INVALID_NUMBER;
            case "0005" -> Outcome.TAKES_TRANSFERS;
            default -> Outcome.CONVERSATION;
        };
    }
}
