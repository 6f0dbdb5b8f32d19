package io.voiceagent.webhooks;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

/** Sends one signed POST and returns the receiver's HTTP status; an I/O failure or timeout throws. */
public interface WebhookSender {
    int post(URI url, Map<String, String> headers, byte[] body) throws IOException, InterruptedException;
}
