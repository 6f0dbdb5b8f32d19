package io.voiceagent.exolve;

import io.voiceagent.net.TestConnections;
import io.voiceagent.config.Config;
import io.voiceagent.config.Secret;
import io.voiceagent.net.ProxiedConnections;
import io.voiceagent.net.SocksTestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static io.voiceagent.exolve.ExolveTestSupport.KEY;
import static io.voiceagent.exolve.ExolveTestSupport.SIP_ID;
import static io.voiceagent.exolve.ExolveTestSupport.config;
import static io.voiceagent.net.SocksTestServers.PASSWORD;
import static io.voiceagent.net.SocksTestServers.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Exolve calls go through the SOCKS5 proxy, and a proxy failure fails the call with its own cause, unretried. */
class ExolveThroughSocksProxyTest {
    private FakeExolveApi exolve;
    private SocksTestServers.Jsocks socks;
    private ExolveTestSupport.RecordedPauses pauses;

    @BeforeEach
    void start() throws Exception {
        exolve = new FakeExolveApi(KEY);
        socks = SocksTestServers.Jsocks.withUserPassword();
        pauses = new ExolveTestSupport.RecordedPauses();
    }

    @AfterEach
    void stop() {
        socks.close();
        exolve.close();
    }

    private ExolveHttpApi api(ProxiedConnections connections) {
        return new ExolveHttpApi(config(exolve.baseUrl(), Optional.of(KEY)), SIP_ID, connections.httpClient(), connections,
                Duration.ofSeconds(5), pauses);
    }

    private Config.Proxy proxy(String password) {
        return new Config.Proxy("127.0.0.1", socks.port(), Optional.of(USER), Optional.of(Secret.of(password)));
    }

    @Test
    void callIsPlacedAndHungUpThroughTheProxy() throws Exception {
        try (ProxiedConnections connections = TestConnections.through(Optional.of(proxy(PASSWORD)))) {
            ExolveHttpApi api = api(connections);

            String callId = api.makeCall("79165550102");
            api.hangup(callId);

            assertThat(callId).isEqualTo(Long.toString(exolve.lastCallId()));
            assertThat(exolve.received()).hasSize(2);
            assertThat(socks.requestedHosts()).hasSize(2);
        }
    }

    @Test
    void wrongProxyPasswordFailsTheCallAsProxyAuthFailedWithoutRetrying() {
        try (ProxiedConnections connections = TestConnections.through(Optional.of(proxy(PASSWORD + "-old")))) {
            ExolveException failure = catchThrowableOfType(ExolveException.class,
                    () -> api(connections).makeCall("79165550102"));

            assertThat(failure.causeCode()).isEqualTo("proxy_auth_failed");
            assertThat(failure.getMessage()).doesNotContain(PASSWORD);
            assertThat(pauses.pauses).isEmpty();
            assertThat(exolve.received()).isEmpty();
        }
    }
}
