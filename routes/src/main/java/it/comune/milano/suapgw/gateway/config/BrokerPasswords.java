package it.comune.milano.suapgw.gateway.config;

import org.apache.activemq.artemis.utils.DefaultSensitiveStringCodec;
import org.apache.activemq.artemis.utils.PasswordMaskingUtil;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The broker keeps its users' passwords only as salted one-way hashes ({@code ENC(iterations:salt:hash)}, PBKDF2, the
 * format of Artemis' {@code artemis mask --hash}): the gateway never needs an ente's password, so outside the demo its
 * configuration holds the hash alone. {@code main} prints the hash of a password read from standard input.
 */
public final class BrokerPasswords {
    private BrokerPasswords() {
    }

    public static boolean isHashed(String password) {
        return password != null && PasswordMaskingUtil.isEncMasked(password);
    }

    /** What the broker stores for this configured password: the hash given, or the hash of the plain password. */
    public static String stored(String configured) {
        if (isHashed(configured)) return configured;
        try {
            return PasswordMaskingUtil.wrap(codec().encode(configured));
        } catch (Exception e) {
            throw new IllegalStateException("cannot hash a broker password", e);
        }
    }

    private static DefaultSensitiveStringCodec codec() {
        return PasswordMaskingUtil.getDefaultCodec(Map.of("algorithm", "one-way"));
    }

    /** {@code echo -n 'password' | java -cp suap-gateway.jar -Dloader.main=...BrokerPasswords org.springframework.boot.loader.launch.PropertiesLauncher} */
    public static void main(String[] args) throws Exception {
        String password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (password == null || password.isBlank()) {
            System.err.println("usage: the password on standard input");
            System.exit(2);
        }
        System.out.println(stored(password));
    }
}
