/**
 * Call recordings: one stereo WAV per recorded call (left the phone, right what the phone was sent),
 * 8 kHz 16-bit PCM or G.711 μ-law, under {@code DATA_DIR/recordings}, kept RECORDING_RETENTION_DAYS.
 *
 * <p>Threads: the media threads only copy frames into a recording's ring (a full ring drops the frame
 * and marks the recording incomplete); one platform thread ({@code RecordingWriter},
 * {@code recording-writer}, at nice 5 below the media threads; why not a virtual one: see there) drains
 * every live recording ten times a second (at once when one stops) and writes each one's frames in one
 * write; {@code Recordings.onSaved} runs on the thread that saved a call record and
 * only attaches or stops a recording. One lock per recording, taken by the media threads for the copy
 * of one frame into its ring and never by the writer; no lock is held while another is taken.
 */
package io.voiceagent.recordings;
