package io.voiceagent.exolve;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.config.Config;
import io.voiceagent.config.Secret;
import io.voiceagent.exolve.ExolveException.Failure;
import io.voiceagent.net.OutboundConnections;
import io.voiceagent.net.ProxyFailure;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Exolve's REST API over {@link OutboundConnections} (so through SOCKS5 when configured).
 * 401/403 fail as {@code provider_auth}; other 4xx as {@code provider_rejected} with Exolve's message;
 * transient failures are retried twice with backoff under the request's {@link RetryRule}, then fail as
 * {@code provider_error}; a proxy failure fails at once with its own cause ({@code proxy_*}).
 */
public final class ExolveHttpApi implements ExolveApi {
    private static final System.Logger LOG = System.getLogger(ExolveHttpApi.class.getName());
    public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    /** Pause before the first and the second retry. */
    static final List<Duration> RETRY_DELAYS = List.of(Duration.ofMillis(500), Duration.ofSeconds(1));
    private static final int MAX_MESSAGE_CHARS = 300;

    /** Waits between retries; tests pass one that records the delay instead of sleeping. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration delay) throws InterruptedException;
    }

    /**
     * Which failed attempts may be sent again. Placing a call is not idempotent and Exolve takes no
     * idempotency key, so a request that may have reached Exolve is never repeated: a timeout after the
     * request was sent, a connection broken mid-exchange or a 500/502/504 can each mean the call was
     * placed and only the answer was lost, and a second MakeCall would ring the phone twice. Such a call
     * fails as {@code provider_error} instead; if Exolve did place it, its webhooks name a call we do
     * not know and are answered 202. Only failures that prove the request was not acted on are retried:
     * no connection (refused, connect timeout) and 503 (RFC 9110: the server is unable to handle it now).
     */
    enum RetryRule {
        /** One attempt only (the key check: the operator retries). */
        NEVER,
        /** Repeats only what provably did not reach Exolve: for requests that place calls. */
        ONLY_IF_NOT_ACTED_ON,
        /** Repeats any transient failure: for requests whose repetition is harmless (hang-up). */
        ANY_TRANSIENT
    }

    private final Config.Exolve config;
    private final String sipId;
    private final HttpClient http;
    private final OutboundConnections outbound;
    private final Duration responseTimeout;
    private final Pause pause;
    private final String baseUrl;

    /**
     * Production wiring: the shared client (connect timeout 5 s), 10 s per response, real sleeps.
     * {@code sipId} is our SIP ID (SIP_LOGIN), the number MakeCallback rings as the second line.
     */
    public ExolveHttpApi(Config.Exolve config, String sipId, OutboundConnections outbound) {
        this(config, sipId, outbound.httpClient(), outbound, RESPONSE_TIMEOUT, delay -> Thread.sleep(delay));
    }

    /**
     * @param sipId           our SIP ID (SIP_LOGIN): MakeCallback's second line
     * @param http            the client to send with (normally {@code outbound.httpClient()})
     * @param outbound        names proxy failures ({@link OutboundConnections#proxyFailureCause})
     * @param responseTimeout how long each attempt waits for Exolve's answer
     * @param pause           how the backoff between retries waits
     */
    public ExolveHttpApi(Config.Exolve config, String sipId, HttpClient http, OutboundConnections outbound,
                         Duration responseTimeout, Pause pause) {
        this.config = Objects.requireNonNull(config, "config");
        this.sipId = Objects.requireNonNull(sipId, "sipId");
        this.http = Objects.requireNonNull(http, "http");
        this.outbound = Objects.requireNonNull(outbound, "outbound");
        this.responseTimeout = Objects.requireNonNull(responseTimeout, "responseTimeout");
        this.pause = Objects.requireNonNull(pause, "pause");
        String url = config.apiUrl().toString();
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public String makeCall(String destinationDigits) throws ExolveException {
        Objects.requireNonNull(destinationDigits, "destinationDigits");
        String digits = destinationDigits.replaceAll("\\D", "");
        if (digits.isEmpty()) {
            throw new ExolveException(Failure.INVALID_NUMBER, "destination has no digits: '" + destinationDigits + "'");
        }
        ExolveCallMethods.Request request = switch (config.callMethod()) {
            case CALLBACK -> ExolveCallMethods.makeCallback(ourNumber(), config.callbackResourceId(), digits, sipId);
            case MAKECALL -> ExolveCallMethods.makeCall(config.sourceNumber(), digits);
        };
        Map<String, Object> answer = send(request, RetryRule.ONLY_IF_NOT_ACTED_ON);
        return ExolveCallMethods.callId(answer).orElseThrow(() -> new ExolveException(Failure.PROVIDER_ERROR,
                "Exolve " + request.name() + " answered without a call_id: " + clip(answer.toString())));
    }

    /** MakeCallback wants our number as an integer; the config keeps it as validated digits. */
    private long ourNumber() throws ExolveException {
        try {
            return Long.parseLong(config.sourceNumber());
        } catch (NumberFormatException e) {
            throw new ExolveException(Failure.PROVIDER_REJECTED,
                    "EXOLVE_SOURCE_NUMBER is not a number MakeCallback can send: '" + config.sourceNumber() + "'");
        }
    }

    @Override
    public void hangup(String exolveCallId) throws ExolveException {
        Objects.requireNonNull(exolveCallId, "exolveCallId");
        send(ExolveCallMethods.hangup(exolveCallId), RetryRule.ANY_TRANSIENT);
    }

    @Override
    public Map<String, Object> check() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("api_url", baseUrl);
        out.put("api_key", config.apiKey().map(Secret::masked).orElse(""));
        out.put("source_number", config.sourceNumber());
        long started = System.nanoTime();
        try {
            send(ExolveCallMethods.keyCheck(), RetryRule.NEVER);
            out.put("ok", true);
            out.put("message", "Exolve accepted the API key");
        } catch (ExolveException e) {
            // Any answer other than 401/403 means the key itself was accepted.
            boolean keyAccepted = e.is(Failure.PROVIDER_REJECTED);
            out.put("ok", keyAccepted);
            if (!keyAccepted) {
                out.put("cause", e.causeCode());
            }
            out.put("message", keyAccepted ? "Exolve accepted the API key (" + e.getMessage() + ")" : e.getMessage());
        }
        out.put("elapsed_ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return out;
    }

    private Map<String, Object> send(ExolveCallMethods.Request request, RetryRule rule) throws ExolveException {
        Secret key = config.apiKey().filter(k -> !k.isEmpty()).orElseThrow(
                () -> new ExolveException(Failure.PROVIDER_AUTH, "EXOLVE_API_KEY is not set"));
        HttpRequest httpRequest = HttpRequest.newBuilder(URI.create(baseUrl + request.path()))
                .timeout(responseTimeout)
                .header("Authorization", "Bearer " + key.reveal())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(request.body())))
                .build();
        int attempts = rule == RetryRule.NEVER ? 1 : RETRY_DELAYS.size() + 1;
        for (int attempt = 1; ; attempt++) {
            String problem;
            switch (attemptOnce(request, httpRequest)) {
                case Attempt.Answered answered -> {
                    return answered.answer();
                }
                case Attempt.Retryable retryable -> {
                    problem = retryable.problem();
                    if (retryable.mayHaveActed() && rule == RetryRule.ONLY_IF_NOT_ACTED_ON) {
                        throw new ExolveException(Failure.PROVIDER_ERROR, "Exolve " + request.name() + " may have been"
                                + " carried out (" + problem + "); not repeated, so that no second call is placed");
                    }
                }
            }
            if (attempt >= attempts) {
                throw new ExolveException(Failure.PROVIDER_ERROR, "Exolve " + request.name() + " failed after "
                        + attempt + (attempt == 1 ? " attempt: " : " attempts: ") + problem);
            }
            Duration delay = RETRY_DELAYS.get(attempt - 1);
            LOG.log(System.Logger.Level.WARNING, "Exolve " + request.name() + " attempt " + attempt
                    + " failed (" + problem + "); retrying in " + delay.toMillis() + " ms");
            try {
                pause.pause(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExolveException(Failure.PROVIDER_ERROR,
                        "interrupted while retrying Exolve " + request.name());
            }
        }
    }

