package it.comune.milano.suapgw.connectors.contract;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Values placed in the path or query of a peer's URL. */
public final class Uris {
    private Uris() {
    }

    /** A path segment or query value, percent-encoded (spaces as %20, never '+'). */
    public static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
