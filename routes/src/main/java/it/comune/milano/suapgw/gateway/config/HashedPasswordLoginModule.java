package it.comune.milano.suapgw.gateway.config;

import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.User;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import java.security.Principal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The embedded broker's users, checked against the salted hashes it keeps ({@link BrokerPasswords}): Artemis'
 * {@link InVMLoginModule} compares stored passwords as plain text, {@link User#isValid} understands {@code ENC(...)}.
 */
public class HashedPasswordLoginModule implements LoginModule {
    private Subject subject;
    private CallbackHandler callbacks;
    private SecurityConfiguration users;
    private String user;
    private final Set<Principal> principals = new HashSet<>();

    @Override
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState, Map<String, ?> options) {
        this.subject = subject;
        this.callbacks = callbackHandler;
        this.users = (SecurityConfiguration) options.get(InVMLoginModule.CONFIG_PROP_NAME);
    }

    @Override
    public boolean login() throws LoginException {
        NameCallback name = new NameCallback("Username: ");
        PasswordCallback password = new PasswordCallback("Password: ", false);
        try {
            callbacks.handle(new Callback[]{name, password});
        } catch (Exception e) {
            throw new LoginException("cannot read the credentials: " + e.getMessage());
        }
        String candidate = name.getName();
        char[] secret = password.getPassword();
        User stored = candidate == null ? null : users.getUser(candidate);
        if (stored == null || secret == null || !stored.isValid(candidate, new String(secret))) {
            throw new FailedLoginException("invalid user or password");
        }
        user = candidate;
        return true;
    }

    @Override
    public boolean commit() {
        if (user == null) return false;
        principals.add(new UserPrincipal(user));
        List<String> roles = users.getRole(user);
        if (roles != null) roles.forEach(r -> principals.add(new RolePrincipal(r)));
        subject.getPrincipals().addAll(principals);
        return true;
    }

    @Override
    public boolean abort() {
        clear();
        return true;
    }

    @Override
    public boolean logout() {
        subject.getPrincipals().removeAll(principals);
        clear();
        return true;
    }

    private void clear() {
        principals.clear();
        user = null;
    }
}
