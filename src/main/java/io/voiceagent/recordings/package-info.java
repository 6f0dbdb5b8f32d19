/**
 * Call recordings: one stereo WAV per recorded call (left the phone, right what the phone was sent),
 * 8 kHz 16-bit PCM or G.711 μ-law, under {@code DATA_DIR/recordings}, kept RECORDING_RETENTION_DAYS.
 *
 * <p>Threads: the media threads only copy frames into a recording's two rings, one per direction (a
 * full ring drops the frame and marks the recording incomplete); four platform threads
 * ({@code RecordingWriter}, {@code recording-writer}, at nice 5 below the media threads; why not
 * virtual ones: see there), each given every fourth recording, drain their live recordings ten times
 * a second (at once when one stops) and write each one's file in whole 4 KiB blocks around the page
 * cache ({@code O_DIRECT}, {@code WavFile}, {@code DirectWrites}), 128 KiB at a time, and at its end
 * its status file, so that a finished call leaves nothing for the kernel to flush; {@code Recordings.onSaved} runs on the
 * thread that saved a call record and
 * only attaches or stops a recording. No locks: each ring has one producer at a time (the pacing thread;
 * the media thread holding the session's uplink lock) and the writer as its consumer, handing over by
 * release/acquire counts, so the pacing clock never waits for another media thread. A recording's
 * buffers ({@code RecordingBuffers}, outside the heap but for 4 KiB) are borrowed from the writer and
 * reused by a later recording once no media thread is still inside a hand-over to it (a counter the
 * media threads raise before they look at the stop); the free ones are kept, as many as were ever in
 * use at once, under their own lock, taken and given back, never nested.
 */
package io.voiceagent.recordings;
