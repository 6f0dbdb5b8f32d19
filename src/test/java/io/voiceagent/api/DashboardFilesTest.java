package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.ui.UiAssets;
import java.net.http.HttpRequest;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The dashboard's files: served from the jar with a strict CSP, public (they are the login page), nothing else. */
class DashboardFilesTest {

    @Test
    void thePageAndItsFilesAreServedWithoutTheTokenButTheDataIsNot() throws Exception {
        try (ApiHarness api = ApiHarness.withToken("ui-token")) {
            for (String path : new String[] {"/", "/ui", "/ui/index.html"}) {
                ApiHarness.Reply page = api.send(HttpRequest.newBuilder(api.uri(path)));
                assertThat(page.status()).as(path).isEqualTo(200);
                assertThat(page.header("Content-Type")).hasValue("text/html; charset=utf-8");
                assertThat(page.header("Content-Security-Policy")).hasValue(UiAssets.CONTENT_SECURITY_POLICY);
                assertThat(page.body()).contains("<script src=\"/ui/app.js\"");
            }
            assertThat(api.send(HttpRequest.newBuilder(api.uri("/ui/app.js"))).header("Content-Type"))
                    .hasValue("text/javascript; charset=utf-8");
            assertThat(api.send(HttpRequest.newBuilder(api.uri("/ui/app.css"))).header("Content-Type"))
                    .hasValue("text/css; charset=utf-8");
            assertThat(api.send(HttpRequest.newBuilder(api.uri("/api/calls"))).status()).isEqualTo(401);
            assertThat(api.send(HttpRequest.newBuilder(api.uri("/api/events"))).status()).isEqualTo(401);
        }
    }

    @Test
    void onlyTheDashboardsOwnFilesAreServed() throws Exception {
        try (ApiHarness api = ApiHarness.open()) {
            for (String path : new String[] {"/ui/missing.js", "/ui/..%2Fapi%2Fopenapi.json", "/ui/.hidden.js",
                    "/ui/app.JS", "/ui/a/b.js"}) {
                assertThat(api.get(path).status()).as(path).isEqualTo(404);
            }
        }
    }

    @Test
    void thePageHasNoInlineScriptStyleOrHandlerThatTheCspWouldBlock() throws Exception {
        try (ApiHarness api = ApiHarness.open()) {
            String html = api.get("/").body();
            assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(html).find()).as("inline <script>").isFalse();
            assertThat(html).doesNotContain("<style").doesNotContain(" style=");
            assertThat(Pattern.compile("\\son[a-z]+=").matcher(html).find()).as("inline event handler").isFalse();
            assertThat(html).doesNotContain("http://").doesNotContain("https://"); // nothing from elsewhere
        }
    }
}
