package it.comune.milano.suapgw.gateway.flows;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

final class OutboundHttp {
    /** exchange property holding the URL of an outbound HTTP call (a property, so it never becomes an HTTP header) */
    static final String URL = "suapgwUrl";

    private OutboundHttp() {
    }

    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
