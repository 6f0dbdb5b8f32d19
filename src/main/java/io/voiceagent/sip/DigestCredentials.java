package io.voiceagent.sip;

import io.voiceagent.config.Secret;
import java.util.HexFormat;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Our credentials for one registration or dialog, and the challenge they currently answer.
 * Counts nc per nonce and tells a rejected password (a second challenge right after we answered
 * a fresh one) from a nonce that merely went stale.
 */
final class DigestCredentials {

    enum Outcome { RETRY, REJECTED }

    private final String username;
    private final Secret password;
    private final RandomGenerator random;
    private DigestAuth.Challenge challenge;
    private boolean proxy;
    private int nonceCount;
    private boolean answeredFreshChallenge;
    private boolean fresh;

    DigestCredentials(String username, Secret password, RandomGenerator random) {
        this.username = Objects.requireNonNull(username, "username");
        this.password = Objects.requireNonNull(password, "password");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Takes the challenge of a 401/407; REJECTED when our answer to the last fresh one was refused. */
    Outcome onChallenge(SipMessage.Response response) {
        boolean isProxy = response.status() == 407;
        var offered = DigestAuth.Challenge.strongest(
                response.headers().lines(isProxy ? "Proxy-Authenticate" : "WWW-Authenticate"));
        if (offered.isEmpty()) {
            return Outcome.REJECTED;
        }
        if (answeredFreshChallenge && !offered.get().stale()) {
            return Outcome.REJECTED;
        }
        challenge = offered.get();
        proxy = isProxy;
        nonceCount = 0;
        fresh = true;
        answeredFreshChallenge = false;
        return Outcome.RETRY;
    }

    /** The request was accepted: a later challenge is a new nonce, not a wrong password. */
    void onSuccess() {
        fresh = false;
        answeredFreshChallenge = false;
    }

    /** {@code request} with our Authorization or Proxy-Authorization, when we hold a challenge. */
    SipMessage.Request authorize(SipMessage.Request request) {
        if (challenge == null) {
            return request;
        }
        nonceCount++;
        answeredFreshChallenge = fresh;
        String cnonce = HexFormat.of().toHexDigits(random.nextLong());
        String value = DigestAuth.authorization(challenge, username, password.reveal(), request.method(),
                request.uri(), nonceCount, cnonce);
        String header = proxy ? "Proxy-Authorization" : "Authorization";
        return request.withHeaders(request.headers().replacing(header, value));
    }
}