    /** One try: Exolve's 2xx answer, or a failure worth retrying; final failures are thrown. */
    private sealed interface Attempt {
        record Answered(Map<String, Object> answer) implements Attempt {
        }

        /** @param mayHaveActed the request may have reached Exolve, which may have carried it out */
        record Retryable(String problem, boolean mayHaveActed) implements Attempt {
        }
    }

    private Attempt attemptOnce(ExolveCallMethods.Request request, HttpRequest httpRequest)
            throws ExolveException {
        HttpResponse<String> response;
        try {
            response = http.send(httpRequest, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            return new Attempt.Retryable("no connection (" + e.getMessage() + ")", false);
        } catch (HttpTimeoutException e) {
            return new Attempt.Retryable("no answer within " + responseTimeout.toMillis() + " ms ("
                    + e.getMessage() + ")", true);
        } catch (IOException e) {
            Optional<String> proxyCause = outbound.proxyFailureCause(e);
            if (proxyCause.isPresent()) {
                throw new ExolveException(proxyCause.get(),
                        "Exolve " + request.name() + " could not go through the SOCKS5 proxy: " + e.getMessage());
            }
            return new Attempt.Retryable(e.toString(), !(e instanceof ConnectException));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExolveException(Failure.PROVIDER_ERROR, "interrupted while calling Exolve " + request.name());
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new Attempt.Answered(parse(response.body()));
        }
        String message = explanation(response.body());
        Optional<ProxyFailure> proxyFailure = ProxyFailure.fromTunnelStatus(status);
        if (proxyFailure.isPresent()) {
            throw new ExolveException(proxyFailure.get().cause(), message);
        }
        if (status == 401 || status == 403) {
            throw new ExolveException(Failure.PROVIDER_AUTH,
                    "Exolve rejected the API key (HTTP " + status + "): " + message);
        }
        if (status >= 400 && status < 500) {
            throw new ExolveException(Failure.PROVIDER_REJECTED,
                    "Exolve rejected " + request.name() + " (HTTP " + status + "): " + message);
        }
        if (status >= 500) {
            return new Attempt.Retryable("HTTP " + status + ": " + message, status != 503);
        }
        throw new ExolveException(Failure.PROVIDER_ERROR,
                "unexpected HTTP " + status + " from Exolve " + request.name() + ": " + message);
    }

    private static String json(Map<String, Object> body) throws ExolveException {
        try {
            return JSON.std.asString(body);
        } catch (IOException e) {
            throw new ExolveException(Failure.PROVIDER_ERROR, "cannot encode request: " + e.getMessage());
        }
    }

    private static Map<String, Object> parse(String body) {
        if (body == null || body.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.std.mapFrom(body);
        } catch (IOException e) {
            return Map.of();
        }
    }

    private static String explanation(String body) {
        return ExolveCallMethods.errorMessage(parse(body))
                .orElseGet(() -> body == null || body.isBlank() ? "(empty answer)" : clip(body.strip()));
    }

    private static String clip(String text) {
        return text.length() <= MAX_MESSAGE_CHARS ? text : text.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
}
