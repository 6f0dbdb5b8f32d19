package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code callback_url} on the start request: an absolute http(s) URL, and only when deliveries can be signed. */
class CallbackUrlTest {

    @Test
    void without_callback_secret_a_call_s_callback_url_is_refused_with_the_reason() throws Exception {
        try (ApiHarness api = ApiHarness.open()) {
            ApiHarness.Reply reply = api.post("/api/calls/start",
                    "{\"phone_number\":\"+79990001122\",\"callback_url\":\"https://crm.example/hooks\"}");
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.message()).contains("callback_url").contains("CALLBACK_SECRET");
            assertThat(api.calls.list(java.util.Optional.empty(), 10)).isEmpty();
        }
    }

    @Test
    void a_callback_url_that_is_not_an_absolute_http_url_is_refused() throws Exception {
        try (ApiHarness api = ApiHarness.open()) {
            for (String bad : new String[] {"ftp://crm.example/x", "/hooks", "not a url", ""}) {
                ApiHarness.Reply reply = api.post("/api/calls/start",
                        "{\"phone_number\":\"+79990001122\",\"callback_url\":\"" + bad + "\"}");
                assertThat(reply.status()).as(bad).isEqualTo(400);
                assertThat(reply.message()).as(bad).startsWith("callback_url");
            }
        }
    }
}
