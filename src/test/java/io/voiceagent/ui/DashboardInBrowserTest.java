package io.voiceagent.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.voiceagent.app.DemoServiceEnv;
import io.voiceagent.app.Module;
import io.voiceagent.config.Config;
import io.voiceagent.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless Chromium, driven over the DevTools protocol, against the whole
 * service in demo mode with an API token: the page asks for the token (and refuses a wrong one), loads without a console
 * error (a CSP violation is one), places a call from its form and shows it ringing, answered and
 * its transcript as it happens, plays the finished call's recording from its details, and its hang-up
 * button ends a ringing call. Saves a screenshot of
 * the live call in {@code target/dashboard-live-call.png} (the README's picture comes from it).
 *
 * <p>Under {@code CI=true} a machine without Chromium fails this test; elsewhere it is skipped.
 */
@Tag("slow")
class DashboardInBrowserTest {
    private static final String TOKEN = "browser-test-token-7f3a9c";
    private static final Duration STEP = Duration.ofSeconds(30);

    @TempDir
    static Path dataDir;

    private static Module module;
    private static HeadlessChromium chromium;
    private static DevTools devTools;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> binary = HeadlessChromium.find();
        if (binary.isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("Chromium is needed for the dashboard test under CI=true: apt-get install chromium");
            }
            Assumptions.abort("Chromium is not installed (apt-get install chromium): dashboard browser test skipped");
        }
        Config config = ConfigLoader.fromMap(DemoServiceEnv.onRandomPorts(dataDir, 200, Map.of(
                "API_TOKEN", TOKEN,
                "RECORDING", "on")));
        module = Module.start(config);
        chromium = HeadlessChromium.start(binary.get());
        devTools = new DevTools(chromium.browserWebSocket());
        devTools.openPage();
    }

    @AfterAll
    static void stop() throws Exception {
        if (devTools != null) {
            devTools.close();
        }
        if (chromium != null) {
            chromium.close();
        }
        if (module != null) {
            module.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void placesACallFromTheFormFollowsItLiveAndHangsUpAnother() throws Exception {
        navigate("http://127.0.0.1:" + module.httpPort() + "/");
        waitFor("!document.getElementById('login').hidden");
        assertThat(devTools.evaluate("document.getElementById('app').hidden")).isEqualTo(true);
        devTools.evaluate("document.getElementById('token').value = 'a-wrong-token';"
                + "document.querySelector('#login-form button[type=submit]').click(); true");
        assertThat(waitFor("document.getElementById('login-error').textContent")).isEqualTo("That token was refused.");
        assertThat(devTools.evaluate("document.getElementById('app').hidden")).isEqualTo(true);
        List<String> beforeLogin = consoleErrors(0);
        assertThat(beforeLogin).as("only the API's 401 may be logged before the token is given")
                .allMatch(error -> error.contains("401"));

        int afterLogin = devTools.events().size();
        devTools.evaluate("document.getElementById('token').value = '" + TOKEN + "';"
                + "document.querySelector('#login-form button[type=submit]').click(); true");
        waitFor("!document.getElementById('app').hidden && document.getElementById('status-stream').className === 'ok'");
        assertThat(devTools.evaluate("sessionStorage.getItem('voiceagent.api_token')")).isEqualTo(TOKEN);
        recordWhatTheLiveCardsShow();

        devTools.evaluate("""
                document.getElementById('phone').value = '+7 999 000-11-22';
                document.getElementById('first-message').value = 'Hello from the browser test';
                document.getElementById('dynamic-variables').value = 'customer=Browser';
                document.getElementById('start-button').click(); true""");
        String conversation = (String) waitFor(
                "Object.keys(window.__seen).find(id => window.__seen[id].lines.length >= 1)");
        // The picture is better with the caller's reply and the meters moving; the call may end first.
        waitFor("window.__seen['" + conversation + "'].lines.length >= 2"
                + " && document.querySelector('.live-call .meter-in').value > 0"
                + " || !document.querySelector('.live-call[data-call-id=\"" + conversation + "\"]')");
        byte[] screenshot = Base64.getDecoder().decode((String) devTools.page("Page.captureScreenshot",
                Map.of("format", "png")).get("data"));
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "dashboard-live-call.png"), screenshot);

        Map<String, Object> seen = (Map<String, Object>) devTools.evaluate(
                "({statuses: window.__seen['" + conversation + "'].statuses,"
                        + " lines: window.__seen['" + conversation + "'].lines})");
        assertThat((List<Object>) seen.get("statuses")).contains("ringing", "answered");
        assertThat((List<Object>) seen.get("lines")).first().asString()
                .isEqualTo("agent: Hello from the browser test");

        devTools.evaluate("""
                document.getElementById('phone').value = '+79990000002';
                document.getElementById('first-message').value = '';
                document.getElementById('dynamic-variables').value = '';
                document.getElementById('start-button').click(); true""");
        String ringing = (String) waitFor("Object.keys(window.__seen).find(id => id !== '" + conversation
                + "' && window.__seen[id].statuses.includes('ringing'))");
        devTools.evaluate("document.querySelector('.live-call[data-call-id=\"" + ringing + "\"] .hangup').click(); true");
        waitFor("!document.querySelector('.live-call[data-call-id=\"" + ringing + "\"]')");
        assertThat(waitFor("(document.querySelector('tr.recent-call[data-call-id=\"" + ringing
                + "\"] .status') || {}).textContent")).isEqualTo("canceled");

        // The finished call's details play its recording, fetched with the token into a blob URL.
        assertThat(waitFor("(document.querySelector('tr.recent-call[data-call-id=\"" + conversation
                + "\"] .status') || {}).textContent === 'completed'")).isEqualTo(true);
        devTools.evaluate("document.querySelector('tr.recent-call[data-call-id=\"" + conversation
                + "\"]').click(); true");
        waitFor("document.querySelector('#details-body .recording button')");
        devTools.evaluate("document.querySelector('#details-body .recording button').click(); true");
        assertThat(((Number) waitFor("(a => a && a.src.startsWith('blob:') && a.readyState >= 1 && a.duration)"
                + "(document.querySelector('#details-body .recording audio'))")).doubleValue())
                .as("seconds of the recording the page's player loaded").isGreaterThan(1);
        assertThat(devTools.evaluate("document.querySelector('#details-body .recording .offset').textContent"))
                .asString().as("the finished call's recording status").matches("complete, \\d+:\\d\\d");
        assertThat(devTools.evaluate("recordingPlayer({state: 'incomplete', interrupted: true, duration_s: 75.4,"
                + " url: '/api/calls/c_1/recording'}).querySelector('.offset').textContent"))
                .as("a recording the service's stop cut short").isEqualTo(
                        "incomplete, 1:15, cut short: the service stopped during the call");
        assertThat(devTools.evaluate("recordingPlayer({state: 'incomplete', dropped_ms: 240, duration_s: 9,"
                + " url: '/api/calls/c_2/recording'}).querySelector('.offset').textContent"))
                .as("a recording that lost audio").isEqualTo("incomplete, 0:09, 240 ms dropped");

        // The status bar reads /health every few seconds: the conversations above reached the agent.
        assertThat(waitFor("document.getElementById('status-agent').className === 'ok'"
                + " && document.getElementById('status-agent').textContent")).isEqualTo("agent: ok");

        assertThat(consoleErrors(afterLogin)).as("console errors after login").isEmpty();
    }

    /** Keeps, per call id, every status and transcript line its live card showed, however briefly. */
    private static void recordWhatTheLiveCardsShow() throws Exception {
        devTools.evaluate("""
                window.__seen = {};
                new MutationObserver(records => {
                  for (const record of records) {
                    for (const node of record.addedNodes) {
                      const target = node.nodeType === Node.TEXT_NODE ? record.target : node;
                      const card = target.closest && target.closest('.live-call');
                      if (!card) continue;
                      const seen = window.__seen[card.dataset.callId] ||= {statuses: [], lines: []};
                      if (target.classList.contains('status') && !seen.statuses.includes(target.textContent)) {
                        seen.statuses.push(target.textContent);
                      }
                      if (node.matches && node.matches('.transcript li')) seen.lines.push(node.textContent);
                    }
                  }
                }).observe(document.getElementById('live-calls'), {subtree: true, childList: true});
                true""");
    }

    private static void navigate(String url) throws Exception {
        var loaded = devTools.next("Page.loadEventFired");
        devTools.page("Page.navigate", Map.of("url", url));
        loaded.get(STEP.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Waits in the page until {@code expression} is truthy; returns its value. */
    private static Object waitFor(String expression) throws Exception {
        return devTools.evaluate("""
                new Promise((resolve, reject) => {
                  const deadline = Date.now() + %d;
                  const check = () => {
                    let value;
                    try { value = (%s); } catch (e) { value = undefined; }
                    if (value) resolve(value);
                    else if (Date.now() > deadline) reject(new Error('timed out waiting for: ' + %s));
                    else setTimeout(check, 25);
                  };
                  check();
                })""".formatted(STEP.toMillis(), expression, quoted(expression)));
    }

    private static String quoted(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", " ") + "'";
    }

    /** Console errors, uncaught exceptions and browser log errors (CSP violations among them) since event {@code from}. */
    @SuppressWarnings("unchecked")
    private static List<String> consoleErrors(int from) {
        List<String> errors = new ArrayList<>();
        List<DevTools.Event> events = devTools.events();
        for (DevTools.Event event : events.subList(from, events.size())) {
            Map<String, Object> p = event.params();
            switch (event.method()) {
                case "Runtime.exceptionThrown" -> errors.add("exception: " + p.get("exceptionDetails"));
                case "Runtime.consoleAPICalled" -> {
                    if ("error".equals(p.get("type")) || "assert".equals(p.get("type"))) {
                        errors.add("console." + p.get("type") + ": " + p.get("args"));
                    }
                }
                case "Log.entryAdded" -> {
                    Map<String, Object> entry = (Map<String, Object>) p.get("entry");
                    if ("error".equals(entry.get("level"))) {
                        errors.add(entry.get("source") + ": " + entry.get("text") + " " + entry.get("url"));
                    }
                }
                default -> { }
            }
        }
        return errors;
    }
}
