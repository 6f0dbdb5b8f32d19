/**
 * What the JDK does not offer about the operating system and the service needs: a platform thread's
 * Linux nice value or real-time policy ({@link io.voiceagent.os.ThreadPriority}), so the pacing clock
 * runs first, the recording writer yields to the media threads and the benchmark's phones time
 * arrivals promptly. No state, no threads of its own: each call runs on its caller's thread (and waits
 * for one short {@code renice} or {@code chrt} process). Depends on nothing of the service.
 */
package io.voiceagent.os;
