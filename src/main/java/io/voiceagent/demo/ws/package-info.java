/**
 * A small RFC 6455 WebSocket server on blocking sockets, written for the simulated ElevenLabs agent
 * (the service's own client is the JDK's): {@link io.voiceagent.demo.ws.WebSocketServer} accepts,
 * reads each request head ({@link io.voiceagent.demo.ws.HttpRequestHead}) and asks the
 * {@link io.voiceagent.demo.ws.UpgradeHandler} for a {@link io.voiceagent.demo.ws.HandshakeDecision}
 * (accept with a listener, or answer plain HTTP, so one port also serves a small REST API);
 * {@link io.voiceagent.demo.ws.WebSocketConnection} is one accepted socket, {@code FrameReader} and
 * {@code FrameWriter} the framing rules (masking, fragments, control frames, close codes).
 *
 * <p>Threads: one virtual thread accepts; each connection has one virtual thread that reads the
 * handshake, then frames, and calls its {@link io.voiceagent.demo.ws.WebSocketListener} in order
 * ({@code onClose} exactly once, last); pings are answered on it. Sends come from any thread (the
 * agent's own threads); a close starts a virtual timer thread that drops the socket if the peer
 * does not answer in time.
 *
 * <p>Locks: each connection's {@code writeLock}, a leaf, held for one frame and taken with a bounded
 * wait so a peer that stopped reading cannot block a close forever; listeners are never called under
 * it. Depends on no other package of the service; used by {@code demo.agent}.
 */
package io.voiceagent.demo.ws;
