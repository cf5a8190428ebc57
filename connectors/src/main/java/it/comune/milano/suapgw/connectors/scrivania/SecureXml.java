package it.comune.milano.suapgw.connectors.scrivania;

import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import java.net.URL;

/** XML parsing with DTDs and external entities off: the one way the gateway reads XML it did not write. */
public final class SecureXml {

    private SecureXml() {
    }

    /** StAX factory refusing DTDs: a DOCTYPE is an error, never resolved. */
    public static XMLInputFactory inputFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        return f;
    }

    /** A schema loaded from the classpath; imports resolve relative to it, nothing is fetched from the network. */
    public static Schema schema(String classpathLocation) {
        URL url = SecureXml.class.getClassLoader().getResource(classpathLocation);
        if (url == null) {
            throw new IllegalStateException("schema not on the classpath: " + classpathLocation);
        }
        try {
            SchemaFactory sf = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            sf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            sf.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            // our own schema files import each other by relative path (also inside the Spring Boot jar)
            sf.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "all");
            return sf.newSchema(new StreamSource(url.openStream(), url.toExternalForm()));
        } catch (SAXException | java.io.IOException e) {
            throw new IllegalStateException("cannot load schema " + classpathLocation, e);
        }
    }
}
