package io.voiceagent.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The RFC 4475 torture messages, transcribed from the RFC (section numbers and tags in each test):
 * valid ones parse with the meaning the RFC describes, invalid ones are rejected with a reason.
 */
class SipParserTortureTest {

    /** The 150-byte SDP body several RFC 4475 messages carry. */
    static final String SDP = msg("v=0", "o=mhandley 29739 7272939 IN IP4 192.0.2.3", "s=-", "c=IN IP4 192.0.2.4",
            "t=0 0", "m=audio 49217 RTP/AVP 0 12", "m=video 3227 RTP/AVP 31", "a=rtpmap:31 LPC") + "\r\n";

    static String msg(String... lines) {
        return String.join("\r\n", lines);
    }

    static SipMessage parse(String text) throws SipParseException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return SipParser.parse(bytes, bytes.length);
    }

    static SipMessage.Request request(String text) throws SipParseException {
        return (SipMessage.Request) parse(text);
    }

    static void assertRejected(String text) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(SipParseException.class);
    }

    @Test
    void sdpBodyIsTheRfcsOneHundredFiftyBytes() {
        assertThat(SDP.getBytes(StandardCharsets.UTF_8)).hasSize(150);
    }

    @Test
    void wsinvShortTortuousInvite() throws Exception { // 3.1.1.1
        SipMessage.Request r = request(msg(
                "INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0",
                "TO :",
                " sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n",
                "from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>",
                "  ;",
                "  tag = 98asjd8",
                "MaX-fOrWaRdS: 0068",
                "Call-ID: wsinv.ndaksdj@192.0.2.1",
                "Content-Length   : 150",
                "cseq: 0009",
                "  INVITE",
                "Via  : SIP  /   2.0",
                " /UDP",
                "    192.0.2.2;branch=390skdjuw",
                "s :",
                "NewFangledHeader:   newfangled value",
                " continued newfangled value",
                "UnknownHeaderWithUnusualValue: ;;,,;;,;",
                "Content-Type: application/sdp",
                "Route:",
                " <sip:services.example.com;lr;unknownwith=value;unknown-no-value>",
                "v:  SIP  / 2.0  / TCP     spindle.example.com   ;",
                "  branch  =   z9hG4bK9ikj8  ,",
                " SIP  /    2.0   / UDP  192.168.255.111   ; branch=",
                " z9hG4bK30239",
                "m:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =",
                "      newvalue ;",
                "  secondparam ; q = 0.33",
                "", SDP));
        assertThat(r.method()).isEqualTo("INVITE");
        assertThat(r.uri()).isEqualTo("sip:vivekg@chair-dnrc.example.com;unknownparam");
        SipAddress to = SipAddress.parse(r.header("To").orElseThrow()).orElseThrow();
        assertThat(to.uri()).isEqualTo("sip:vivekg@chair-dnrc.example.com");
        assertThat(to.tag()).contains("1918181833n");
        SipAddress from = SipAddress.parse(r.header("From").orElseThrow()).orElseThrow();
        assertThat(from.displayName()).isEqualTo("J Rosenberg \\\"");
        assertThat(from.tag()).contains("98asjd8");
        assertThat(r.cseq()).isEqualTo(new SipMessage.CSeq(9, "INVITE"));
        assertThat(r.headers().values("Via")).hasSize(3);
        Via top = r.topVia().orElseThrow();
        assertThat(top.transport()).isEqualTo("UDP");
        assertThat(top.host()).isEqualTo("192.0.2.2");
        assertThat(top.branch()).contains("390skdjuw");
        Via second = Via.parse(r.headers().values("Via").get(1)).orElseThrow();
        assertThat(second.transport()).isEqualTo("TCP");
        assertThat(second.host()).isEqualTo("spindle.example.com");
        assertThat(second.branch()).contains("z9hG4bK9ikj8");
        assertThat(Via.parse(r.headers().values("Via").get(2)).orElseThrow().branch()).contains("z9hG4bK30239");
        assertThat(r.header("Subject")).contains("");
        assertThat(r.header("NewFangledHeader")).contains("newfangled value continued newfangled value");
        SipAddress contact = SipAddress.parse(r.headers().values("Contact").get(0)).orElseThrow();
        assertThat(contact.uri()).isEqualTo("sip:jdrosen@example.com");
        assertThat(contact.params()).containsEntry("newparam", "newvalue").containsEntry("q", "0.33")
                .containsKey("secondparam");
        assertThat(r.body()).isEqualTo(SDP);
    }

    @Test
    void intmethWideRangeOfValidCharacters() throws Exception { // 3.1.1.2
        String method = "!interesting-Method0123456789_*+`.%indeed'~";
        String uri = "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"
                + "@example.com";
        SipMessage.Request r = request(msg(
                method + " " + uri + " SIP/2.0",
                "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~",
                "To: \"BEL:\\\u0007 NUL:\\\u0000 DEL:\\\u007F\" <sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>",
                "From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%="
                        + "\"\u0440\u0430\u0431\u043e\u0442\u0430\u044e\u0449\u0438\u0439\";tag=_token~1'+`*%!-.",
                "Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{",
                "CSeq: 139122385 " + method,
                "Max-Forwards: 255",
                "extensionHeader-!.%*+_`'~:\uFEFF\u5927\u505C\u96FB",
                "Content-Length: 0",
                "", ""));
        assertThat(r.method()).isEqualTo(method);
        assertThat(r.uri()).isEqualTo(uri);
        assertThat(SipAddress.parse(r.header("To").orElseThrow()).orElseThrow().displayName())
                .isEqualTo("BEL:\u0007 NUL:\u0000 DEL:\u007F");
        assertThat(SipAddress.parse(r.header("From").orElseThrow()).orElseThrow().tag()).contains("_token~1'+`*%!-.");
        assertThat(r.callId()).isEqualTo("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
        assertThat(r.header("extensionHeader-!.%*+_`'~")).contains("\uFEFF\u5927\u505C\u96FB");
    }

    @Test
    void esc01EscapedUriCharacters() throws Exception { // 3.1.1.3
        SipMessage.Request r = request(msg(
                "INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0",
                "To: sip:%75se%72@example.com",
                "From: <sip:I%20have%20spaces@example.net>;tag=938",
                "Max-Forwards: 87",
                "i: esc01.239409asdfakjkn23onasd0-3234",
                "CSeq: 234234 INVITE",
                "Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw",
                "C: application/sdp",
                "Contact:",
                "  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>",
                "Content-Length: 150",
                "", SDP));
        assertThat(r.callId()).isEqualTo("esc01.239409asdfakjkn23onasd0-3234");
        assertThat(r.header("Content-Type")).contains("application/sdp");
        assertThat(SipAddress.parse(r.header("From").orElseThrow()).orElseThrow().user()).isEqualTo("I%20have%20spaces");
    }

    @Test
    void escnullEscapedNullsInUris() throws Exception { // 3.1.1.4
        SipMessage.Request r = request(msg(
                "REGISTER sip:example.com SIP/2.0",
                "To: sip:null-%00-null@example.com",
                "From: sip:null-%00-null@example.com;tag=839923423",
                "Max-Forwards: 70",
                "Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd",
                "CSeq: 14398234 REGISTER",
                "Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw",
                "Contact: <sip:%00@host5.example.com>",
                "Contact: <sip:%00%00@host5.example.com>",
                "L:0",
                "", ""));
        assertThat(r.headers().values("Contact")).hasSize(2);
        assertThat(SipAddress.parse(r.header("From").orElseThrow()).orElseThrow().tag()).contains("839923423");
    }

    @Test
    void esc02UseOfPercentWhenItIsNotAnEscape() throws Exception { // 3.1.1.5
        SipMessage.Request r = request(msg(
                "RE%47IST%45R sip:registrar.example.com SIP/2.0",
                "To: \"%Z%45\" <sip:resource@example.com>",
                "From: \"%Z%45\" <sip:resource@example.com>;tag=f232jadfj23",
                "Call-ID: esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf",
                "Via: SIP/2.0/TCP host.example.com;rport;branch=z9hG4bK209kj2",
                "CSeq: 29344 RE%47IST%45R",
                "Max-Forwards: 70",
                "Contact: <sip:alias1@host1.example.com>",
                "C%6Fntact: <sip:alias2@host2.example.com>",
                "Contact: <sip:alias3@host3.example.com>",
                "l: 0",
                "", ""));
        // The method is not REGISTER and C%6Fntact is an unknown header, not Contact.
        assertThat(r.method()).isEqualTo("RE%47IST%45R");
        assertThat(r.headers().values("Contact")).hasSize(2);
        assertThat(SipAddress.parse(r.header("To").orElseThrow()).orElseThrow().displayName()).isEqualTo("%Z%45");
    }

    @Test
    void lwsdispNoSpaceBetweenDisplayNameAndBracket() throws Exception { // 3.1.1.6
        SipMessage.Request r = request(msg(
                "OPTIONS sip:user@example.com SIP/2.0",
                "To: sip:user@example.com",
                "From: caller<sip:caller@example.com>;tag=323",
                "Max-Forwards: 70",
                "Call-ID: lwsdisp.1234abcd@funky.example.com",
                "CSeq: 60 OPTIONS",
                "Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw",
                "l: 0",
                "", ""));
        SipAddress from = SipAddress.parse(r.header("From").orElseThrow()).orElseThrow();
        assertThat(from.displayName()).isEqualTo("caller");
        assertThat(from.uri()).isEqualTo("sip:caller@example.com");
        assertThat(from.tag()).contains("323");
    }

    @Test
    void longreqLongValuesInHeaderFields() throws Exception { // 3.1.1.7
        StringBuilder vias = new StringBuilder();
        String[] names = {"Via", "v", "V", "Via", "ViA", "VIa", "VIA", "via", "viA", "vIa", "vIA", "V ", "v ", "V  ",
            "v  ", "Via ", "Via  "};
        for (int i = 0; i < names.length; i++) {
            vias.append(names[i]).append(": SIP/2.0/TCP sip").append(33 - i).append(".example.com\r\n");
        }
        for (int i = 16; i >= 1; i--) {
            vias.append("Via: SIP/2.0/TCP sip").append(i).append(".example.com\r\n");
        }
        String text = msg(
                "INVITE sip:user@example.com SIP/2.0",
                "To: \"I have a user name of " + "extreme".repeat(10) + " proportion\"<sip:user@example.com:6000;"
                        + "unknownparam1=very" + "long".repeat(20) + "value;longparam" + "name".repeat(25)
                        + "=shortvalue;very" + "long".repeat(25) + "ParameterNameWithNoValue>",
                "F: sip:" + "amazinglylongcallername".repeat(5) + "@example.net;tag=12" + "982".repeat(50) + "424"
                        + ";unknownheaderparam" + "name".repeat(20) + "=unknowheaderparam" + "value".repeat(15)
                        + ";unknownValueless" + "paramname".repeat(10),
                "Call-ID: longreq.one" + "really".repeat(20) + "longcallid",
                "CSeq: 3882340 INVITE",
                "Unknown-" + "Long".repeat(20) + "-Name:unknown-" + "long".repeat(20) + "-value;unknown-"
                        + "long".repeat(20) + "-parameter-name =unknown-" + "long".repeat(20) + "-parameter-value")
                + "\r\n" + vias
                + msg("Via: SIP/2.0/TCP host.example.com;received=192.0.2.5;branch=very" + "long".repeat(50)
                        + "branchvalue",
                "Max-Forwards: 70",
                "Contact: <sip:" + "amazinglylongcallername".repeat(5) + "@host5.example.net>",
                "Content-Type: application/sdp",
                "l: 150",
                "", SDP);
        SipMessage.Request r = request(text);
        assertThat(r.headers().values("Via")).hasSize(34);
        assertThat(r.topVia().orElseThrow().host()).isEqualTo("sip33.example.com");
        assertThat(r.callId()).isEqualTo("longreq.one" + "really".repeat(20) + "longcallid");
        assertThat(SipAddress.parse(r.header("From").orElseThrow()).orElseThrow().tag())
                .contains("12" + "982".repeat(50) + "424");
    }

    @Test
    void dblreqOnlyTheFirstRequestOfADatagramCounts() throws Exception { // 3.1.1.8
        SipMessage.Request r = request(msg(
                "REGISTER sip:example.com SIP/2.0",
                "To: sip:j.user@example.com",
                "From: sip:j.user@example.com;tag=43251j3j324",
                "Max-Forwards: 8",
                "I: dblreq.0ha0isndaksdj99sdfafnl3lk233412",
                "Contact: sip:j.user@host.example.com",
                "CSeq: 8 REGISTER",
                "Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492",
                "Content-Length: 0",
                "",
                "INVITE sip:joe@example.com SIP/2.0",
                "t: sip:joe@example.com",
                "From: sip:caller@example.net;tag=141334",
                "Max-Forwards: 8",
                "Call-ID: dblreq.0ha0isnda977644900765@192.0.2.15",
                "CSeq: 8 INVITE",
                "Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw380234",
                "Content-Type: application/sdp",
                "Content-Length: 150",
                "", SDP));
        assertThat(r.method()).isEqualTo("REGISTER");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void semiuriSemicolonsInUserPart() throws Exception { // 3.1.1.9
        SipMessage.Request r = request(msg(
                "OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0",
                "To: sip:j_user@example.com",
                "From: sip:caller@example.org;tag=33242",
                "Max-Forwards: 3",
                "Call-ID: semiuri.0ha0isndaksdj",
                "CSeq: 8 OPTIONS",
                "Accept: application/sdp, application/pkcs7-mime,",
                "        multipart/mixed, multipart/signed,",
                "        message/sip, message/sipfrag",
                "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw",
                "l: 0",
                "", ""));
        assertThat(SipUri.parse(r.uri()).orElseThrow().user()).isEqualTo("user;par=u%40example.net");
        assertThat(r.headers().values("Accept")).hasSize(6);
    }

    @Test
    void transportsVariedTransportsInVia() throws Exception { // 3.1.1.10
        SipMessage.Request r = request(msg(
                "OPTIONS sip:user@example.com SIP/2.0",
                "To: sip:user@example.com",
                "From: <sip:caller@example.com>;tag=323",
                "Max-Forwards: 70",
                "Call-ID:  transports.kijh4akdnaqjkwendsasfdj",
                "Accept: application/sdp",
                "CSeq: 60 OPTIONS",
                "Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw",
                "Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf",
                "Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj",
                "Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en",
                "Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee",
                "l: 0",
                "", ""));
        assertThat(r.headers().values("Via")).extracting(v -> Via.parse(v).orElseThrow().transport())
                .containsExactly("UDP", "SCTP", "TLS", "UNKNOWN", "TCP");
    }

    @Test
    void unreasonUnusualReasonPhrase() throws Exception { // 3.1.1.12
        String reason = "= 2**3 * 5**2 \u043d\u043e \u0441\u0442\u043e \u0434\u0435\u0432\u044f\u043d\u043e\u0441\u0442"
                + "\u043e \u0434\u0435\u0432\u044f\u0442\u044c - \u043f\u0440\u043e\u0441\u0442\u043e\u0435";
        SipMessage.Response r = (SipMessage.Response) parse(msg(
                "SIP/2.0 200 " + reason,
                "Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923",
                "Call-ID: unreason.1234ksdfak3j2erwedfsASdf",
                "CSeq: 35 INVITE",
                "From: sip:user@example.com;tag=11141343",
                "To: sip:user@example.edu;tag=2229",
                "Content-Length: 154",
                "Content-Type: application/sdp",
                "Contact: <sip:user@host198.example.com>",
                "",
                "v=0",
                "o=mhandley 29739 7272939 IN IP4 192.0.2.198",
                "s=-",
                "c=IN IP4 192.0.2.198",
                "t=0 0",
                "m=audio 49217 RTP/AVP 0 12",
                "m=video 3227 RTP/AVP 31",
                "a=rtpmap:31 LPC", ""));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.reason()).isEqualTo(reason);
        assertThat(r.body()).hasSize(154);
    }

    @Test
    void noreasonEmptyReasonPhrase() throws Exception { // 3.1.1.13
        SipMessage.Response r = (SipMessage.Response) parse(msg(
                "SIP/2.0 100 ",
                "Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe",
                "Call-ID: noreason.asndj203insdf99223ndf",
                "CSeq: 35 INVITE",
                "From: <sip:user@example.com>;tag=39ansfi3",
                "To: <sip:user@example.edu>;tag=902jndnke3",
                "Content-Length: 0",
                "Contact: <sip:user@host105.example.com>",
                "", ""));
        assertThat(r.status()).isEqualTo(100);
        assertThat(r.reason()).isEmpty();
    }

    @Test
    void unksmUnknownRequestUriSchemeIsParsed() throws Exception { // 3.3.4 (parser part)
        SipMessage.Request r = request(msg(
                "OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0",
                "To: sip:user@example.com",
                "From: sip:caller@example.net;tag=384",
                "Max-Forwards: 3",
                "Call-ID: unkscm.nasdfasser0q239nwsdfasdkl34",
                "CSeq: 3923423 OPTIONS",
                "Via: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234",
                "Content-Length: 0",
                "", ""));
        assertThat(r.uri()).isEqualTo("nobodyKnowsThisScheme:totallyopaquecontent");
    }

    // ------------------------------------------------------------------ 3.1.2 invalid messages

    @Test
    void badinv01ExtraneousHeaderFieldSeparators() { // 3.1.2.1
        assertRejected(msg(
                "INVITE sip:user@example.com SIP/2.0",
                "To: sip:j.user@example.com",
                "From: sip:caller@example.net;tag=134161461246",
                "Max-Forwards: 7",
                "Call-ID: badinv01.0ha0isndaksdjasdf3234nas",
                "CSeq: 8 INVITE",
                "Via: SIP/2.0/UDP 192.0.2.15;;,;,,",
                "Contact: \"Joe\" <sip:joe@example.org>;;;;",
                "Content-Length: 152",
                "Content-Type: application/sdp",
                "", SDP + "\r\n\r\n"));
    }

    @Test
    void clerrContentLengthLargerThanMessage() { // 3.1.2.2
        assertRejected(msg(
                "INVITE sip:user@example.com SIP/2.0",
                "Max-Forwards: 80",
                "To: sip:j.user@example.com",
                "From: sip:caller@example.net;tag=93942939o2",
                "Contact: <sip:caller@hungry.example.net>",
                "Call-ID: clerr.0ha0isndaksdjweiafasdk3",
                "CSeq: 8 INVITE",
                "Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bK-39234-23523",
                "Content-Type: application/sdp",
                "Content-Length: 9999",
                "", SDP));
    }

    @Test
    void nclNegativeContentLength() { // 3.1.2.3
        assertRejected(msg(
                "INVITE sip:user@example.com SIP/2.0",
                "Max-Forwards: 254",
                "To: sip:j.user@example.com",
                "From: sip:caller@example.net;tag=32394234",
                "Call-ID: ncl.0ha0isndaksdj2193423r542w35",
                "CSeq: 0 INVITE",
                "Via: SIP/2.0/UDP 192.0.2.53;branch=z9hG4bKkdjuw",
                "Contact: <sip:caller@example53.example.net>",
                "Content-Type: application/sdp",
                "Content-Length: -999",
                "", SDP));
    }

    @Test
    void scalar02ScalarFieldsWithOverlargeValues() { // 3.1.2.4
        assertRejected(msg(
                "REGISTER sip:example.com SIP/2.0",
                "Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bK342sdfoi3",
                "To: <sip:user@example.com>",
                "From: <sip:user@example.com>;tag=239232jh3",
                "CSeq: 36893488147419103232 REGISTER",
                "Call-ID: scalar02.23o0pd9vanlq3wnrlnewofjas9ui32",
                "Max-Forwards: 300",
                "Expires: 1" + "0".repeat(100),
                "Contact: <sip:user@host129.example.com>",
                "  ;expires=280297596632815",
                "Content-Length: 0",
                "", ""));
    }

    @Test
    void scalarlgLargeValuesInResponse() { // 3.1.2.5
        assertRejected(msg(
                "SIP/2.0 503 Service Unavailable",
                "Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129",
                "To: <sip:user@example.com>",
                "From: <sip:other@example.net>;tag=2easdjfejw",
                "CSeq: 9292394834772304023312 OPTIONS",
                "Call-ID: scalarlg.noase0of0234hn2qofoaf0232aewf2394r",
                "Retry-After: 949302838503028349304023988",
                "Warning: 1812 overture \"In Progress\"",
                "Content-Length: 0",
                "", ""));
    }

    @Test
    void quotbalUnterminatedQuotedDisplayName() { // 3.1.2.6
        assertRejected(msg(
                "INVITE sip:user@example.com SIP/2.0",
                "To: \"Mr. J. User <sip:j.user@example.com>",
                "From: sip:caller@example.net;tag=93334",
                "Max-Forwards: 10",
                "Call-ID: quotbal.aksdj",
                "Contact: <sip:caller@host59.example.net>",
                "CSeq: 8 INVITE",
                "Via: SIP/2.0/UDP 192.0.2.59:5050;branch=z9hG4bKkdjuw39234",
                "Content-Type: application/sdp",
                "Content-Length: 150",
                "", SDP));
    }

    @Test
    void ltgtruriBracketsAroundRequestUri() { // 3.1.2.7
        assertRejected(msg(
                "INVITE <sip:user@example.com> SIP/2.0",
                "To: sip:user@example.com",
                "From: sip:caller@example.net;tag=39291",
                "Max-Forwards: 23",
                "Call-ID: ltgtruri.1@192.0.2.5",
                "CSeq: 1 INVITE",
                "Via: SIP/2.0/UDP 192.0.2.5",
                "Contact: <sip:caller@host5.example.net>",
                "Content-Type: application/sdp",
                "Content-Length: 150",
                "", SDP));
    }

    @Test
    void lwsruriWhitespaceInsideRequestUri() { // 3.1.2.8
        assertRejected(msg(
                "INVITE sip:user@example.com; lr SIP/2.0",
                "To: sip:user@example.com;tag=3xfe-9921883-z9f",
                "From: sip:caller@example.net;tag=231413434",
                "Max-Forwards: 5",
                "Call-ID: lwsruri.asdfasdoeoi2323-asdfwrn23-asd834rk423",
                "CSeq: 2130706432 INVITE",
                "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKkdjuw2395",
                "Contact: <sip:caller@host1.example.net>",
                "Content-Type: application/sdp",
                "Content-Length: 150",
                "", SDP));
    }

    @Test
    void lwsstartMultipleSpacesInRequestLine() { // 3.1.2.9
        assertRejected(msg(
                "INVITE  sip:user@example.com  SIP/2.0",
                "Max-Forwards: 8",
                "To: sip:user@example.com",
                "From: sip:caller@example.net;tag=8814",
                "Call-ID: lwsstart.dfknq234oi243099adsdfnawe3@example.com",
                "CSeq: 1893884 INVITE",
                "Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw3923",
                "Contact: <sip:caller@host1.example.net>",
                "Content-Type: application/sdp",
                "Content-Length: 150",
                "", SDP));
    }

    @Test
    void trwsTrailingSpacesAfterRequestLine() { // 3.1.2.10
        assertRejected(msg(
                "OPTIONS sip:remote-target@example.com SIP/2.0  ",
                "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK299342093",
                "To: <sip:remote-target@example.com>",
                "From: <sip:local-resource@example.com>;tag=329429089",
                "Call-ID: trws.oicu34958239neffasdhr2345r",
                "Accept: application/sdp",
                "CSeq: 238923 OPTIONS",
                "Max-Forwards: 70",
                "Content-Length: 0",
                "", ""));
    }

    @Test
    void escruriEscapedHeadersInRequestUri() { // 3.1.2.11
        assertRejected(msg(
                "INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0",
                "To: sip:user@example.com",
                "From: sip:caller@example.net;tag=341518",
                "Max-Forwards: 7",
                "Contact: <sip:caller@host39923.example.net>",
                "Call-ID: escruri.23940-asdfhj-aje3br-234q098",
                "CSeq: 149209342 INVITE",
                "Via: SIP/2.0/UDP host-of-the-hour.example.com;branch=z9hG4bKkdjuw",
                "Content-Type: application/sdp",
                "Content-Length: 150",
                "", SDP));
    }

    @Test
    void regbadctUnbracketedContactWithUriHeaders() { // 3.1.2.13
        assertRejected(msg(
                "REGISTER sip:example.com SIP/2.0",
                "To: sip:user@example.com",
                "From: sip:user@example.com;tag=998332",
                "Max-Forwards: 70",
                "Call-ID: regbadct.k345asrl3fdbv@10.0.0.1",
                "CSeq: 1 REGISTER",
                "Via: SIP/2.0/UDP 135.180.130.133:5060;branch=z9hG4bKkdjuw",
                "Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E",
                "l: 0",
                "", ""));
    }

    @Test
    void badaspecWhitespaceInsideAngleBrackets() { // 3.1.2.14
        assertRejected(msg(
                "OPTIONS sip:user@example.org SIP/2.0",
                "Via: SIP/2.0/UDP host4.example.com:5060;branch=z9hG4bKkdju43234",
                "Max-Forwards: 70",
                "From: \"Bell, Alexander\" <sip:a.g.bell@example.com>;tag=433423",
                "To: \"Watson, Thomas\" < sip:t.watson@example.org >",
                "Call-ID: badaspec.sdf0234n2nds0a099u23h3hnnw009cdkne3",
                "Accept: application/sdp",
                "CSeq: 3923239 OPTIONS",
                "l: 0",
                "", ""));
    }

    @Test
    void baddnUnquotedDisplayNameWithComma() { // 3.1.2.15
        assertRejected(msg(
                "OPTIONS sip:t.watson@example.org SIP/2.0",
                "Via:     SIP/2.0/UDP c.example.com:5060;branch=z9hG4bKkdjuw",
                "Max-Forwards:      70",
                "From:    Bell, Alexander <sip:a.g.bell@example.com>;tag=43",
                "To:      Watson, Thomas <sip:t.watson@example.org>",
                "Call-ID: baddn.31415@c.example.com",
                "Accept: application/sdp",
                "CSeq:    3923239 OPTIONS",
                "l: 0",
                "", ""));
    }

    @Test
    void badversUnknownProtocolVersion() { // 3.1.2.16
        assertRejected(msg(
                "OPTIONS sip:t.watson@example.org SIP/7.0",
                "Via:     SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw",
                "Max-Forwards:     70",
                "From:    A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe",
                "To:      T. Watson <sip:t.watson@example.org>",
                "Call-ID: badvers.31417@c.example.com",
                "CSeq:    1 OPTIONS",
                "l: 0",
                "", ""));
    }

    @Test
    void mismatch01CseqMethodDiffersFromRequest() { // 3.1.2.17
        assertRejected(msg(
                "OPTIONS sip:user@example.com SIP/2.0",
                "To: sip:j.user@example.com",
                "From: sip:caller@example.net;tag=34525",
                "Max-Forwards: 6",
                "Call-ID: mismatch01.dj0234sxdfl3",
                "CSeq: 8 INVITE",
                "Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw",
                "l: 0",
                "", ""));
    }

    @Test
    void mismatch02UnknownMethodWithCseqMismatch() { // 3.1.2.18
        assertRejected(msg(
                "NEWMETHOD sip:user@example.com SIP/2.0",
                "To: sip:j.user@example.com",
                "From: sip:caller@example.net;tag=34525",
                "Max-Forwards: 6",
                "Call-ID: mismatch02.dj0234sxdfl3",
                "CSeq: 8 INVITE",
                "Contact: <sip:caller@host.example.net>",
                "Via: SIP/2.0/UDP host.example.net;branch=z9hG4bKkdjuw",
                "Content-Type: application/sdp",
                "l: 138",
                "",
                "v=0",
                "o=mhandley 29739 7272939 IN IP4 192.0.2.1",
                "c=IN IP4 192.0.2.1",
                "m=audio 49217 RTP/AVP 0 12",
                "m=video 3227 RTP/AVP 31",
                "a=rtpmap:31 LPC", ""));
    }

    @Test
    void bigcodeOverlargeResponseCode() { // 3.1.2.19
        assertRejected(msg(
                "SIP/2.0 4294967301 better not break the receiver",
                "Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe",
                "Call-ID: bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i",
                "CSeq: 353494 INVITE",
                "From: <sip:user@example.com>;tag=39ansfi3",
                "To: <sip:user@example.edu>;tag=902jndnke3",
                "Content-Length: 0",
                "Contact: <sip:user@host105.example.com>",
                "", ""));
    }

    @Test
    void insufMissingRequiredHeaders() { // 3.3.1
        assertRejected(msg(
                "INVITE sip:user@example.com SIP/2.0",
                "CSeq: 193942 INVITE",
                "Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf",
                "Content-Type: application/sdp",
                "l: 152",
                "", SDP + "\r\n\r\n"));
    }

    @Test
    void parseableBadRequestKeepsItsHeadersForA400() {
        assertThatThrownBy(() -> parse(msg(
                "OPTIONS sip:user@example.com SIP/2.0",
                "To: sip:j.user@example.com",
                "From: sip:caller@example.net;tag=34525",
                "Max-Forwards: 6",
                "Call-ID: mismatch01.dj0234sxdfl3",
                "CSeq: 8 INVITE",
                "Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw",
                "l: 0",
                "", "")))
                .isInstanceOfSatisfying(SipParseException.class,
                        e -> assertThat(e.request()).hasValueSatisfying(r -> assertThat(r.callId())
                                .isEqualTo("mismatch01.dj0234sxdfl3")));
    }

    @Test
    void serializedMessageParsesBackToTheSameValue() throws Exception {
        SipMessage.Request original = new SipMessage.Request("INVITE", "sip:79161234567@sip.exolve.ru",
                SipHeaders.empty().with("Via", Via.ours("10.0.0.1", 5070, "z9hG4bKabc"))
                        .with("From", "<sip:user@sip.exolve.ru>;tag=1").with("To", "<sip:79161234567@sip.exolve.ru>")
                        .with("Call-ID", "x@y").with("CSeq", "1 INVITE").with("Content-Type", "application/sdp"),
                SessionDescription.offer("10.0.0.1", 4000, 1).format());
        byte[] wire = original.encode();
        SipMessage back = SipParser.parse(wire, wire.length);
        assertThat(back).isInstanceOf(SipMessage.Request.class);
        assertThat(((SipMessage.Request) back).body()).isEqualTo(original.body());
        assertThat(back.header("Content-Length")).contains(Integer.toString(original.body().length()));
        assertThat(back.topVia().orElseThrow().rport()).isEmpty();
        assertThat(back.topVia().orElseThrow().params()).containsKey("rport");
    }
}
