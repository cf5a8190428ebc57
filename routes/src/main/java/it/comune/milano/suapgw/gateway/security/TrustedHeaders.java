package it.comune.milano.suapgw.gateway.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The identities the routes see, as HTTP headers that only our filters set: whatever a request says in these headers
 * itself is dropped. Camel's platform-http copies the request's headers into the exchange, so a route reads the
 * authenticated caller like any header — and can never read a forged one.
 */
public final class TrustedHeaders {
    /** the SSU caller's client_id (ModI) */
    public static final String SSU_CLIENT = "SuapGw-Ssu-Client";
    /** the operator's user name (OIDC) */
    public static final String OPERATOR = "SuapGw-Operator";
    /** the operator's roles, comma-separated (operatore, funzionario, amministratore) */
    public static final String ROLES = "SuapGw-Roles";
    static final Set<String> ALL = Set.of(SSU_CLIENT.toLowerCase(), OPERATOR.toLowerCase(), ROLES.toLowerCase());

    private TrustedHeaders() {
    }

    /** The request with these trusted headers (null values: absent) and none of the others. */
    public static HttpServletRequest wrap(HttpServletRequest request, Map<String, String> trusted) {
        return new Request(request, trusted);
    }

    /** Whether the comma-separated {@link #ROLES} value contains one of {@code roles}. */
    public static boolean hasAnyRole(String rolesHeader, String... roles) {
        if (rolesHeader == null) return false;
        Set<String> held = Set.of(rolesHeader.split(","));
        for (String r : roles) if (held.contains(r)) return true;
        return false;
    }

    public static class Request extends HttpServletRequestWrapper {
        private final Map<String, String> trusted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

        public Request(HttpServletRequest request, Map<String, String> trusted) {
            super(request);
            trusted.forEach((k, v) -> {
                if (v != null) this.trusted.put(k, v);
            });
        }

        private static boolean reserved(String name) {
            return name != null && ALL.contains(name.toLowerCase());
        }

        @Override
        public String getHeader(String name) {
            return reserved(name) ? trusted.get(name) : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            if (!reserved(name)) return super.getHeaders(name);
            String v = trusted.get(name);
            return v == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(v));
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames()).stream().filter(n -> !reserved(n))
                    .collect(Collectors.toList());
            names.addAll(trusted.keySet());
            return Collections.enumeration(names);
        }
    }
}
