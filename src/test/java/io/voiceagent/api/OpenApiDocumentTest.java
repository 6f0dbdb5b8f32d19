package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.voiceagent.call.CallStatus;
import io.voiceagent.call.EndCause;
import io.voiceagent.call.EndedBy;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@code /api/openapi.json} describes exactly the routes the router serves, and is served. */
class OpenApiDocumentTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> document() throws Exception {
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream(UiRoutes.OPENAPI_RESOURCE)) {
            assertThat(in).as(UiRoutes.OPENAPI_RESOURCE + " on the classpath").isNotNull();
            return JSON.std.mapFrom(in);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyRouteServedIsDocumentedAndNothingElse() throws Exception {
        Set<String> documented = new TreeSet<>();
        ((Map<String, Object>) document().get("paths")).forEach((path, item) ->
                ((Map<String, Object>) item).keySet().forEach(method ->
                        documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path)));

        try (ApiHarness api = ApiHarness.open()) {
            assertThat(documented).containsExactlyElementsOf(api.api.operations());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyReferenceResolves() throws Exception {
        Map<String, Object> document = document();
        String text = JSON.std.asString(document);
        Map<String, Object> components = (Map<String, Object>) document.get("components");
        var refs = java.util.regex.Pattern.compile("\"\\$ref\":\"#/components/(\\w+)/(\\w+)\"").matcher(text);
        int count = 0;
        while (refs.find()) {
            count++;
            assertThat((Map<String, Object>) components.get(refs.group(1))).as(refs.group())
                    .containsKey(refs.group(2));
        }
        assertThat(document.get("openapi")).isEqualTo("3.1.0");
        assertThat(count).isGreaterThan(10);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEndingsEnumsAreTheCodesOwn() throws Exception {
        Map<String, Object> schemas = (Map<String, Object>) ((Map<String, Object>) document().get("components"))
                .get("schemas");
        Map<String, Object> call = (Map<String, Object>) ((Map<String, Object>) schemas.get("Call")).get("properties");
        java.util.List<String> causes = new java.util.ArrayList<>(java.util.Arrays.stream(EndCause.values())
                .map(EndCause::wireName).toList());
        causes.add(null);
        java.util.List<String> parties = new java.util.ArrayList<>(java.util.Arrays.stream(EndedBy.values())
                .map(EndedBy::wireName).toList());
        parties.add(null);

        assertThat((java.util.List<Object>) ((Map<String, Object>) schemas.get("Status")).get("enum"))
                .containsExactlyElementsOf(java.util.Arrays.stream(CallStatus.values()).map(CallStatus::wireName).toList());
        assertThat((java.util.List<Object>) ((Map<String, Object>) call.get("hangup_cause")).get("enum"))
                .containsExactlyElementsOf(causes);
        assertThat((java.util.List<Object>) ((Map<String, Object>) call.get("hangup_by")).get("enum"))
                .containsExactlyElementsOf(parties);
    }

    @Test
    void theDocumentIsServedBehindTheToken() throws Exception {
        try (ApiHarness api = ApiHarness.withToken("docs-token")) {
            ApiHarness.Reply reply = api.get("/api/openapi.json");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json()).containsEntry("openapi", "3.1.0");
            assertThat(api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/openapi.json"))).status())
                    .isEqualTo(401);
        }
    }
}
