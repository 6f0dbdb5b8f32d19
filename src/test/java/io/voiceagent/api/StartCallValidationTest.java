package io.voiceagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.voiceagent.api.ApiHarness.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StartCallValidationTest {
    private ApiHarness api;

    @BeforeEach
    void open() throws Exception {
        api = ApiHarness.open();
    }

    @AfterEach
    void close() {
        api.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "+79990001122        | 79990001122",
            "79990001122         | 79990001122",
            "+7 999 000-11-22    | 79990001122",
            "+7 (999) 000 11 22  | 79990001122",
            "8 (999) 000-11-22   | 79990001122",
            "8 999 000 11 22     | 79990001122",
            "0079990001122       | 79990001122",
            "00 49 30 1234567    | 49301234567",
            "89990001122         | 79990001122",
            "+89990001122        | 89990001122",
            "+1-212-555-0100     | 12125550100",
            "+49 30 1234567      | 49301234567",
            "'  +79990001122  '  | 79990001122",
            "123456789012345     | 123456789012345"})
    void phoneNumbersAreNormalisedToE164Digits(String typed, String digits) {
        Reply reply = api.post("/api/calls/start", "{\"phone_number\":\"" + typed + "\"}");
        assertThat(reply.status()).isEqualTo(201);
        assertThat(reply.json()).containsEntry("phone_number", digits);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "+", "1234567", "1234567890123456", "++79990001122", "7999000112a",
            "79990001122+", "tel:79990001122", "+7 999 000 11 22 ext 5", "+7/999/0001122", "+079990001122",
            "00799900011220000000", "000079990001122", "0 999 000 11 22"})
    void badPhoneNumbersAre400NamingTheField(String typed) {
        Reply reply = api.post("/api/calls/start", "{\"phone_number\":\"" + typed + "\"}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo("bad_request");
        assertThat(reply.message()).startsWith("phone_number:");
        assertThat(api.calls.startRequests).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                                                         | phone_number:",
            "{\"phone_number\":79990001122}                             | phone_number:",
            "{\"phone_number\":null}                                    | phone_number:",
            "{\"phone_number\":\"+79990001122\",\"first_message\":5}     | first_message:",
            "{\"phone_number\":\"+79990001122\",\"first_message\":\" \"} | first_message:",
            "{\"phone_number\":\"+79990001122\",\"prompt\":[\"a\"]}      | prompt:",
            "{\"phone_number\":\"+79990001122\",\"language\":\"english\"}| language:",
            "{\"phone_number\":\"+79990001122\",\"language\":\"e\"}      | language:",
            "{\"phone_number\":\"+79990001122\",\"language\":\"pt_BR\"}  | language:",
            "{\"phone_number\":\"+79990001122\",\"dynamic_variables\":[]}             | dynamic_variables:",
            "{\"phone_number\":\"+79990001122\",\"dynamic_variables\":{\"a\":{\"b\":1}}} | dynamic_variables.a:",
            "{\"phone_number\":\"+79990001122\",\"dynamic_variables\":{\"a\":null}}     | dynamic_variables.a:",
            "{\"phone_number\":\"+79990001122\",\"dynamic_variables\":{\"a\":[1]}}      | dynamic_variables.a:",
            "{\"phone_number\":\"+79990001122\",\"metadata\":\"crm\"}     | metadata:",
            "{\"phone_number\":\"+79990001122\",\"firstMessage\":\"Hi\"}  | unknown field 'firstMessage'"})
    void badFieldsAre400NamingTheField(String body, String messageStart) {
        Reply reply = api.post("/api/calls/start", body);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo("bad_request");
        assertThat(reply.message()).startsWith(messageStart);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"phone_number\":}", "[\"+79990001122\"]", "\"+79990001122\"", "null",
            "{\"phone_number\":\"+79990001122\"} trailing", "{'phone_number':'+79990001122'}", "\u00ff\u00fe"})
    void malformedOrNonObjectJsonIs400(String body) {
        Reply reply = api.post("/api/calls/start", body);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo("bad_request");
        assertThat(reply.body()).doesNotContain("at com.").doesNotContain("Exception");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5000})
    void emptyOrDeeplyNestedBodiesAre400(int depth) {
        String body = "[".repeat(depth) + "]".repeat(depth);
        Reply reply = api.post("/api/calls/start", body);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo("bad_request");
    }
}
