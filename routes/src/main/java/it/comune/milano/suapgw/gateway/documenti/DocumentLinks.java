package it.comune.milano.suapgw.gateway.documenti;

import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Where Geowork and the enti download a document (claim check): a link to the gateway's document API that names its
 * recipient and its expiry and is signed (HMAC-SHA256 with {@code suapgw.documents.link-secret}): it opens that
 * document only, only until then, and can be traced to whom it was given. A bare hash opens nothing.
 */
@Component
public class DocumentLinks {
    private final GatewayProperties props;
    private final byte[] secret;
    private final Duration ttl;

    public DocumentLinks(GatewayProperties props, @Value("${suapgw.documents.link-secret:}") String secret,
                         @Value("${suapgw.documents.link-ttl:P90D}") Duration ttl) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalStateException("suapgw.documents.link-secret must be set (16 characters at least)");
        }
        this.props = props;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.ttl = ttl;
    }

    /** A link to the document for {@code recipient} (an ente's code, {@code geowork}, {@code operatore}). */
    public String downloadUrl(String sha256, String recipient) {
        long expires = Instant.now().plus(ttl).getEpochSecond();
        return props.publicBaseUrl() + DocumentDownloadRoute.PATH + "/" + sha256 + "?per=" + URLEncoder.encode(recipient, StandardCharsets.UTF_8)
                + "&scade=" + expires + "&firma=" + sign(sha256, recipient, expires);
    }

    /** Whether the link's signature is ours and it has not expired. */
    public boolean valid(String sha256, String recipient, String expires, String signature) {
        if (recipient == null || expires == null || signature == null) return false;
        long exp;
        try {
            exp = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Instant.now().getEpochSecond() > exp) return false;
        return MessageDigest.isEqual(sign(sha256, recipient, exp).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    private String sign(String sha256, String recipient, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] h = mac.doFinal((sha256 + "\n" + recipient + "\n" + expires).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(h);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
