package it.comune.milano.suapgw.simulators.scrivania;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.ByteArrayDataSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SOAP 1.1 plumbing shared by the scrivania simulator's server and client side, written by hand on purpose: the
 * simulator must speak the wire protocol the InfoCamere side speaks without borrowing a SOAP stack that could hide
 * the gateway's mistakes (wrong namespace, qualified children, missing root part...).
 * <p>
 * Parsing is hardened against hostile input: no DOCTYPE, no external entities or DTDs, no XInclude.
 */
public final class SoapSupport {

    static final String SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope";
    public static final String SCRIVANIA_NS = "http://www.impresainungiorno.gov.it/suap/scrivania";

    private SoapSupport() {
    }

    /** Namespace-aware DOM parse that refuses DOCTYPEs and never resolves anything external. */
    public static Document parse(byte[] xml) {
        try {
            return builder().parse(new ByteArrayInputStream(xml));
        } catch (SAXException e) {
            throw new IllegalArgumentException("XML non ben formato: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("XML illeggibile: " + e.getMessage(), e);
        }
    }

    static Document newDocument() {
        return builder().newDocument();
    }

    private static DocumentBuilder builder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null); // no stderr noise: errors surface as exceptions
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser without the required security features", e);
        }
    }

    /** The SOAP 1.1 Body of an envelope; {@link SoapVersionException} for SOAP 1.2, IllegalArgumentException otherwise. */
    static Element body(Document envelope) {
        Element root = envelope.getDocumentElement();
        if (root == null || !"Envelope".equals(root.getLocalName())) {
            throw new IllegalArgumentException("il messaggio non e' una SOAP Envelope");
        }
        if (SOAP12_NS.equals(root.getNamespaceURI())) {
            throw new SoapVersionException("SOAP 1.2 non supportato: il servizio e' SOAP 1.1");
        }
        if (!SOAP11_NS.equals(root.getNamespaceURI())) {
            throw new IllegalArgumentException("namespace della Envelope non SOAP 1.1: " + root.getNamespaceURI());
        }
        for (Element e : children(root)) {
            if ("Body".equals(e.getLocalName()) && SOAP11_NS.equals(e.getNamespaceURI())) {
                return e;
            }
        }
        throw new IllegalArgumentException("SOAP Body mancante");
    }

    /** Child elements of {@code parent}, in document order. */
    static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE) {
                out.add((Element) n);
            }
        }
        return out;
    }

    /** First child element with this local name and no namespace (the contracts are elementFormDefault unqualified). */
    static Element child(Element parent, String localName) {
        if (parent == null) {
            return null;
        }
        for (Element e : children(parent)) {
            if (localName.equals(e.getLocalName()) && e.getNamespaceURI() == null) {
                return e;
            }
        }
        return null;
    }

    /** Follows a path of unqualified child elements; null as soon as one is missing. */
    static Element path(Element from, String... localNames) {
        Element e = from;
        for (String n : localNames) {
            e = child(e, n);
            if (e == null) {
                return null;
            }
        }
        return e;
    }

    /** First descendant element (document order) with this local name, whatever its namespace; or null. */
    public static Element descendant(Node from, String localName) {
        NodeList all = from instanceof Document d ? d.getElementsByTagNameNS("*", localName)
                : ((Element) from).getElementsByTagNameNS("*", localName);
        return all.getLength() == 0 ? null : (Element) all.item(0);
    }

    /** Trimmed text content, or null for a missing element / empty text. */
    public static String text(Element e) {
        if (e == null) {
            return null;
        }
        String t = e.getTextContent();
        return t == null || t.isBlank() ? null : t.trim();
    }

    /** Attribute value, or null when absent. */
    static String attr(Element e, String name) {
        return e == null || !e.hasAttribute(name) ? null : e.getAttribute(name);
    }

    /** A SOAP 1.1 envelope around {@code bodyContent} (already serialised XML). */
    public static String envelope(String bodyContent) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<soap:Envelope xmlns:soap=\"" + SOAP11_NS + "\"><soap:Body>" + bodyContent + "</soap:Body></soap:Envelope>";
    }

    /** A SOAP 1.1 Fault envelope; {@code faultcode} like {@code soap:Client}. */
    public static String fault(String faultcode, String faultstring) {
        return envelope("<soap:Fault><faultcode>" + escape(faultcode) + "</faultcode><faultstring>" + escape(faultstring)
                + "</faultstring></soap:Fault>");
    }

    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    // drop characters XML 1.0 cannot carry (validation messages may quote hostile input)
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    public static boolean isMultipart(String contentType) {
        return contentType != null && contentType.trim().toLowerCase(Locale.ROOT).startsWith("multipart/");
    }

    /**
     * The root part of a SOAP-with-Attachments / MTOM body: the part whose Content-ID is the {@code start}
     * parameter of the Content-Type, else the first part.
     */
    public static byte[] rootPart(byte[] body, String contentType) {
        try {
            MimeMultipart mp = new MimeMultipart(new ByteArrayDataSource(body, contentType));
            if (mp.getCount() == 0) {
                throw new IllegalArgumentException("multipart senza parti");
            }
            String start = startParameter(contentType);
            BodyPart root = mp.getBodyPart(0);
            if (start != null) {
                BodyPart byId = mp.getBodyPart(start);
                if (byId == null) {
                    throw new IllegalArgumentException("multipart: nessuna parte con Content-ID " + start);
                }
                root = byId;
            }
            try (InputStream in = root.getInputStream()) {
                return in.readAllBytes();
            }
        } catch (MessagingException | IOException e) {
            throw new IllegalArgumentException("multipart illeggibile: " + e.getMessage(), e);
        }
    }

    /** Number of parts besides the root one (0 for a plain text/xml body or an unreadable multipart). */
    static int attachmentCount(byte[] body, String contentType) {
        if (!isMultipart(contentType)) {
            return 0;
        }
        try {
            return Math.max(0, new MimeMultipart(new ByteArrayDataSource(body, contentType)).getCount() - 1);
        } catch (MessagingException e) {
            return 0;
        }
    }

    private static String startParameter(String contentType) {
        try {
            String start = new ContentType(contentType).getParameter("start");
            if (start == null || start.isBlank()) {
                return null;
            }
            start = start.trim();
            return start.startsWith("<") ? start : "<" + start + ">";
        } catch (ParseException e) {
            throw new IllegalArgumentException("Content-Type non valido: " + contentType, e);
        }
    }

    /** Thrown for a SOAP 1.2 envelope sent to a SOAP 1.1 endpoint (answered with a VersionMismatch fault). */
    static final class SoapVersionException extends IllegalArgumentException {
        SoapVersionException(String message) {
            super(message);
        }
    }
}
