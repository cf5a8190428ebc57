package it.comune.milano.suapgw.gateway.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import java.util.List;

/**
 * The funzionario API (/api/funzionario/**) needs a user with role FUNZIONARIO (HTTP Basic, stateless). The
 * system-to-system endpoints keep their own contracts' security (SSU hook, broker users, SOAP) and are not touched.
 */
@Configuration
public class SecurityConfig {
    public static final String FUNZIONARIO = "FUNZIONARIO";

    /**
     * The SSU e-services authenticate their callers themselves, answering in the SSU error format (the intake's
     * SsuInboundSecurity, SsuClientAuthentication for bo_to_et and bo_to_ri): Spring Security must not interpret
     * their Authorization header.
     */
    @Bean
    @org.springframework.core.annotation.Order(1)
    public SecurityFilterChain ssuEservices(HttpSecurity http) throws Exception {
        http.securityMatcher("/ssu/**")
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return http.build();
    }

    @Bean
    @org.springframework.core.annotation.Order(2)
    public SecurityFilterChain filterChain(HttpSecurity http) throws Exception {
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/api/funzionario/**").hasRole(FUNZIONARIO)
                        .anyRequest().permitAll())
                .httpBasic(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    public PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    public InMemoryUserDetailsManager funzionari(GatewayProperties props) {
        List<UserDetails> users = props.funzionari().stream()
                .map(f -> User.withUsername(f.username()).password(f.password()).roles(FUNZIONARIO).build())
                .toList();
        return new InMemoryUserDetailsManager(users);
    }
}
