/**
 * Call recordings: one stereo WAV per recorded call (left the phone, right what the phone was sent),
 * 8 kHz 16-bit PCM or G.711 μ-law, under {@code DATA_DIR/recordings}, kept RECORDING_RETENTION_DAYS.
 *
 * <p>Threads: the media threads only copy each frame, with the recording it is for, into their own
 * log for that recording's writer ({@code FrameLog}, one per media thread and writer, made ahead by
 * the threads that start recordings; a full log drops the frame and marks the recording incomplete);
 * four platform threads
 * ({@code RecordingWriter}, {@code recording-writer}, at nice 5 below the media threads; why not
 * virtual ones: see there), each given every fourth recording, merge their logs in the order the
 * frames were stamped ten times a second (at once when a recording stops) and write each recording's
 * file in whole 4 KiB blocks around the page cache ({@code O_DIRECT}, {@code WavFile},
 * {@code DirectWrites}), 128 KiB at a time, and at its end its status file, so that a finished call
 * leaves nothing for the kernel to flush; {@code Recordings.onSaved} runs on the thread that saved a
 * call record and only attaches or stops a recording. No locks between the media threads and the
 * writers: each log has one producer, its thread, and the writer as its consumer, handing over by
 * release/acquire counts, so the pacing clock never waits for another thread. A recording's own
 * state and buffers ({@code RecordingBuffers}, outside the heap but for 4 KiB) are the writer's
 * alone, borrowed from it and given to a later recording as soon as the recording is finished; the
 * free ones are kept, as many as were ever in use at once, under their own lock, taken and given
 * back, never nested.
 */
package io.voiceagent.recordings;
