package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code GET /api/calls} pages with {@code limit} and {@code next_cursor}, in one stable order. */
class CallListPagingTest {

    @SuppressWarnings("unchecked")
    private static List<String> ids(ApiHarness.Reply reply) {
        return ((List<Map<String, Object>>) reply.json().get("calls")).stream()
                .map(call -> (String) call.get("id")).toList();
    }

    @Test
    void pagesFollowEachOtherWithoutGapsOrRepeatsUntilTheCursorIsNull() throws Exception {
        try (ApiHarness api = ApiHarness.withMaxCalls(20)) {
            for (int i = 0; i < 7; i++) {
                assertThat(api.post("/api/calls/start", "{\"phone_number\":\"+7999000112" + i + "\"}").status())
                        .isEqualTo(201);
            }
            List<String> everything = ids(api.get("/api/calls?limit=100"));
            List<String> paged = new ArrayList<>();
            String query = "/api/calls?limit=3";
            int pages = 0;
            while (true) {
                ApiHarness.Reply page = api.get(query);
                pages++;
                paged.addAll(ids(page));
                Object cursor = page.json().get("next_cursor");
                if (cursor == null) {
                    break;
                }
                query = "/api/calls?limit=3&cursor=" + cursor;
            }

            assertThat(everything).hasSize(7);
            assertThat(paged).containsExactlyElementsOf(everything);
            assertThat(pages).isEqualTo(3);
        }
    }

    @Test
    void aCursorThatWasNotGivenOutIsRefused() throws Exception {
        try (ApiHarness api = ApiHarness.open()) {
            ApiHarness.Reply reply = api.get("/api/calls?cursor=not-a-cursor");
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.message()).startsWith("cursor:");
        }
    }

    @Test
    void aRefusalForTooManyCallsSaysWhenToTryAgain() throws Exception {
        try (ApiHarness api = ApiHarness.withMaxCalls(1)) {
            api.post("/api/calls/start", "{\"phone_number\":\"+79990001122\"}");
            ApiHarness.Reply refused = api.post("/api/calls/start", "{\"phone_number\":\"+79990001123\"}");

            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).hasValue(Integer.toString(HttpApi.RETRY_AFTER_SECONDS));
        }
    }
}
