package io.voiceagent.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.zip.CRC32;

/**
 * One STUN message (RFC 5389 §6): a 20-byte header (type, length, magic cookie, 96-bit transaction
 * id) and the attributes a Binding exchange uses: XOR-MAPPED-ADDRESS (§15.2), MAPPED-ADDRESS (§15.1,
 * from RFC 3489 servers), ERROR-CODE (§15.6) and FINGERPRINT (§15.5), which our requests carry
 * because they share a socket with SIP or RTP (§7.1).
 */
public record StunMessage(int type, byte[] transactionId, Optional<InetSocketAddress> mappedAddress,
                          OptionalInt errorCode) {

    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER_LENGTH = 20;
    public static final int TRANSACTION_ID_LENGTH = 12;
    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_SUCCESS = 0x0101;
    public static final int BINDING_ERROR = 0x0111;
    static final int MAPPED_ADDRESS = 0x0001;
    static final int ERROR_CODE = 0x0009;
    static final int XOR_MAPPED_ADDRESS = 0x0020;
    static final int SOFTWARE = 0x8022;
    static final int FINGERPRINT = 0x8028;
    private static final int FINGERPRINT_XOR = 0x5354554E;
    private static final int FAMILY_IPV4 = 0x01;
    private static final int FAMILY_IPV6 = 0x02;

    public StunMessage {
        Objects.requireNonNull(transactionId, "transactionId");
        if (transactionId.length != TRANSACTION_ID_LENGTH) {
            throw new IllegalArgumentException("a transaction id is 12 bytes, not " + transactionId.length);
        }
        transactionId = transactionId.clone();
        Objects.requireNonNull(mappedAddress, "mappedAddress");
        Objects.requireNonNull(errorCode, "errorCode");
    }

    @Override
    public byte[] transactionId() {
        return transactionId.clone();
    }

    /**
     * Whether a datagram on a shared socket is STUN rather than SIP or RTP: the first byte is 0..3
     * (RFC 7983 §7; RTP starts at 128, SIP with a letter, a CRLF keep-alive with 13), it is at least
     * a header long, its length field covers the rest in whole 4-byte words, and the magic cookie is there.
     */
    public static boolean isStun(byte[] data, int offset, int length) {
        if (length < HEADER_LENGTH || (data[offset] & 0xFF) > 3) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(data, offset, length);
        int messageLength = b.getShort(offset + 2) & 0xFFFF;
        return messageLength % 4 == 0 && messageLength + HEADER_LENGTH == length
                && b.getInt(offset + 4) == MAGIC_COOKIE;
    }

    /** A Binding request with SOFTWARE and FINGERPRINT. */
    public static byte[] bindingRequest(byte[] transactionId) {
        byte[] software = "voiceagent".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int softwarePadded = (software.length + 3) & ~3;
        int length = 4 + softwarePadded + 8;
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH + length);
        header(b, BINDING_REQUEST, length, transactionId);
        b.putShort((short) SOFTWARE).putShort((short) software.length).put(software);
        b.position(b.position() + softwarePadded - software.length);
        appendFingerprint(b);
        return b.array();
    }

    private static void header(ByteBuffer b, int type, int length, byte[] transactionId) {
        if (transactionId.length != TRANSACTION_ID_LENGTH) {
            throw new IllegalArgumentException("a transaction id is 12 bytes, not " + transactionId.length);
        }
        b.putShort((short) type).putShort((short) length).putInt(MAGIC_COOKIE).put(transactionId);
    }

    /** §15.5: CRC-32 of everything before the attribute (the length already counting it), XOR 0x5354554E. */
    private static void appendFingerprint(ByteBuffer b) {
        int before = b.position();
        b.putShort((short) FINGERPRINT).putShort((short) 4).putInt(crc(b.array(), before) ^ FINGERPRINT_XOR);
    }

    private static int crc(byte[] data, int length) {
        CRC32 crc = new CRC32();
        crc.update(data, 0, length);
        return (int) crc.getValue();
    }

    /** The cookie then the transaction id: the XOR mask of an address (§15.2). */
    private static byte[] xorMask(byte[] transactionId) {
        return ByteBuffer.allocate(16).putInt(MAGIC_COOKIE).put(transactionId).array();
    }

    /**
     * Reads a STUN message; empty when the bytes are not one (see {@link #isStun}), when an
     * attribute runs past the end, or when a FINGERPRINT is present and wrong.
     */
    public static Optional<StunMessage> parse(byte[] data, int offset, int length) {
        if (!isStun(data, offset, length)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(data, offset, length).slice();
        int type = b.getShort(0) & 0xFFFF;
        byte[] transactionId = Arrays.copyOfRange(data, offset + 8, offset + HEADER_LENGTH);
        InetSocketAddress xorMapped = null;
        InetSocketAddress mapped = null;
        OptionalInt error = OptionalInt.empty();
        int position = HEADER_LENGTH;
        while (position + 4 <= length) {
            int attribute = b.getShort(position) & 0xFFFF;
            int valueLength = b.getShort(position + 2) & 0xFFFF;
            int value = position + 4;
            if (value + valueLength > length) {
                return Optional.empty();
            }
            switch (attribute) {
                case XOR_MAPPED_ADDRESS -> xorMapped = address(b, value, valueLength, xorMask(transactionId));
                case MAPPED_ADDRESS -> mapped = address(b, value, valueLength, null);
                case ERROR_CODE -> {
                    if (valueLength >= 4) {
                        error = OptionalInt.of((b.get(value + 2) & 0x07) * 100 + (b.get(value + 3) & 0xFF));
                    }
                }
                case FINGERPRINT -> {
                    byte[] copy = Arrays.copyOfRange(data, offset, offset + position);
                    if (valueLength != 4 || b.getInt(value) != (crc(copy, copy.length) ^ FINGERPRINT_XOR)) {
                        return Optional.empty();
                    }
                }
                default -> {
                    // other attributes (SOFTWARE, comprehension-optional ones) do not matter to a Binding client
                }
            }
            position = value + ((valueLength + 3) & ~3);
        }
        return Optional.of(new StunMessage(type, transactionId,
                Optional.ofNullable(xorMapped != null ? xorMapped : mapped), error));
    }

    /** MAPPED-ADDRESS, or XOR-MAPPED-ADDRESS when {@code mask} is given; null when malformed. */
    private static InetSocketAddress address(ByteBuffer b, int value, int length, byte[] mask) {
        if (length < 8) {
            return null;
        }
        int family = b.get(value + 1) & 0xFF;
        int size = family == FAMILY_IPV4 ? 4 : family == FAMILY_IPV6 ? 16 : -1;
        if (size < 0 || length < 4 + size) {
            return null;
        }
        int port = b.getShort(value + 2) & 0xFFFF;
        byte[] raw = new byte[size];
        for (int i = 0; i < size; i++) {
            raw[i] = (byte) (b.get(value + 4 + i) ^ (mask == null ? 0 : mask[i]));
        }
        if (mask != null) {
            port ^= MAGIC_COOKIE >>> 16;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(raw), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StunMessage m && m.type == type && Arrays.equals(m.transactionId, transactionId)
                && m.mappedAddress.equals(mappedAddress) && m.errorCode.equals(errorCode);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, Arrays.hashCode(transactionId), mappedAddress, errorCode);
    }

    @Override
    public String toString() {
        return "StunMessage[type=0x" + Integer.toHexString(type) + ", tx=" + HexFormat.of().formatHex(transactionId)
                + mappedAddress.map(a -> ", mapped=" + a).orElse("")
                + (errorCode.isPresent() ? ", error=" + errorCode.getAsInt() : "") + "]";
    }
}
