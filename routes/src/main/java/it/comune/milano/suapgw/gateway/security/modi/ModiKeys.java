package it.comune.milano.suapgw.gateway.security.modi;

import com.nimbusds.jose.jwk.RSAKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * RSA keys from PEM files. Our signing key is re-read when its file changes, so a rotated key (new file, new kid) is in
 * use without a restart.
 */
public final class ModiKeys {
    private final Path file;
    private final String kid;
    private volatile RSAKey key;
    private volatile FileTime loadedAt;

    public ModiKeys(Path file, String kid) {
        this.file = file;
        this.kid = kid;
        current();
    }

    /** Our key pair, reloaded if the file changed since. */
    public RSAKey current() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (key == null || !modified.equals(loadedAt)) {
                synchronized (this) {
                    if (key == null || !modified.equals(loadedAt)) {
                        key = privateKey(Files.readString(file, StandardCharsets.US_ASCII), kid);
                        loadedAt = modified;
                    }
                }
            }
            return key;
        } catch (IOException e) {
            if (key != null) return key; // keep signing with the key in hand while the file is being replaced
            throw new IllegalStateException("cannot read the ModI key " + file + ": " + e.getMessage(), e);
        }
    }

    /** A PKCS#8 {@code PRIVATE KEY} PEM as a JWK with its public half. */
    public static RSAKey privateKey(String pem, String kid) {
        try {
            byte[] der = der(pem, "PRIVATE KEY");
            RSAPrivateCrtKey priv = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            RSAPublicKey pub = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(priv.getModulus(), priv.getPublicExponent()));
            return new RSAKey.Builder(pub).privateKey(priv).keyID(kid).build();
        } catch (java.security.GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not a PKCS#8 RSA private key: " + e.getMessage(), e);
        }
    }

    /** An X.509 {@code PUBLIC KEY} PEM as a JWK. */
    public static RSAKey publicKey(String pem, String kid) {
        try {
            RSAPublicKey pub = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY")));
            return new RSAKey.Builder(pub).keyID(kid).build();
        } catch (java.security.GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not an RSA public key: " + e.getMessage(), e);
        }
    }

    private static byte[] der(String pem, String type) {
        String begin = "-----BEGIN " + type + "-----", end = "-----END " + type + "-----";
        int b = pem.indexOf(begin), e = pem.indexOf(end);
        if (b < 0 || e < b) throw new IllegalArgumentException("no " + type + " in the PEM");
        return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
    }
}
