/**
 * The browser dashboard: its static files (under {@code src/main/resources/ui}) and how they are
 * served. The page's logic runs in the browser and talks only to the public API ({@code /api/...},
 * {@code /api/events}); nothing here touches calls. Runs on the HTTP server's exchange threads;
 * {@link io.voiceagent.ui.UiAssets} keeps read files in a concurrent map and takes no lock.
 */
package io.voiceagent.ui;
