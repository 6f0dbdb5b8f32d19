package io.voiceagent.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.net.TestConnections;
import io.voiceagent.call.CallMode;
import io.voiceagent.call.CallRecord;
import io.voiceagent.call.CallStatus;
import io.voiceagent.call.TestCalls;
import io.voiceagent.config.Config;
import io.voiceagent.config.Secret;
import io.voiceagent.metrics.ServiceMetrics;
import io.voiceagent.net.ProxiedConnections;
import io.voiceagent.net.SocksTestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With SOCKS5_PROXY set, a webhook goes through the proxy (the service's one outbound HTTP client). */
class WebhooksThroughSocksProxyTest {
    private static final String SECRET = "whsec_through_the_proxy_01";

    @TempDir
    Path dataDir;

    @Test
    void a_delivery_goes_through_the_socks5_proxy_with_its_credentials() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (SocksTestServers.Jsocks socks = SocksTestServers.Jsocks.withUserPassword();
             WebhookReceiver receiver = new WebhookReceiver(SECRET, clock);
             ProxiedConnections outbound = TestConnections.through(Optional.of(new Config.Proxy("127.0.0.1",
                     socks.port(), Optional.of(SocksTestServers.USER),
                     Optional.of(Secret.of(SocksTestServers.PASSWORD)))));
             WebhookOutbox outbox = WebhookOutbox.open(dataDir, clock);
             WebhookDispatcher dispatcher = new WebhookDispatcher(Optional.of(receiver.url()),
                     Optional.of(Secret.of(SECRET)), outbox,
                     new HttpWebhookSender(outbound.httpClient(), Duration.ofSeconds(5)), Backoff.DEFAULT, clock,
                     () -> 0L, new ServiceMetrics())) {
            dispatcher.onSaved(CallRecord.dialing("c_proxy", CallMode.SIP, TestCalls.request("79990001122"),
                    clock.instant()).withStatus(CallStatus.RINGING, clock.instant()));
            for (Future<?> attempt : dispatcher.deliverDue()) {
                attempt.get();
            }

            assertThat(receiver.next().signatureValid()).isTrue();
            assertThat(dispatcher.deliveries("c_proxy").get(0)).containsEntry("state", "delivered");
            assertThat(socks.requestedHosts()).isNotEmpty();
        }
    }
}
