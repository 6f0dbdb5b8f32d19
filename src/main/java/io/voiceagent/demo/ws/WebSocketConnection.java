package io.voiceagent.demo.ws;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One accepted WebSocket. Sending is safe from any thread; a failed send aborts the connection, and the
 * reader then reports {@link CloseCodes#ABNORMAL_CLOSURE}. Messages are delivered whole to the listener.
 */
public final class WebSocketConnection {
    private static final System.Logger LOG = System.getLogger(WebSocketConnection.class.getName());
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    private enum State { OPEN, CLOSING, CLOSED }

    private final Socket socket;
    private final InputStream in;
    private final FrameWriter writer;
    private final HttpRequestHead request;
    private final WebSocketListener listener;
    private final int maxMessageBytes;
    private final Duration closeTimeout;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closeReported = new AtomicBoolean();
    private volatile State state = State.OPEN;
    private volatile CloseStatus localClose;
    private volatile Thread closeTimer;

    WebSocketConnection(Socket socket, InputStream in, OutputStream out, HttpRequestHead request,
                        WebSocketListener listener, int maxMessageBytes, Duration closeTimeout) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.in = Objects.requireNonNull(in, "in");
        this.writer = new FrameWriter(Objects.requireNonNull(out, "out"));
        this.request = Objects.requireNonNull(request, "request");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.maxMessageBytes = maxMessageBytes;
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
    }

    /** The upgrade request: path, query and headers. */
    public HttpRequestHead request() {
        return request;
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    /** Sends a text message; false if the connection is no longer open or the write failed. */
    public boolean sendText(String text) {
        return send(Frame.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    public boolean sendBinary(byte[] data) {
        return send(Frame.BINARY, data.clone());
    }

    public boolean sendPing(byte[] payload) {
        if (payload.length > 125) {
            throw new IllegalArgumentException("ping payload longer than 125 bytes");
        }
        return send(Frame.PING, payload.clone());
    }

    /**
     * Starts the closing handshake (RFC 6455 7.1.2): sends a close frame and waits for the client's,
     * dropping the TCP connection if it has not come within the close timeout.
     */
    public void close(int code, String reason) {
        if (!CloseCodes.isSendable(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent");
        }
        Objects.requireNonNull(reason, "reason");
        byte[] payload = closePayload(code, reason);
        if (!lockForWrite()) {
            abort();
            return;
        }
        try {
            if (state != State.OPEN) {
                return;
            }
            localClose = new CloseStatus(code, reason, false);
            state = State.CLOSING;
            writer.write(true, Frame.CLOSE, payload);
        } catch (IOException e) {
            abort();
            return;
        } finally {
            writeLock.unlock();
        }
        closeTimer = Thread.ofVirtual().name("ws-close-timer-" + socket.getPort()).start(() -> {
            try {
                Thread.sleep(closeTimeout);
                abort();
            } catch (InterruptedException e) {
                // the connection ended in time; nothing left to drop
            }
        });
    }

    /** Drops the TCP connection without a closing handshake. */
    public void abort() {
        state = State.CLOSED;
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing socket", e);
        }
    }

    /** Runs on the connection's thread until the connection ends; always reports onClose exactly once. */
    void run() {
        listener.onOpen(this);
        FrameReader reader = new FrameReader(in, maxMessageBytes);
        ByteArrayOutputStream fragments = new ByteArrayOutputStream();
        int messageOpcode = -1;
        try {
            while (true) {
                Frame frame = reader.read();
                switch (frame.opcode()) {
                    case Frame.TEXT, Frame.BINARY -> {
                        if (messageOpcode != -1) {
                            throw new WebSocketProtocolException(CloseCodes.PROTOCOL_ERROR, "new data frame while a fragmented message is incomplete");
                        }
                        messageOpcode = frame.opcode();
                        fragments.reset();
                        append(fragments, frame.payload());
                    }
                    case Frame.CONTINUATION -> {
                        if (messageOpcode == -1) {
                            throw new WebSocketProtocolException(CloseCodes.PROTOCOL_ERROR, "continuation frame without a message to continue");
                        }
                        append(fragments, frame.payload());
                    }
                    case Frame.PING -> send(Frame.PONG, frame.payload());
                    case Frame.PONG -> listener.onPong(this, frame.payload());
                    case Frame.CLOSE -> {
                        onCloseFrame(frame.payload());
                        return;
                    }
                    default -> throw new WebSocketProtocolException(CloseCodes.PROTOCOL_ERROR, "reserved opcode " + frame.opcode());
                }
                if (!frame.isControl() && frame.fin()) {
                    byte[] message = fragments.toByteArray();
                    int opcode = messageOpcode;
                    messageOpcode = -1;
                    fragments.reset();
                    if (state == State.OPEN) {
                        deliver(opcode, message);
                    }
                }
            }
        } catch (WebSocketProtocolException e) {
            LOG.log(System.Logger.Level.DEBUG, "failing connection: {0}", e.getMessage());
            close(e.closeCode(), e.getMessage());
            drainUntilClosed(reader);
        } catch (IOException e) {
            State before = state;
            abort();
            reportClose(before == State.OPEN ? new CloseStatus(CloseCodes.ABNORMAL_CLOSURE, "connection dropped", true) : localClose);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "WebSocket listener failed", e);
            close(CloseCodes.INTERNAL_ERROR, "internal error");
            drainUntilClosed(reader);
        }
    }

    private void deliver(int opcode, byte[] message) throws WebSocketProtocolException {
        if (opcode == Frame.TEXT) {
            listener.onText(this, decodeUtf8(message));
        } else {
            listener.onBinary(this, message);
        }
    }

    private void append(ByteArrayOutputStream fragments, byte[] payload) throws WebSocketProtocolException {
        if ((long) fragments.size() + payload.length > maxMessageBytes) {
            throw new WebSocketProtocolException(CloseCodes.MESSAGE_TOO_BIG, "message exceeds the limit of " + maxMessageBytes + " bytes");
        }
        fragments.writeBytes(payload);
    }

    private void onCloseFrame(byte[] payload) throws WebSocketProtocolException {
        CloseStatus peer = parseClosePayload(payload);
        if (state == State.OPEN) {
            // Echo the peer's code (RFC 6455 5.5.1); 1005 means it sent none, so the echo carries none either.
            byte[] echo = peer.code() == CloseCodes.NO_STATUS_RECEIVED ? new byte[0] : closePayload(peer.code(), "");
            if (lockForWrite()) {
                try {
                    state = State.CLOSING;
                    writer.write(true, Frame.CLOSE, echo);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "close echo failed", e);
                } finally {
                    writeLock.unlock();
                }
            }
            abort();
            reportClose(peer);
        } else {
            abort();
            reportClose(localClose);
        }
    }

    /** After we failed the connection, wait for the client's close frame (or the timer) before reporting. */
    private void drainUntilClosed(FrameReader reader) {
        try {
            while (true) {
                if (reader.read().opcode() == Frame.CLOSE) {
                    break;
                }
            }
        } catch (IOException | WebSocketProtocolException e) {
            LOG.log(System.Logger.Level.DEBUG, "connection ended while closing: {0}", e.getMessage());
        }
        abort();
        reportClose(localClose);
    }

    private static CloseStatus parseClosePayload(byte[] payload) throws WebSocketProtocolException {
        if (payload.length == 0) {
            return new CloseStatus(CloseCodes.NO_STATUS_RECEIVED, "", true);
        }
        if (payload.length == 1) {
            throw new WebSocketProtocolException(CloseCodes.PROTOCOL_ERROR, "close frame with a one-byte payload");
        }
        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        if (!CloseCodes.isSendable(code)) {
            throw new WebSocketProtocolException(CloseCodes.PROTOCOL_ERROR, "invalid close code " + code);
        }
        return new CloseStatus(code, decodeUtf8(Arrays.copyOfRange(payload, 2, payload.length)), true);
    }

    private static byte[] closePayload(int code, String reason) {
        byte[] reasonBytes = truncateUtf8(reason, MAX_CLOSE_REASON_BYTES);
        ByteBuffer buffer = ByteBuffer.allocate(2 + reasonBytes.length);
        buffer.putShort((short) code).put(reasonBytes);
        return buffer.array();
    }

    private static byte[] truncateUtf8(String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return bytes;
        }
        int end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // never cut a multi-byte character in half
        }
        return Arrays.copyOf(bytes, end);
    }

    private static String decodeUtf8(byte[] bytes) throws WebSocketProtocolException {
        // Protocol JSON is ASCII, which the JDK's lenient decoding copies byte for byte. It gives one
        // character per byte only when every byte was ASCII or a malformed byte became U+FFFD, so
        // that shortcut is taken only without a U+FFFD; anything else is decoded strictly.
        String lenient = new String(bytes, StandardCharsets.UTF_8);
        if (lenient.length() == bytes.length && lenient.indexOf('\uFFFD') < 0) {
            return lenient;
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new WebSocketProtocolException(CloseCodes.INVALID_PAYLOAD, "text is not valid UTF-8");
        }
    }

    private boolean send(int opcode, byte[] payload) {
        if (state != State.OPEN || !lockForWrite()) {
            return false;
        }
        try {
            if (state != State.OPEN) {
                return false;
            }
            writer.write(true, opcode, payload);
            return true;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "send failed, aborting connection: {0}", e.getMessage());
            abort();
            return false;
        } finally {
            writeLock.unlock();
        }
    }

    /** Bounded wait so that a client that stopped reading cannot block a close forever. */
    private boolean lockForWrite() {
        try {
            return writeLock.tryLock(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void reportClose(CloseStatus status) {
        Thread timer = closeTimer;
        if (timer != null) {
            timer.interrupt();
        }
        if (closeReported.compareAndSet(false, true)) {
            listener.onClose(this, status == null ? new CloseStatus(CloseCodes.ABNORMAL_CLOSURE, "connection dropped", true) : status);
        }
    }

    @Override
    public String toString() {
        return "WebSocketConnection[" + request.path() + " from " + request.remoteAddress() + ", " + state + "]";
    }
}
