/**
 * The service's way out to the network for TCP, and what counts as a private address: every
 * outgoing connection (ElevenLabs' WebSocket and REST API, Exolve's API) is made with the one
 * {@code HttpClient} of {@link io.voiceagent.net.OutboundConnections} ({@code ProxiedConnections});
 * with SOCKS5_PROXY it goes through a {@code LoopbackHttpTunnel} on 127.0.0.1 that opens each target
 * through the proxy ({@code Socks5Connector}, jsocks, names resolved by the proxy) and names failures
 * with a {@link io.voiceagent.net.ProxyFailure}. {@link io.voiceagent.net.AddressScope} judges
 * addresses for {@code sip} (the SDP we advertise) and {@code media} (latching);
 * {@link io.voiceagent.net.SocketAddresses} writes them as {@code host:port} for JSON and logs.
 *
 * <p>Threads: the client runs its own work on a virtual-thread-per-task executor; the tunnel
 * accepts on one virtual thread and serves each connection on a virtual thread that copies the
 * target's bytes back while a second one copies the client's out; each SOCKS5 set-up runs on a
 * virtual thread that is interrupted at its deadline. Callers (the agent and Exolve clients,
 * {@code /debug} checks) use it from any thread.
 *
 * <p>Locks: none; the open sockets are a concurrent set. Depends only on {@code config}; used by
 * {@code ai}, {@code exolve}, {@code sip}, {@code media}, and built by {@code app}.
 */
package io.voiceagent.net;
