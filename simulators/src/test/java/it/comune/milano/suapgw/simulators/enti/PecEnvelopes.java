package it.comune.milano.suapgw.simulators.enti;

import it.comune.milano.suapgw.simulators.support.DemoFiles;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.mail.smime.SMIMESigned;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.Properties;

/** What a receiving gateway does with a PEC transport envelope, for the tests: verify, unwrap, read daticert.xml. */
final class PecEnvelopes {

    private PecEnvelopes() {
    }

    /** The demo gestore's certificate, read from its own file (not through PecProvider). */
    static X509Certificate demoCertificate() {
        return PecProvider.certificate(DemoFiles.require(PecProvider.DEMO_CERTIFICATE));
    }

    /** The message as it would be read from the wire (written, then parsed again). */
    static MimeMessage reparse(MimeMessage m) throws Exception {
        return parse(bytes(m));
    }

    static byte[] bytes(MimeMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    static MimeMessage parse(byte[] raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    }

    /**
     * True when the envelope is {@code multipart/signed} and every signer verifies against {@code trusted} (a
     * changed content, a foreign key: false).
     */
    static boolean verifies(MimeMessage envelope, X509Certificate trusted) throws Exception {
        if (!envelope.isMimeType("multipart/signed")) {
            return false;
        }
        SMIMESigned signed = new SMIMESigned((MimeMultipart) envelope.getContent());
        Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
        if (signers.isEmpty()) {
            return false;
        }
        for (SignerInformation signer : signers) {
            try {
                if (!signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(trusted))) {
                    return false;
                }
            } catch (CMSException e) {
                return false; // e.g. the content digest does not match
            }
        }
        return true;
    }

    /** The certificates the signer put in the CMS (the first signer's). */
    @SuppressWarnings("unchecked")
    static Collection<X509CertificateHolder> signerCertificates(MimeMessage envelope) throws Exception {
        SMIMESigned signed = new SMIMESigned((MimeMultipart) envelope.getContent());
        SignerInformation signer = signed.getSignerInfos().getSigners().iterator().next();
        return signed.getCertificates().getMatches(signer.getSID());
    }

    /** The part with this file name, depth first (not inside postacert.eml); or null. */
    static Part part(Part p, String fileName) throws Exception {
        if (fileName.equals(p.getFileName())) {
            return p;
        }
        if (p.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) p.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart bp = mp.getBodyPart(i);
                Part found = part(bp, fileName);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    static Document daticert(MimeMessage envelope) throws Exception {
        Part p = part(envelope, PecProvider.DATICERT);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        try (InputStream in = p.getInputStream()) {
            return f.newDocumentBuilder().parse(in);
        }
    }

    static String text(Document d, String tag) {
        return d.getElementsByTagName(tag).item(0).getTextContent();
    }

    /** A gestore with a fresh self-signed key the receiving side has never heard of. */
    static PecProvider foreignProvider() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500Name("C=IT,O=Gestore PEC abusivo,CN=Gestore PEC abusivo - firma");
        Instant now = Instant.now();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), name, kp.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
        return new PecProvider("Gestore PEC abusivo", "pec-abusivo.example.it", kp.getPrivate(), cert);
    }
}
