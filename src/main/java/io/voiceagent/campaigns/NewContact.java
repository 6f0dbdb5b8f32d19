package io.voiceagent.campaigns;

import io.voiceagent.call.StartCallRequest;
import java.util.Objects;

/**
 * One contact of a new campaign, validated by the API as a call start would be.
 *
 * @param line where it was in the input: the CSV line, or the position in the JSON {@code contacts} from 1
 */
public record NewContact(int line, StartCallRequest request) {
    public NewContact {
        Objects.requireNonNull(request, "request");
    }
}
