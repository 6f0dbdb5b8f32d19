package io.voiceagent.demo.agent;

import java.time.Duration;

/**
 * A pong that answered the outstanding ping.
 *
 * @param eventId   the ping's event id, echoed back
 * @param roundTrip from sending the ping to reading the pong
 */
public record PongReceived(long eventId, Duration roundTrip) {
}
