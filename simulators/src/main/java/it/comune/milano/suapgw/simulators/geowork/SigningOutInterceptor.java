package it.comune.milano.suapgw.simulators.geowork;

import it.comune.milano.suapgw.simulators.support.SystemSigner;
import org.apache.cxf.helpers.IOUtils;
import org.apache.cxf.io.CachedOutputStream;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Geowork signs each SOAP message it sends the gateway ({@link SystemSigner}): the message is written to a cache
 * first, then its digest and signature go in the HTTP headers before the first byte leaves (the conduit sends the
 * headers on the first write).
 */
final class SigningOutInterceptor extends AbstractPhaseInterceptor<Message> {
    private final Supplier<SystemSigner> signer;

    SigningOutInterceptor(Supplier<SystemSigner> signer) {
        super(Phase.PRE_STREAM);
        this.signer = signer;
    }

    @Override
    public void handleMessage(Message message) {
        SystemSigner s = signer.get();
        OutputStream original = message.getContent(OutputStream.class);
        if (s == null || original == null) {
            return;
        }
        CachedOutputStream cache = new CachedOutputStream();
        message.setContent(OutputStream.class, cache);
        message.getInterceptorChain().add(new Ending(s, original, cache));
    }

    private static final class Ending extends AbstractPhaseInterceptor<Message> {
        private final SystemSigner signer;
        private final OutputStream original;
        private final CachedOutputStream cache;

        Ending(SystemSigner signer, OutputStream original, CachedOutputStream cache) {
            super(Phase.PRE_STREAM_ENDING);
            this.signer = signer;
            this.original = original;
            this.cache = cache;
        }

        @Override
        public void handleMessage(Message message) {
            try {
                cache.flush();
                byte[] body = cache.getBytes();
                cache.close();
                String ct = contentType(message);
                @SuppressWarnings("unchecked")
                Map<String, List<String>> headers = (Map<String, List<String>>) message.get(Message.PROTOCOL_HEADERS);
                if (headers == null) {
                    headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    message.put(Message.PROTOCOL_HEADERS, headers);
                }
                for (Map.Entry<String, String> h : signer.headers(body, ct).entrySet()) {
                    headers.put(h.getKey(), new ArrayList<>(List.of(h.getValue())));
                }
                IOUtils.copy(new java.io.ByteArrayInputStream(body), original);
                original.flush();
                message.setContent(OutputStream.class, original);
            } catch (IOException e) {
                throw new org.apache.cxf.interceptor.Fault(e);
            }
        }

        /** The Content-Type the conduit will send (CXF adds the charset of the message's encoding). */
        private static String contentType(Message message) {
            String ct = (String) message.get(Message.CONTENT_TYPE);
            String enc = (String) message.get(Message.ENCODING);
            if (ct == null) {
                ct = "text/xml";
            }
            if (enc != null && !ct.contains("charset=") && !ct.toLowerCase().contains("multipart/related")) {
                ct = ct + "; charset=" + enc;
            }
            return ct;
        }
    }
}
