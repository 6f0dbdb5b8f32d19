package io.voiceagent.media;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Keeps what a media session tells its call. */
class RecordingListener implements MediaListener {
    final List<byte[]> userAudio = new CopyOnWriteArrayList<>();
    final StringBuffer digits = new StringBuffer();
    final AtomicInteger firstPackets = new AtomicInteger();
    final AtomicInteger timeouts = new AtomicInteger();
    final AtomicInteger holdTimeouts = new AtomicInteger();

    @Override
    public void onUserAudio(byte[] chunk) {
        userAudio.add(chunk);
    }

    @Override
    public void onDtmf(char digit) {
        digits.append(digit);
    }

    @Override
    public void onFirstPacket() {
        firstPackets.incrementAndGet();
    }

    @Override
    public void onMediaTimeout() {
        timeouts.incrementAndGet();
    }

    @Override
    public void onHoldTimeout() {
        holdTimeouts.incrementAndGet();
    }

    byte[] allUserAudio() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        userAudio.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
