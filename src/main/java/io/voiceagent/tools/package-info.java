/**
 * The agent's tools that act on the phone line, each mapped onto the call in one place
 * ({@code PhoneTools}): {@code send_dtmf} (client tool) and {@code play_keypad_touch_tone} (system
 * tool) send keypad tones as RFC 4733 events on the call's RTP, or as SIP INFO when the far end did
 * not offer telephone-event ({@code KeypadTones}); {@code voicemail} and {@code voicemail_detection}
 * end the call as voicemail; {@code transfer_call} (client tool) and {@code transfer_to_number}
 * (system tool, when it names a number) hand the caller to a person through the call's
 * {@link io.voiceagent.transfer.CallTransfer}, whose outcome is the client tool's result.
 *
 * <p>Threads: a tool call arrives on the conversation's socket reader, which must never wait, so
 * {@code PhoneTools} only starts the work; tones are sent by the media clock (RTP) or the SIP user
 * agent's executor (INFO, with pauses on the call manager's timer thread), and the tool's result is
 * sent from whichever of those finishes it. No lock of its own; it takes the call's lock only through
 * {@link io.voiceagent.tools.CallControl#recordEvent}, never while waiting for anything.
 */
package io.voiceagent.tools;
