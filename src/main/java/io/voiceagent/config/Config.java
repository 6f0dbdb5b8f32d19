package io.voiceagent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The service's whole configuration, validated. Built by {@link ConfigLoader}; immutable.
 * Grouped by the component that consumes each part, so a component is handed only its own slice.
 */
public record Config(Http http, Exolve exolve, Sip sip, Rtp rtp, ElevenLabs elevenLabs,
                     Optional<Proxy> proxy, boolean demo, Tools tools, Webhooks webhooks,
                     Recording recording, DoNotCall doNotCall) {

    public Config {
        Objects.requireNonNull(doNotCall, "doNotCall");
        Objects.requireNonNull(tools, "tools");
        Objects.requireNonNull(webhooks, "webhooks");
        Objects.requireNonNull(recording, "recording");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(exolve, "exolve");
        Objects.requireNonNull(sip, "sip");
        Objects.requireNonNull(rtp, "rtp");
        Objects.requireNonNull(elevenLabs, "elevenLabs");
        Objects.requireNonNull(proxy, "proxy");
    }

    /** The do-not-call list's file: DNC_FILE, by default {@code dnc.txt} in DATA_DIR. */
    public record DoNotCall(Path file) {
        public static final String DEFAULT_FILE_NAME = "dnc.txt";

        public DoNotCall {
            Objects.requireNonNull(file, "file");
        }

        public static DoNotCall in(Path dataDir) {
            return new DoNotCall(dataDir.resolve(DEFAULT_FILE_NAME));
        }
    }

    /** How the agent's tools act on the phone line, and the local answering-machine detection. */
    public record Tools(VoicemailAction voicemailAction, Amd amd, Transfer transfer) {
        public Tools {
            Objects.requireNonNull(voicemailAction, "voicemailAction");
            Objects.requireNonNull(amd, "amd");
            Objects.requireNonNull(transfer, "transfer");
        }
    }

    /**
     * Transfers to a person: TRANSFER_MODE, TRANSFER_RING_TIMEOUT_S (how long the person's phone may
     * ring before the caller goes back to the agent) and TRANSFER_HOLD_SOUND (played instead of the
     * ringback tone meanwhile).
     */
    public record Transfer(TransferMode mode, Duration ringTimeout, Optional<HoldSound> holdSound) {
        public static final Transfer DEFAULTS = new Transfer(TransferMode.BRIDGE, Duration.ofSeconds(30));

        public Transfer {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(ringTimeout, "ringTimeout");
            Objects.requireNonNull(holdSound, "holdSound");
        }

        /** With the ringback tone. */
        public Transfer(TransferMode mode, Duration ringTimeout) {
            this(mode, ringTimeout, Optional.empty());
        }
    }

    /** TRANSFER_MODE: how a call is handed to a person. */
    public enum TransferMode {
        /** We dial the person as a second call and relay the audio between the two. */
        BRIDGE("bridge"),
        /** SIP REFER on the phone leg (RFC 3515); a refusal or failure falls back to bridge. */
        REFER("refer");

        private final String wireName;

        TransferMode(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /**
     * AMD and its AMD_* settings (Asterisk's names in brackets), all in milliseconds but the last two.
     *
     * @param local                  AMD=local: analyse the first seconds of an answered call, holding the greeting
     * @param initialSilenceMs       silence before any word this long: machine [initial_silence]
     * @param greetingMs             voice in the greeting this long: machine [greeting]
     * @param afterGreetingSilenceMs silence after the greeting this long: human [after_greeting_silence]
     * @param maxMs                  no verdict after this long: unknown [total_analysis_time]
     * @param minWordMs              voice this long is a word [min_word_length]
     * @param betweenWordsSilenceMs  silence this long ends a word [between_words_silence]
     * @param maxWordMs              one word this long: machine [maximum_word_length]
     * @param maxWords               this many words: machine [maximum_number_of_words]
     * @param silenceThreshold       mean 16-bit magnitude below which a frame is silence [silence_threshold]
     */
    public record Amd(boolean local, int initialSilenceMs, int greetingMs, int afterGreetingSilenceMs, int maxMs,
                      int minWordMs, int betweenWordsSilenceMs, int maxWordMs, int maxWords, int silenceThreshold) {
        public static final Amd DEFAULTS = new Amd(false, 2500, 1500, 800, 3500, 100, 50, 5000, 3, 256);
    }

    /** VOICEMAIL_ACTION: what a call does once the agent says it reached voicemail. */
    public enum VoicemailAction {
        /** Hang up at once. */
        HANGUP,
        /** Let the agent speak its message; the call ends when the agent ends it. */
        LEAVE_MESSAGE;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Call recordings: whether calls are recorded unless they say otherwise ({@code RECORDING}), how
     * long the files are kept, and the consent notice put before the agent's first message.
     */
    public record Recording(boolean on, Format format, int retentionDays, Optional<String> notice) {
        public static final int DEFAULT_RETENTION_DAYS = 30;

        public Recording {
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(notice, "notice");
        }

        /** RECORDING_FORMAT: how the WAV holds its samples. */
        public enum Format {
            /** 16-bit linear PCM: plays everywhere, 32 kB per second of call. */
            PCM16,
            /** G.711 μ-law, 8 bits: what the line carries, half the size. */
            G711;

            public String wireName() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }
    }

    /**
     * Call-event webhooks: where every call's events go unless the call names its own
     * {@code callback_url}, and the secret each delivery is signed with.
     */
    public record Webhooks(Optional<URI> callbackUrl, Optional<Secret> secret) {
        public Webhooks {
            Objects.requireNonNull(callbackUrl, "callbackUrl");
            Objects.requireNonNull(secret, "secret");
        }
    }

    /**
     * @param journalRetentionDays ended calls older than this leave the journal at compaction
     * @param logFormat            {@code text} (one readable line per event) or {@code json} (one object per line)
     */
    public record Http(String host, int port, Optional<Secret> apiToken, int maxConcurrentCalls,
                       Path dataDir, String logLevel, boolean debugEndpoints, int journalRetentionDays,
                       String logFormat) {
    }

    /**
     * @param callMethod         how HTTP mode asks Exolve for a call (EXOLVE_CALL_METHOD)
     * @param callbackResourceId EXOLVE_CALLBACK_RESOURCE_ID, sent with MakeCallback when set
     */
    public record Exolve(boolean useHttp, Optional<Secret> apiKey, URI apiUrl, String sourceNumber,
                         Optional<Secret> webhookSecret, CallMethod callMethod, OptionalLong callbackResourceId) {
        public Exolve {
            Objects.requireNonNull(callMethod, "callMethod");
            Objects.requireNonNull(callbackResourceId, "callbackResourceId");
        }

        /** The Exolve API method that places a call in HTTP mode, by its EXOLVE_CALL_METHOD name. */
        public enum CallMethod {
            /** {@code MakeCallback}: Exolve calls the customer, then (once answered) our SIP ID. */
            CALLBACK("callback"),
            /** {@code MakeCall} with {@code source}/{@code destination}, the request of the first version. */
            MAKECALL("makecall");

            private final String wireName;

            CallMethod(String wireName) {
                this.wireName = wireName;
            }

            public String wireName() {
                return wireName;
            }
        }
    }

    /** {@code server} is host:port as given; it is resolved when the SIP socket starts. */
    public record Sip(String login, Secret password, String domain, String serverHost, int serverPort,
                      int portMin, int portMax, Optional<String> publicIp, int registerExpiresSeconds,
                      Duration ringTimeout, List<AddressBlock> trustedPeers, Optional<StunServer> stunServer) {
        public Sip {
            Objects.requireNonNull(publicIp, "publicIp");
            trustedPeers = List.copyOf(trustedPeers);
            Objects.requireNonNull(stunServer, "stunServer");
        }
    }

    /** SIP_STUN_SERVER as host and port; the host is resolved when it is used. */
    public record StunServer(String host, int port) {
        public static final int DEFAULT_PORT = 3478;

        public StunServer {
            Objects.requireNonNull(host, "host");
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /**
     * @param timeout     no RTP from the far end this long ends an answered call ({@code media_timeout})
     * @param holdTimeout a hold (RFC 3264 section 8.4) this long ends the call ({@code hold_timeout})
     * @param pacerRealtimePriority the pacing clock's {@code SCHED_FIFO} priority, 1–99, where the
     *                    system permits it; 0 leaves it under the normal policy
     */
    public record Rtp(int portMin, int portMax, Duration timeout, Duration holdTimeout, int pacerRealtimePriority) {
        public static final Duration DEFAULT_HOLD_TIMEOUT = Duration.ofSeconds(600);
        /** RTP_PACER_RT_PRIORITY's default: above the normal policy, below the kernel's own real-time threads (50). */
        public static final int DEFAULT_PACER_REALTIME_PRIORITY = 10;
    }

    /**
     * @param aiConnect        when the conversation is opened: at the first 18x, or at the answer
     * @param agentAudioBuffer agent audio a call may hold ahead of the phone before the oldest is dropped
     */
    public record ElevenLabs(Optional<Secret> apiKey, String agentId, URI wsUrl, URI apiUrl,
                             boolean useSignedUrl, int chunkMs, AiConnect aiConnect, Duration agentAudioBuffer) {
        /** AI_AUDIO_BUFFER_S's default: a long answer streamed at several times real time. */
        public static final Duration DEFAULT_AGENT_AUDIO_BUFFER = Duration.ofSeconds(120);

        public ElevenLabs {
            Objects.requireNonNull(aiConnect, "aiConnect");
            Objects.requireNonNull(agentAudioBuffer, "agentAudioBuffer");
        }
    }

    /** AI_CONNECT: when a call opens its agent conversation. */
    public enum AiConnect {
        /** At the first 180/183: the greeting is ready at the answer, but unanswered calls open one too. */
        RINGING,
        /** At the answer: nothing is opened for calls nobody picks up; the greeting starts after the answer. */
        ANSWER;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A SOCKS5 proxy for outgoing TCP; the target's name is resolved by the proxy (socks5h). */
    public record Proxy(String host, int port, Optional<String> username, Optional<Secret> password) {
        /** socks5://user:****@host:port — safe to log. */
        public String describe() {
            return "socks5://" + username.map(u -> u + (password.isPresent() ? ":****" : "") + "@").orElse("")
                    + host + ":" + port;
        }
    }

    /**
     * The same config pointed at the built-in demo network (its carrier and agent on loopback).
     * Only the parts that name a peer or a credential change.
     */
    public Config withDemoNetwork(String sipHost, int sipPort, String sipLogin, Secret sipPassword,
                                  URI agentWsUrl, URI agentApiUrl, String agentId, Secret agentApiKey) {
        Sip demoSip = new Sip(sipLogin, sipPassword, "demo.voiceagent.local", sipHost, sipPort,
                sip.portMin(), sip.portMax(), Optional.of(sipHost), sip.registerExpiresSeconds(), sip.ringTimeout(),
                sip.trustedPeers(), Optional.empty());
        ElevenLabs demoAgent = new ElevenLabs(Optional.of(agentApiKey), agentId, agentWsUrl, agentApiUrl,
                elevenLabs.useSignedUrl(), elevenLabs.chunkMs(), elevenLabs.aiConnect(), elevenLabs.agentAudioBuffer());
        Exolve sipOnly = new Exolve(false, exolve.apiKey(), exolve.apiUrl(), exolve.sourceNumber(),
                exolve.webhookSecret(), exolve.callMethod(), exolve.callbackResourceId());
        return new Config(http, sipOnly, demoSip, rtp, demoAgent, Optional.empty(), true, tools, webhooks,
                recording, doNotCall);
    }

    /** Every setting by its environment name, secrets masked: what {@code voiceagent config} prints. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("HTTP_HOST", http.host());
        out.put("HTTP_PORT", Integer.toString(http.port()));
        out.put("API_TOKEN", masked(http.apiToken()));
        out.put("MAX_CONCURRENT_CALLS", Integer.toString(http.maxConcurrentCalls()));
        out.put("DATA_DIR", http.dataDir().toString());
        out.put("LOG_LEVEL", http.logLevel());
        out.put("DEBUG_ENDPOINTS", Boolean.toString(http.debugEndpoints()));
        out.put("JOURNAL_RETENTION_DAYS", Integer.toString(http.journalRetentionDays()));
        out.put("LOG_FORMAT", http.logFormat());
        out.put("USE_EXOLVE_HTTP", Boolean.toString(exolve.useHttp()));
        out.put("EXOLVE_API_KEY", masked(exolve.apiKey()));
        out.put("EXOLVE_API_URL", UrlMasking.mask(exolve.apiUrl().toString()));
        out.put("EXOLVE_SOURCE_NUMBER", exolve.sourceNumber());
        out.put("EXOLVE_WEBHOOK_SECRET", masked(exolve.webhookSecret()));
        out.put("EXOLVE_CALL_METHOD", exolve.callMethod().wireName());
        out.put("EXOLVE_CALLBACK_RESOURCE_ID", exolve.callbackResourceId().isPresent()
                ? Long.toString(exolve.callbackResourceId().getAsLong()) : "");
        out.put("SIP_LOGIN", sip.login());
        out.put("SIP_PASSWORD", sip.password().masked());
        out.put("SIP_DOMAIN", sip.domain());
        out.put("SIP_SERVER", sip.serverHost() + ":" + sip.serverPort());
        out.put("SIP_PORT_MIN", Integer.toString(sip.portMin()));
        out.put("SIP_PORT_MAX", Integer.toString(sip.portMax()));
        out.put("SIP_PUBLIC_IP", sip.publicIp().orElse(""));
        out.put("SIP_TRUSTED_PEERS", sip.trustedPeers().isEmpty() ? "(SIP_SERVER's addresses)"
                : String.join(",", sip.trustedPeers().stream().map(AddressBlock::toString).toList()));
        out.put("SIP_STUN_SERVER", sip.stunServer().map(StunServer::toString).orElse(""));
        out.put("SIP_REGISTER_EXPIRES", Integer.toString(sip.registerExpiresSeconds()));
        out.put("CALL_RING_TIMEOUT_S", Long.toString(sip.ringTimeout().toSeconds()));
        out.put("RTP_PORT_MIN", Integer.toString(rtp.portMin()));
        out.put("RTP_PORT_MAX", Integer.toString(rtp.portMax()));
        out.put("RTP_TIMEOUT_S", Long.toString(rtp.timeout().toSeconds()));
        out.put("CALL_HOLD_TIMEOUT_S", Long.toString(rtp.holdTimeout().toSeconds()));
        out.put("RTP_PACER_RT_PRIORITY", Integer.toString(rtp.pacerRealtimePriority()));
        out.put("ELEVENLABS_API_KEY", masked(elevenLabs.apiKey()));
        out.put("ELEVENLABS_AGENT_ID", elevenLabs.agentId());
        out.put("ELEVENLABS_WS_URL", UrlMasking.mask(elevenLabs.wsUrl().toString()));
        out.put("ELEVENLABS_API_URL", UrlMasking.mask(elevenLabs.apiUrl().toString()));
        out.put("ELEVENLABS_USE_SIGNED_URL", Boolean.toString(elevenLabs.useSignedUrl()));
        out.put("ELEVENLABS_CHUNK_MS", Integer.toString(elevenLabs.chunkMs()));
        out.put("AI_CONNECT", elevenLabs.aiConnect().wireName());
        out.put("AI_AUDIO_BUFFER_S", Long.toString(elevenLabs.agentAudioBuffer().toSeconds()));
        out.put("VOICEMAIL_ACTION", tools.voicemailAction().wireName());
        Amd amd = tools.amd();
        out.put("AMD", amd.local() ? "local" : "off");
        out.put("TRANSFER_MODE", tools.transfer().mode().wireName());
        out.put("TRANSFER_RING_TIMEOUT_S", Long.toString(tools.transfer().ringTimeout().toSeconds()));
        out.put("TRANSFER_HOLD_SOUND", tools.transfer().holdSound().map(h -> h.path().toString()).orElse(""));
        out.put("AMD_INITIAL_SILENCE_MS", Integer.toString(amd.initialSilenceMs()));
        out.put("AMD_GREETING_MS", Integer.toString(amd.greetingMs()));
        out.put("AMD_AFTER_GREETING_SILENCE_MS", Integer.toString(amd.afterGreetingSilenceMs()));
        out.put("AMD_MAX_MS", Integer.toString(amd.maxMs()));
        out.put("AMD_MIN_WORD_MS", Integer.toString(amd.minWordMs()));
        out.put("AMD_BETWEEN_WORDS_SILENCE_MS", Integer.toString(amd.betweenWordsSilenceMs()));
        out.put("AMD_MAX_WORD_MS", Integer.toString(amd.maxWordMs()));
        out.put("AMD_MAX_WORDS", Integer.toString(amd.maxWords()));
        out.put("AMD_SILENCE_THRESHOLD", Integer.toString(amd.silenceThreshold()));
        out.put("SOCKS5_PROXY", proxy.map(Proxy::describe).orElse(""));
        // a receiver's token may ride in the query or the user info: shown masked
        out.put("CALLBACK_URL", webhooks.callbackUrl().map(u -> u.getScheme() + "://"
                + (u.getRawUserInfo() == null ? "" : "****@") + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
                + (u.getRawPath() == null ? "" : u.getRawPath()) + (u.getRawQuery() == null ? "" : "?****"))
                .orElse(""));
        out.put("CALLBACK_SECRET", masked(webhooks.secret()));
        out.put("RECORDING", recording.on() ? "on" : "off");
        out.put("RECORDING_FORMAT", recording.format().wireName());
        out.put("RECORDING_RETENTION_DAYS", Integer.toString(recording.retentionDays()));
        out.put("RECORDING_NOTICE", recording.notice().orElse(""));
        out.put("DNC_FILE", doNotCall.file().toString());
        return out;
    }

    private static String masked(Optional<Secret> secret) {
        return secret.map(Secret::masked).orElse("");
    }
}
