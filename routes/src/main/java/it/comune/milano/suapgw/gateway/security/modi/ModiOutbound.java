package it.comune.milano.suapgw.gateway.security.modi;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;

/**
 * ModI on the calls we make to the SSU's components: each request carries our voucher for the provider's e-service and
 * our Agid-JWT-Signature over its body; each response must carry the provider's valid signature, else it is not trusted
 * and the call fails (to be retried).
 */
@Component
public class ModiOutbound {
    private final ModiService modi;
    private final PdndVouchers vouchers;
    private final ModiProperties props;

    public ModiOutbound(ModiService modi, PdndVouchers vouchers, ModiProperties props) {
        this.modi = modi;
        this.vouchers = vouchers;
        this.props = props;
    }

    /** Signs the prepared outbound request (after OutboundHttp) for the provider with this client id. */
    public void sign(Exchange e, String provider) throws java.io.IOException {
        ModiProperties.Peer peer = peer(provider);
        String body = e.getMessage().getBody(String.class);
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String digest = ModiService.digest(bytes);
        String contentType = digest == null ? null : e.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        e.getMessage().setHeader("Authorization", "Bearer " + vouchers.voucher(peer.purposeId()));
        if (digest != null) e.getMessage().setHeader("Digest", digest);
        e.getMessage().setHeader("Agid-JWT-Signature", modi.sign(peer.audience(), digest, contentType));
    }

    /** Checks the provider's signature of the response just received (the body read as a String). */
    public void verifyResponse(Exchange e, String provider) {
        String body = e.getMessage().getBody(String.class);
        modi.verifyResponseSignature(provider, e.getMessage().getHeader("Agid-JWT-Signature", String.class),
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8),
                e.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class), e.getMessage().getHeader("Digest", String.class));
    }

    /**
     * The same, for a body read as it streamed: {@code bodyDigest} is its {@code SHA-256=...} (null if empty), the
     * signature's freshness judged at {@code receivedAt} (a large body may take longer than the signature lives).
     */
    public void verifyResponse(Exchange e, String provider, String bodyDigest, java.time.Instant receivedAt) {
        modi.verifyResponseDigest(provider, e.getMessage().getHeader("Agid-JWT-Signature", String.class), bodyDigest,
                e.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class), e.getMessage().getHeader("Digest", String.class),
                receivedAt);
    }

    private ModiProperties.Peer peer(String provider) {
        ModiProperties.Peer p = props.outbound().get(provider);
        if (p == null) throw new IllegalStateException("suapgw.modi.outbound." + provider + " is not configured (audience, purpose-id)");
        return p;
    }
}
