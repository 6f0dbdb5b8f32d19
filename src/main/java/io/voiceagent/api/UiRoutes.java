package io.voiceagent.api;

import io.voiceagent.api.Route.Access;
import io.voiceagent.ui.UiAssets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The dashboard at {@code /} and {@code /ui/{file}}, and the API description at
 * {@code /api/openapi.json}. The dashboard's files are public: they hold no data and are the login
 * page too (the page asks for the API token when the API answers 401); every piece of data they
 * show comes from the token-checked API. Every file carries a Content-Security-Policy that allows
 * only this origin's scripts and styles, none inline.
 */
final class UiRoutes {
    /** The OpenAPI 3.1 document of this API, a resource file kept by hand beside the routes. */
    static final String OPENAPI_RESOURCE = "/api/openapi.json";
    private static final byte[] OPENAPI = readOpenApi();

    private final UiAssets assets = new UiAssets();

    List<Route> routes() {
        Route.Handler index = request -> asset(UiAssets.INDEX);
        return List.of(
                Route.at("/", Access.PUBLIC).get(index).build(),
                Route.at("/ui", Access.PUBLIC).get(index).build(),
                Route.at("/ui/{file}", Access.PUBLIC).get(request -> asset(request.pathParameter("file"))).build(),
                Route.at("/api/openapi.json", Access.TOKEN).get(request -> openApi()).build());
    }

    private ApiResponse asset(String name) throws ApiException {
        UiAssets.Asset asset = assets.find(name)
                .orElseThrow(() -> ApiException.notFound("no such dashboard file: " + name));
        return new ApiResponse(200, asset.contentType(), asset.body(), Map.of(
                "Content-Security-Policy", UiAssets.CONTENT_SECURITY_POLICY,
                "Referrer-Policy", "no-referrer",
                "X-Frame-Options", "DENY"));
    }

    private ApiResponse openApi() {
        return new ApiResponse(200, ApiResponse.JSON, OPENAPI, Map.of());
    }

    private static byte[] readOpenApi() {
        try (InputStream in = UiRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + OPENAPI_RESOURCE, e);
        }
    }
}
