package io.voiceagent.sip;

import java.io.IOException;
import java.util.Map;

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

    /** The address that goes into our SDP {@code c=} line (SIP_PUBLIC_IP or the discovered one). */
    String mediaAddress();

    /**
     * Sends INVITE {@code sip:<digits>@SIP_DOMAIN} with {@code offer}. Never blocks on the network:
     * progress arrives as {@link SipCallEvent}s on {@code listener}, in order, ending with exactly one
     * of Failed or (after Answered) RemoteHangup, unless we hang up first.
     */
    SipCall dial(String digits, SessionDescription offer, SipCallListener listener);

    /** Who decides on INVITEs that arrive from the registrar (Exolve HTTP mode). */
    void setInboundHandler(InboundCallHandler handler);

    /** Registration state, the last SIP messages (credentials masked), transaction counts. */
    Map<String, Object> debugSnapshot();

    /** Unregisters (Expires: 0, bounded wait), hangs up nothing (calls do that), closes the socket. */
    @Override
    void close();
}
