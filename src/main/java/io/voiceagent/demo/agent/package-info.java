/**
 * A simulated ElevenLabs Conversational AI service on loopback, written from ElevenLabs' public
 * protocol documents and no kinder than the real one: {@link io.voiceagent.demo.agent.FakeElevenLabsAgent}
 * serves the agent WebSocket (API key or signed-URL signature) and the signed-URL endpoint on one
 * {@code demo.ws} server; each accepted socket is a {@link io.voiceagent.demo.agent.FakeConversation}
 * (the protocol's server side: greeting, speech faster than real time in uneven bursts, pings,
 * barge-in interruptions, turn timeouts, {@code end_call}), configured by
 * {@link io.voiceagent.demo.agent.FakeAgentOptions}. {@code ClientMessages} checks what clients send
 * (a bad message closes with 1008), {@code ServerEvents} writes what the fake sends,
 * {@code SpeechDetector} finds the caller's turns by energy, {@link io.voiceagent.demo.agent.DemoAudio}
 * holds the shipped recordings. Serves the built-in demo, the tests and the benchmark.
 *
 * <p>Threads: a conversation's WebSocket reader thread parses client messages and detects speech;
 * its own virtual agent thread ({@code fake-agent-<id>}) does all sending, in protocol order, so a
 * slow client never blocks the reader. Its control methods (await, speak, sendRaw) run on the caller's thread.
 *
 * <p>Locks: the agent's lock (conversation list, rejections) and each conversation's lock (its state
 * and recordings) are never held together, nor while sending. The {@link io.voiceagent.demo.agent.AudioProbe}
 * is called with the conversation's lock held, so whatever it locks comes after it.
 * Depends only on {@code demo.ws}.
 */
package io.voiceagent.demo.agent;
