package io.voiceagent.sip.interop;

import io.voiceagent.media.G711;
import io.voiceagent.rtp.DtmfReceiver;
import io.voiceagent.rtp.RtpPacket;
import io.voiceagent.rtp.TelephoneEvent;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A far end's RTP socket on a loopback address (127.0.0.1 is the phone's host, other 127/8
 * addresses other hosts): it notes when RTP arrives and which keys its telephone-events press,
 * and sends PCMA every 20 ms while told to.
 */
final class RtpEndpoint implements AutoCloseable {

    private final DatagramSocket socket;
    /** The payload type the scenarios give telephone-event. */
    static final int TELEPHONE_EVENT = 101;

    private final List<Instant> arrivals = new CopyOnWriteArrayList<>();
    /** The audio of each PCMU/PCMA packet from us, decoded to 8 kHz linear. */
    private final List<short[]> audio = new CopyOnWriteArrayList<>();
    private volatile int lastSourcePort = -1;
    private final DtmfReceiver keyPresses = new DtmfReceiver();
    private final StringBuffer keys = new StringBuffer();
    private final Thread listening;
    private volatile Thread talking;

    RtpEndpoint(String ip) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(ip), 0));
        socket.setSoTimeout(200);
        listening = Thread.ofVirtual().start(this::receive);
    }

    int port() {
        return socket.getLocalPort();
    }

    String ip() {
        return socket.getLocalAddress().getHostAddress();
    }

    /** The keys our RFC 4733 events pressed, each once its event ended. */
    String keys() {
        return keys.toString();
    }

    /** The port our RTP last came from: where a far end that latches would send its own. */
    Optional<Integer> sourcePort() {
        int port = lastSourcePort;
        return port < 0 ? Optional.empty() : Optional.of(port);
    }

    /**
     * How many of our audio packets carry mostly a tone of {@code hz}: its Goertzel power is over half
     * the packet's energy, and the packet is not quiet.
     */
    long packetsWithTone(int hz) {
        return audio.stream().filter(pcm -> dominatedBy(pcm, hz)).count();
    }

    static boolean dominatedBy(short[] pcm, int hz) {
        double energy = 0;
        for (short v : pcm) {
            energy += (double) v * v;
        }
        if (energy / pcm.length < 300.0 * 300.0) {
            return false;
        }
        double coefficient = 2 * Math.cos(2 * Math.PI * hz / 8000.0);
        double previous = 0;
        double beforeThat = 0;
        for (short v : pcm) {
            double next = v + coefficient * previous - beforeThat;
            beforeThat = previous;
            previous = next;
        }
        double power = previous * previous + beforeThat * beforeThat - coefficient * previous * beforeThat;
        // A pure tone's Goertzel power over N samples is N/2 times its energy.
        return power / (pcm.length / 2.0) > 0.5 * energy;
    }

    /** A sine of {@code hz} at {@code amplitude}, {@code ms} long, 8 kHz. */
    static short[] tone(int hz, int amplitude, int ms) {
        short[] pcm = new short[8 * ms];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / 8000.0));
        }
        return pcm;
    }

    /** When each RTP packet from us arrived. */
    List<Instant> arrivals() {
        return arrivals;
    }

    /**
     * Until {@code done}, sends one packet per 20 ms to the port {@code target} names, when it names
     * one and {@code talk} says so; consecutive sequence numbers, one SSRC.
     */
    void talk(BooleanSupplier done, Supplier<Optional<Integer>> target, BooleanSupplier talk) {
        talking = Thread.ofVirtual().start(() -> {
            int sequence = 0;
            long ssrc = 0x5EED_0000L + port();
            try {
                while (!done.getAsBoolean()) {
                    Optional<Integer> port = target.get();
                    if (port.isPresent() && talk.getAsBoolean()) {
                        byte[] wire = RtpPacket.of(false, 8, sequence & 0xFFFF, 160L * sequence, ssrc, new byte[160])
                                .toBytes();
                        sequence++;
                        socket.send(new DatagramPacket(wire, wire.length,
                                new InetSocketAddress(InetAddress.getLoopbackAddress(), port.get())));
                    }
                    Thread.sleep(20);
                }
            } catch (IOException | InterruptedException e) {
                // closed: the test is over
            }
        });
    }

    /**
     * Until {@code done}, sends {@code pcm} (8 kHz linear) as PCMA, 20 ms a packet to the port
     * {@code target} names once it names one, then A-law silence.
     */
    void play(short[] pcm, BooleanSupplier done, Supplier<Optional<Integer>> target) {
        play(pcm, 8, done, target);
    }

    /** {@link #play} in PCMU ({@code payloadType} 0) or PCMA (8). */
    void play(short[] pcm, int payloadType, BooleanSupplier done, Supplier<Optional<Integer>> target) {
        talking = Thread.ofVirtual().start(() -> {
            int sequence = 0;
            int at = 0;
            long ssrc = 0x5EED_0000L + port();
            try {
                while (!done.getAsBoolean()) {
                    Optional<Integer> port = target.get();
                    if (port.isPresent()) {
                        byte[] payload = new byte[160];
                        for (int i = 0; i < payload.length; i++, at++) {
                            int sample = at < pcm.length ? pcm[at] : 0;
                            payload[i] = payloadType == 0 ? G711.linearToUlaw(sample) : G711.linearToAlaw(sample);
                        }
                        byte[] wire = RtpPacket.of(false, payloadType, sequence & 0xFFFF, 160L * sequence, ssrc, payload).toBytes();
                        sequence++;
                        socket.send(new DatagramPacket(wire, wire.length,
                                new InetSocketAddress(InetAddress.getLoopbackAddress(), port.get())));
                    }
                    Thread.sleep(20);
                }
            } catch (IOException | InterruptedException e) {
                // closed: the test is over
            }
        });
    }

    private void receive() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(datagram);
            } catch (SocketTimeoutException quiet) {
                continue;
            } catch (IOException closed) {
                return;
            }
            Optional<RtpPacket> packet = RtpPacket.parse(buffer, 0, datagram.getLength());
            if (packet.isPresent()) {
                arrivals.add(Instant.now());
                lastSourcePort = datagram.getPort();
                int type = packet.get().payloadType();
                if (type == 0 || type == 8) {
                    byte[] payload = packet.get().payload();
                    short[] pcm = new short[payload.length];
                    for (int i = 0; i < pcm.length; i++) {
                        pcm[i] = type == 0 ? G711.ulawToLinear(payload[i]) : G711.alawToLinear(payload[i]);
                    }
                    audio.add(pcm);
                }
                if (packet.get().payloadType() == TELEPHONE_EVENT) {
                    TelephoneEvent.parse(packet.get().payload())
                            .ifPresent(event -> keys.append(keyPresses.onPacket(packet.get().timestamp(), event)));
                }
            }
        }
    }

    /** Waits for the talking thread to see {@code done}. */
    void awaitSilence() throws InterruptedException {
        Thread thread = talking;
        if (thread != null) {
            thread.join();
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        listening.join();
        awaitSilence();
    }
}
