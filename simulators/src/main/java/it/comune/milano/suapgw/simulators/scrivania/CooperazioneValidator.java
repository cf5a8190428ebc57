package it.comune.milano.suapgw.simulators.scrivania;

import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates the {@code CooperazioneEnteSUAP} / {@code CooperazioneSUAPEnte} content of a scrivania SOAP call against
 * the official {@code infocamere/SUAP-ente-1.1.1.xsd} (and its imports) from {@code suapgw-schemas}.
 * <p>
 * In the SOAP body the content sits under the unqualified wrapper child ({@code <CooperazioneEnteSUAP>}), which no
 * global element of the XSD declares; so the children are copied under the matching global element
 * ({@code se:cooperazione-ente-suap} or {@code se:cooperazione-suap-ente}) of a standalone document, which is then
 * validated with {@code javax.xml.validation}. In-scope namespace declarations are carried over, so QName values
 * (e.g. {@code xsi:type}) still resolve.
 */
final class CooperazioneValidator {

    static final String ENTE_NS = "http://www.impresainungiorno.gov.it/schema/suap/ente";
    static final String ENTE_SUAP = "cooperazione-ente-suap";
    static final String SUAP_ENTE = "cooperazione-suap-ente";
    private static final String XSD = "infocamere/SUAP-ente-1.1.1.xsd";
    private static final int MAX_ERRORS = 5;

    private static final Schema SCHEMA = load();

    private CooperazioneValidator() {
    }

    private static Schema load() {
        URL url = CooperazioneValidator.class.getClassLoader().getResource(XSD);
        if (url == null) {
            throw new IllegalStateException(XSD + " not on the classpath (suapgw-schemas missing?)");
        }
        try {
            SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            // the imports are relative to the XSD's own URL: a file (IDE, reactor) or a jar entry
            // inside the executable jar the schemas are jar:nested: URLs
            f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "file,jar,nested");
            return f.newSchema(new StreamSource(url.toExternalForm()));
        } catch (SAXException e) {
            throw new IllegalStateException("cannot load " + XSD + ": " + e.getMessage(), e);
        }
    }

    /**
     * Validates the content of {@code cooperazione} as the global element {@code rootName}
     * ({@link #ENTE_SUAP} or {@link #SUAP_ENTE}).
     *
     * @return the validation errors joined by "; " (at most {@value #MAX_ERRORS}), or null when valid
     */
    static String validate(Element cooperazione, String rootName) {
        Document doc = SoapSupport.newDocument();
        Element root = doc.createElementNS(ENTE_NS, "se:" + rootName);
        doc.appendChild(root);
        root.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:se", ENTE_NS);
        copyNamespaceDeclarations(cooperazione, root);
        NamedNodeMap attrs = cooperazione.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            if (!XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(a.getNamespaceURI())) {
                root.setAttributeNodeNS((Attr) doc.importNode(a, true));
            }
        }
        for (Node n = cooperazione.getFirstChild(); n != null; n = n.getNextSibling()) {
            root.appendChild(doc.importNode(n, true));
        }
        List<String> errors = new ArrayList<>();
        Validator validator = SCHEMA.newValidator();
        try {
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            validator.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                    // warnings are not contract violations
                }

                @Override
                public void error(SAXParseException e) throws SAXException {
                    errors.add(e.getMessage());
                    if (errors.size() >= MAX_ERRORS) {
                        throw e;
                    }
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    errors.add(e.getMessage());
                    throw e;
                }
            });
            validator.validate(new DOMSource(doc));
        } catch (SAXException e) {
            if (errors.isEmpty()) {
                errors.add(e.getMessage());
            }
        } catch (IOException e) {
            errors.add("validazione non eseguibile: " + e.getMessage());
        }
        return errors.isEmpty() ? null : String.join("; ", errors);
    }

    /** Copies every namespace declaration in scope at {@code from} (nearest wins) onto {@code to}. */
    private static void copyNamespaceDeclarations(Element from, Element to) {
        for (Node n = from; n instanceof Element e; n = n.getParentNode()) {
            NamedNodeMap attrs = e.getAttributes();
            for (int i = 0; i < attrs.getLength(); i++) {
                Attr a = (Attr) attrs.item(i);
                if (XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(a.getNamespaceURI())) {
                    String qname = a.getName(); // xmlns or xmlns:p
                    if (!"xmlns:se".equals(qname) && !to.hasAttribute(qname) && !"xmlns".equals(qname)) {
                        to.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, qname, a.getValue());
                    }
                }
            }
        }
    }
}
