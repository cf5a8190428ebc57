package it.comune.milano.suapgw.connectors.pec;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.mail.smime.SMIMESigned;
import org.bouncycastle.operator.OperatorCreationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The certified-mail transport envelope ("busta di trasporto", DM 2 novembre 2005): the sender's message as
 * {@code postacert.eml} and the provider's certification {@code daticert.xml}, signed S/MIME by the sender's PEC
 * provider. Only an envelope signed by a trusted provider, whose certification names the sender and the very message
 * it carries, makes a message certified; anything else is {@link Refused} with the reason.
 */
public class PecEnvelope {
    private static final int MAX_DATICERT_BYTES = 64 * 1024;
    private static final int MAX_PARTS = 20;

    /** What the provider certified: the sender, the message it carried (its Message-ID and raw bytes). */
    public record Certified(String mittente, String msgid, String identificativo, String gestore, String signer, byte[] postacert) {
    }

    public static class Refused extends RuntimeException {
        public Refused(String reason) {
            super(reason);
        }
    }

    private final List<X509Certificate> trusted;

    /** @param trusted the providers' signing certificates, or the CAs that issue them */
    public PecEnvelope(List<X509Certificate> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /** The certificates of a PEM file (one or more {@code BEGIN CERTIFICATE} blocks). */
    public static List<X509Certificate> certificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (var c : all) out.add((X509Certificate) c);
            if (out.isEmpty()) throw new IllegalStateException("no certificate in " + pem);
            return out;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the PEC providers' certificates from " + pem + ": " + e.getMessage(), e);
        }
    }

    public static boolean isEnvelope(MimeMessage m) throws MessagingException {
        String[] h = m.getHeader("X-Trasporto");
        return h != null && h.length > 0 && "posta-certificata".equalsIgnoreCase(h[0].trim());
    }

    public Certified open(byte[] raw) {
        try {
            MimeMessage outer = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
            if (!isEnvelope(outer)) throw new Refused("not a certified-mail transport envelope (no X-Trasporto: posta-certificata)");
            if (!outer.isMimeType("multipart/signed")) throw new Refused("the envelope is not signed (multipart/signed)");
            SMIMESigned signed = new SMIMESigned((MimeMultipart) outer.getContent());
            String signer = verifiedSigner(signed);
            MimeBodyPart content = signed.getContent();
            if (!content.isMimeType("multipart/*")) throw new Refused("the signed envelope holds no postacert.eml and daticert.xml");
            Multipart parts = (Multipart) content.getContent();
            if (parts.getCount() > MAX_PARTS) throw new Refused("the envelope has " + parts.getCount() + " parts");
            byte[] daticert = null;
            byte[] postacert = null;
            for (int i = 0; i < parts.getCount(); i++) {
                BodyPart p = parts.getBodyPart(i);
                String name = p.getFileName() == null ? "" : p.getFileName().toLowerCase(Locale.ROOT);
                if (name.equals("daticert.xml")) {
                    if (daticert != null) throw new Refused("the envelope has two daticert.xml");
                    daticert = read(p, MAX_DATICERT_BYTES, "daticert.xml");
                } else if (name.equals("postacert.eml")) {
                    if (postacert != null) throw new Refused("the envelope has two postacert.eml");
                    postacert = read(p, raw.length, "postacert.eml");
                }
            }
            if (daticert == null) throw new Refused("the envelope has no daticert.xml");
            if (postacert == null) throw new Refused("the envelope has no postacert.eml");
            Element root = xml(daticert).getDocumentElement();
            if (!"postacert".equals(root.getTagName())) throw new Refused("daticert.xml is not a postacert");
            if (!"posta-certificata".equals(root.getAttribute("tipo"))) {
                throw new Refused("daticert.xml tipo '" + root.getAttribute("tipo") + "' is not posta-certificata");
            }
            String mittente = text(root, "mittente");
            String msgid = text(root, "msgid");
            if (mittente == null || msgid == null) throw new Refused("daticert.xml names no mittente or msgid");
            return new Certified(mittente.trim().toLowerCase(Locale.ROOT), msgid.trim(), text(root, "identificativo"),
                    text(root, "gestore-emittente"), signer, postacert);
        } catch (MessagingException | IOException | CMSException | ClassCastException e) {
            throw new Refused("unreadable envelope: " + e.getMessage());
        }
    }

    /** The one signer's certificate: it must verify the signature, be valid now and be (or be issued by) a trusted one. */
    private String verifiedSigner(SMIMESigned signed) {
        Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
        if (signers.size() != 1) throw new Refused("the envelope has " + signers.size() + " signatures, not one");
        SignerInformation info = signers.iterator().next();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = signed.getCertificates().getMatches(info.getSID());
        if (matches.size() != 1) throw new Refused("the envelope's signature does not carry its certificate");
        try {
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(matches.iterator().next());
            if (!trustedIssuerOf(cert)) throw new Refused("the envelope is signed by '" + cert.getSubjectX500Principal().getName() + "', not a trusted PEC provider");
            cert.checkValidity(new Date());
            if (!info.verify(new JcaSimpleSignerInfoVerifierBuilder().build(cert))) throw new Refused("the envelope's signature does not verify");
            return cert.getSubjectX500Principal().getName();
        } catch (CMSException e) {
            throw new Refused("the envelope's signature does not verify: " + e.getMessage());
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new Refused("the envelope's signing certificate is not acceptable: " + e.getMessage());
        }
    }

    private boolean trustedIssuerOf(X509Certificate cert) {
        for (X509Certificate t : trusted) {
            if (t.equals(cert)) return true;
            if (t.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
                try {
                    cert.verify(t.getPublicKey());
                    return true;
                } catch (GeneralSecurityException notIssuedByIt) {
                    // another key of the same name
                }
            }
        }
        return false;
    }

    private static byte[] read(BodyPart p, long max, String what) throws MessagingException, IOException {
        try (InputStream in = p.getInputStream()) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (b.length > max) throw new Refused(what + " exceeds " + max + " bytes");
            return b;
        }
    }

    private static Document xml(byte[] bytes) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
        } catch (Exception e) {
            throw new Refused("daticert.xml is not well-formed XML: " + e.getMessage());
        }
    }

    private static String text(Element root, String tag) {
        NodeList l = root.getElementsByTagName(tag);
        return l.getLength() == 0 ? null : l.item(0).getTextContent();
    }
}
