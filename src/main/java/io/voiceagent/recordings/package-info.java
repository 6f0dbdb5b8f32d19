/**
 * Call recordings: one stereo WAV per recorded call (left the phone, right what the phone was sent),
 * 8 kHz 16-bit PCM or G.711 μ-law, under {@code DATA_DIR/recordings}, kept RECORDING_RETENTION_DAYS.
 *
 * <p>Threads: the media threads only offer frames to a recording's bounded queue (a full queue drops
 * the frame and marks the recording incomplete); one platform thread ({@code RecordingWriter},
 * {@code recording-writer}; why not a virtual one: see there) drains
 * every live recording ten times a second (at once when one stops) and writes each one's frames in one
 * write; {@code Recordings.onSaved} runs on the thread that saved a call record and
 * only attaches or stops a recording. No locks beyond the queues' own.
 */
package io.voiceagent.recordings;
