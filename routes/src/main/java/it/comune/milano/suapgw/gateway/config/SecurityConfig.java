package it.comune.milano.suapgw.gateway.config;

import it.comune.milano.suapgw.gateway.security.TrustedHeaders;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

import static org.springframework.security.web.util.matcher.AntPathRequestMatcher.antMatcher;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Who may call what (docs/security.md has the whole access matrix):
 * <ul>
 *   <li>{@code /ssu/**}: the SSU e-services, ModI and PDND (ModiInboundFilter), answered in the SSU error format;</li>
 *   <li>{@code /api/**} and {@code /actuator/**}: operators with an access token of the Comune's identity provider
 *   (OIDC resource server; in the embedded demo, tokens signed by the demo key), roles in the {@code roles} claim:
 *   {@code operatore} reads, {@code funzionario} decides, {@code amministratore} sees raw payloads and replays; only
 *   bearer tokens, no cookie and no session, so no cross-site request can carry a credential (CSRF);</li>
 *   <li>{@code /api/documenti/**}: signed, expiring, recipient-bound links, checked by the route;</li>
 *   <li>{@code /services/**} and {@code /geopost/**}: systems authenticated by the signatures of their messages
 *   (MessageSignatures), checked before the routes;</li>
 *   <li>liveness, readiness and info are public, without details; anything else is refused.</li>
 * </ul>
 */
@Configuration
public class SecurityConfig {
    public static final String OPERATORE = "operatore";
    public static final String FUNZIONARIO = "funzionario";
    public static final String AMMINISTRATORE = "amministratore";

    /** the secrets are checked first: no endpoint is secured with a demo or blank secret */
    public SecurityConfig(SecretsGuard secrets) {
    }

    /**
     * No observation per security filter: the request's own span (HTTP server observation) stays, but wrapping each of
     * the chain's filters in observations of their own took ~5% of the gateway's CPU in the bench's end-to-end profile.
     */
    @Bean
    static org.springframework.security.config.observation.SecurityObservationSettings securityObservationSettings() {
        return org.springframework.security.config.observation.SecurityObservationSettings.noObservations();
    }

    @Bean
    @Order(1)
    public SecurityFilterChain ssuEservices(HttpSecurity http) throws Exception {
        stateless(http.securityMatcher("/ssu/**")).authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return http.build();
    }

    @Bean
    @Order(2)
    public SecurityFilterChain operators(HttpSecurity http, @Value("${suapgw.security.roles-claim:roles}") String rolesClaim)
            throws Exception {
        stateless(http.securityMatcher("/api/**", "/actuator/**"))
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.GET, "/api/documenti/**").permitAll()
                        .requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
                                "/actuator/info").permitAll()
                        .requestMatchers("/actuator/**").hasRole(AMMINISTRATORE)
                        .requestMatchers("/api/funzionario/**").hasRole(FUNZIONARIO)
                        .requestMatchers("/api/dead-letters/**", "/api/quarantine/**").hasRole(AMMINISTRATORE)
                        // the contact centre records contacts: any operator role
                        .requestMatchers("/api/contatti", "/api/contatti/**").hasAnyRole(OPERATORE, FUNZIONARIO, AMMINISTRATORE)
                        .requestMatchers(HttpMethod.GET, "/api/**").hasAnyRole(OPERATORE, FUNZIONARIO, AMMINISTRATORE)
                        .anyRequest().hasRole(AMMINISTRATORE))
                .oauth2ResourceServer(o -> o.jwt(j -> j.jwtAuthenticationConverter(operator(rolesClaim))))
                .addFilterAfter(new OperatorHeaders(), AuthorizationFilter.class);
        return http.build();
    }

    /** SOAP and GEOPOST: their messages are signed, checked by MessageSignatures in front of the routes. */
    @Bean
    @Order(3)
    public SecurityFilterChain systems(HttpSecurity http) throws Exception {
        // the CXF servlet is not Spring MVC's: its paths are matched as plain paths
        stateless(http.securityMatcher(new OrRequestMatcher(antMatcher("/services/**"), antMatcher("/geopost/**"))))
                .authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return http.build();
    }

    @Bean
    @Order(4)
    public SecurityFilterChain everythingElse(HttpSecurity http) throws Exception {
        stateless(http).authorizeHttpRequests(a -> a.requestMatchers("/error").permitAll().anyRequest().denyAll());
        return http.build();
    }

    /**
     * A request the HTTP firewall refuses (encoded slashes, dots, NUL, ';' in the path...) is answered in its
     * surface's format, never echoing the path: on /ssu the SSU error, signed like every answer of our e-services;
     * elsewhere a problem detail.
     */
    @Bean
    public org.springframework.security.web.firewall.RequestRejectedHandler requestRejectedHandler(
            org.springframework.beans.factory.ObjectProvider<it.comune.milano.suapgw.gateway.security.modi.ModiService> modiService,
            it.comune.milano.suapgw.gateway.security.modi.ModiProperties modiProps) {
        return (request, response, e) -> {
            response.setStatus(400);
            String uri = request.getRequestURI();
            if (uri.startsWith("/ssu/")) {
                byte[] body = ("{\"code\":\"ERROR_400_001\",\"message\":\"incorrect request input\","
                        + "\"detail\":\"request path refused\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                String eservice = uri.startsWith("/ssu/et/") ? "bo_to_et" : uri.startsWith("/ssu/ri/") ? "bo_to_ri" : "bo_to_fo";
                String audience = modiProps.audiences() == null ? null : modiProps.audiences().get(eservice);
                var modi = modiService.getIfAvailable();
                response.setContentType("application/json");
                if (audience != null && modi != null) {
                    String digest = it.comune.milano.suapgw.gateway.security.modi.ModiService.digest(body);
                    response.setHeader("Digest", digest);
                    response.setHeader("Agid-JWT-Signature", modi.sign(audience, digest, "application/json"));
                }
                response.getOutputStream().write(body);
            } else {
                response.setContentType("application/problem+json");
                response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,"
                        + "\"detail\":\"request path refused\"}");
            }
        };
    }

    private static HttpSecurity stateless(HttpSecurity http) throws Exception {
        return http.csrf(c -> c.disable()).sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable()).formLogin(f -> f.disable());
    }

    /** The operator: {@code preferred_username} (else {@code sub}), roles from {@code rolesClaim} as ROLE_x. */
    static Converter<Jwt, AbstractAuthenticationToken> operator(String rolesClaim) {
        return jwt -> {
            Object claim = jwt.getClaims().get(rolesClaim);
            List<GrantedAuthority> roles = claim instanceof Collection<?> c
                    ? c.stream().map(r -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + r)).toList() : List.of();
            String name = jwt.getClaimAsString("preferred_username");
            return new JwtAuthenticationToken(jwt, roles, name == null || name.isBlank() ? jwt.getSubject() : name);
        };
    }

    /** The authenticated operator and roles, for the routes (TrustedHeaders). */
    static final class OperatorHeaders extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Authentication auth = SecurityContextHolder.getContext().getAuthentication();
            Map<String, String> trusted = new HashMap<>();
            if (auth instanceof JwtAuthenticationToken jwt) {
                trusted.put(TrustedHeaders.OPERATOR, jwt.getName());
                trusted.put(TrustedHeaders.ROLES, jwt.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                        .filter(a -> a.startsWith("ROLE_")).map(a -> a.substring(5)).collect(Collectors.joining(",")));
            }
            chain.doFilter(TrustedHeaders.wrap(request, trusted), response);
        }
    }
}
