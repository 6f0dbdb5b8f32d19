package io.voiceagent.sip;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

/**
 * Our SIP user agent: one UDP socket, registration with the carrier, outbound INVITE dialogs and
 * inbound INVITEs from the registrar. Thread-safe.
 */
public interface SipUserAgent extends AutoCloseable {

    /** Binds the socket and starts registering in the background; returns once the socket is bound. */
    void start() throws IOException;

    RegistrationStatus registration();

    /** Forces a new REGISTER now (debug endpoint, config change). */
    void reregister();

    /**
     * Our address as the carrier sees it: SIP_PUBLIC_IP, else the one learned (STUN over the SIP
     * socket, the registrar's received), else the local address routed toward SIP_SERVER.
     */
    String mediaAddress();

    /**
     * Address and port for a call's SDP ({@link SdpEndpoint} says which wins), given its local RTP
     * port and, when SIP_STUN_SERVER is set, what STUN said that RTP socket is mapped to.
     */
    SdpEndpoint sdpEndpoint(int localRtpPort, Optional<InetSocketAddress> rtpMapping);

    /** Why the carrier cannot reach the address we advertise (private, loopback), when that is so. */
    Optional<String> addressWarning();

    /**
     * Sends INVITE {@code sip:<digits>@SIP_DOMAIN} with {@code offer} for our call {@code callId} (not the
     * SIP Call-ID; the dialog's log lines carry it). Never blocks on the network: progress arrives as
     * {@link SipCallEvent}s on {@code listener}, in order, ending with exactly one of Failed or (after
     * Answered) RemoteHangup, unless we hang up first.
     */
    SipCall dial(String callId, String digits, SessionDescription offer, SipCallListener listener);

    /** Who decides on INVITEs that arrive from the registrar (Exolve HTTP mode). */
    void setInboundHandler(InboundCallHandler handler);

    /** Registration state, the last SIP messages (credentials masked), transaction counts. */
    Map<String, Object> debugSnapshot();

    /** Unregisters (Expires: 0, bounded wait), hangs up nothing (calls do that), closes the socket. */
    @Override
    void close();
}
