package io.voiceagent.demo.agent;

import java.time.Duration;

/**
 * A pong that answered a ping the fake agent had sent, late or not.
 *
 * @param eventId   the ping's event id, echoed back
 * @param roundTrip from sending the ping to reading the pong
 */
public record PongReceived(long eventId, Duration roundTrip) {
}
