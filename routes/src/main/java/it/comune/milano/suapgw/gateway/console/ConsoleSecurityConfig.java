package it.comune.milano.suapgw.gateway.console;

import it.comune.milano.suapgw.gateway.config.SecurityConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.authority.mapping.GrantedAuthoritiesMapper;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;
import org.springframework.security.web.SecurityFilterChain;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The console's own filter chain: a browser session after an OIDC login (authorization code with PKCE) at the Comune's
 * identity provider, the roles from the ID token's {@code roles} claim, the same roles as the API. Sessions carry a CSRF
 * token on every change (forms and htmx). Without a configured client the console refuses everyone.
 */
@Configuration
public class ConsoleSecurityConfig {
    public static final String REGISTRATION = "comune";

    @Bean
    @Order(0)
    public SecurityFilterChain console(HttpSecurity http, ObjectProvider<ClientRegistrationRepository> clients,
                                       @Value("${suapgw.security.roles-claim:roles}") String rolesClaim) throws Exception {
        http.securityMatcher("/console", "/console/**", "/oauth2/**", "/login/oauth2/**")
                .headers(h -> h
                        .contentSecurityPolicy(c -> c.policyDirectives("default-src 'self'; img-src 'self' data:; "
                                + "style-src 'self' 'unsafe-inline'; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
                                + "frame-ancestors 'none'"))
                        .frameOptions(f -> f.deny()));
        ClientRegistrationRepository repository = clients.getIfAvailable();
        if (repository == null) {
            http.authorizeHttpRequests(a -> a.anyRequest().denyAll());
            return http.build();
        }
        DefaultOAuth2AuthorizationRequestResolver resolver =
                new DefaultOAuth2AuthorizationRequestResolver(repository, "/oauth2/authorization");
        resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        OidcClientInitiatedLogoutSuccessHandler logout = new OidcClientInitiatedLogoutSuccessHandler(repository);
        logout.setPostLogoutRedirectUri("{baseUrl}/console");
        http.authorizeHttpRequests(a -> a
                        .requestMatchers("/console/vendor/**", "/console/assets/**").permitAll()
                        .requestMatchers("/console/operazioni/**").hasRole(SecurityConfig.AMMINISTRATORE)
                        .requestMatchers("/console/funzionario/**").hasRole(SecurityConfig.FUNZIONARIO)
                        .anyRequest().hasAnyRole(SecurityConfig.OPERATORE, SecurityConfig.FUNZIONARIO, SecurityConfig.AMMINISTRATORE))
                .oauth2Login(o -> o
                        .loginPage("/oauth2/authorization/" + REGISTRATION)
                        .authorizationEndpoint(ae -> ae.authorizationRequestResolver(resolver))
                        .userInfoEndpoint(u -> u.userAuthoritiesMapper(roles(rolesClaim)))
                        .defaultSuccessUrl("/console", false))
                .logout(l -> l.logoutUrl("/console/logout").logoutSuccessHandler(logout));
        return http.build();
    }

    /** ROLE_x for each of the ID token's roles; nothing else grants access. */
    static GrantedAuthoritiesMapper roles(String claim) {
        return (Collection<? extends GrantedAuthority> authorities) -> {
            Set<GrantedAuthority> out = new HashSet<>();
            for (GrantedAuthority a : authorities) {
                if (a instanceof OidcUserAuthority oidc) {
                    Object roles = oidc.getIdToken().getClaims().get(claim);
                    if (roles instanceof List<?> list) {
                        list.forEach(r -> out.add(new SimpleGrantedAuthority("ROLE_" + r)));
                    }
                }
            }
            return out;
        };
    }
}
