package it.comune.milano.suapgw.connectors.scrivania;

import it.comune.milano.suapgw.schemas.infocamere.pratica.AdempimentoSUAP;
import it.comune.milano.suapgw.schemas.infocamere.pratica.AllegatoGenerico;
import it.comune.milano.suapgw.schemas.infocamere.pratica.BaseAllegatoSUAP;
import it.comune.milano.suapgw.schemas.infocamere.pratica.ModelloAttivita;
import it.comune.milano.suapgw.schemas.infocamere.pratica.RiepilogoPraticaSUAP;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.UnmarshalException;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.ValidationEvent;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.validation.Schema;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Reads the pratica package carried by a cooperation message: ZIPs are expanded within {@link PackageLimits}, the
 * {@code riepilogo-pratica-suap} is found among the files, parsed without DTDs, validated against
 * pratica_suap-2.0.0.xsd, and every file it declares must be in the package.
 */
public class PraticaPackageReader {
    public static final String RIEPILOGO_NS = "http://www.impresainungiorno.gov.it/schema/suap/pratica";
    public static final String RIEPILOGO_ROOT = "riepilogo-pratica-suap";

    /** A file of the package, by the name the pratica gives it, as its sink kept it. */
    public record FilePratica(String name, StoredFile stored) {
        public FilePratica(String name, byte[] content) {
            this(name, new InMemory(content));
        }

        /** The whole content in memory (a small file, a test). */
        public byte[] content() {
            if (stored instanceof InMemory m) return m.content();
            try (InputStream in = stored.open()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        public long size() {
            return stored.size();
        }
    }

    /** A file as its sink kept it: its size, and its content read back (as often as needed). */
    public interface StoredFile {
        long size();

        InputStream open() throws IOException;
    }

    /**
     * Where the files go as they stream out of the allegati and their ZIPs, within the limits (a limit passed stops
     * the stream with the fault); {@link #IN_MEMORY} by default, the gateway's document store when it receives.
     */
    @FunctionalInterface
    public interface FileSink {
        StoredFile store(String name, InputStream content) throws IOException;
    }

    public static final FileSink IN_MEMORY = (name, in) -> new InMemory(in.readAllBytes());

    record InMemory(byte[] content) implements StoredFile {
        @Override
        public long size() {
            return content.length;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(content);
        }
    }

    /** Opens the content of an allegato; called once. */
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;
    }

    /** An allegato of the cooperation message, read as a stream: a large ZIP never sits in memory compressed. */
    public record Allegato(String name, Content content) {
    }

    /** The riepilogo (null when the message carries no pratica, e.g. an integration) and every other file. */
    public record PraticaPackage(RiepilogoPraticaSUAP riepilogo, String riepilogoName, List<FilePratica> files) {
    }

    private final PackageLimits limits;
    private final XMLInputFactory xml = SecureXml.inputFactory();
    private final Schema schema = SecureXml.schema("infocamere/pratica_suap-2.0.0.xsd");
    private final JAXBContext jaxb;

    public PraticaPackageReader(PackageLimits limits) {
        this.limits = limits;
        try {
            jaxb = JAXBContext.newInstance(RiepilogoPraticaSUAP.class);
        } catch (JAXBException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @param allegati the files of the cooperation message, in order; ZIPs among them are expanded */
    public PraticaPackage read(List<FilePratica> allegati) {
        return readAllegati(allegati.stream()
                .map(f -> new Allegato(f.name(), () -> new ByteArrayInputStream(f.content()))).toList());
    }

    /** @param allegati the allegati of the cooperation message, in order; ZIPs among them are expanded */
    public PraticaPackage readAllegati(List<Allegato> allegati) {
        return readAllegati(allegati, IN_MEMORY);
    }

    /**
     * @param allegati the allegati of the cooperation message, in order; ZIPs among them are expanded
     * @param sink     where each file streams to, bounded by the limits as it streams
     */
    public PraticaPackage readAllegati(List<Allegato> allegati, FileSink sink) {
        List<FilePratica> files = new ArrayList<>();
        long[] total = {0};
        for (Allegato a : allegati) {
            try (InputStream in = a.content().open()) {
                if (a.name().toLowerCase(Locale.ROOT).endsWith(".zip")) {
                    files.addAll(unzip(a.name(), in, total, sink));
                } else {
                    long max = limits.maxEntryBytes();
                    files.add(new FilePratica(a.name(), sink.store(a.name(), new Bounded(in, (size, n) -> {
                        if (size > max) {
                            throw new ScrivaniaFault(ScrivaniaFault.Code.ATTACHMENT_TOO_LARGE,
                                    "allegato " + a.name() + " is larger than " + max + " bytes");
                        }
                        total[0] += n;
                        if (total[0] > limits.maxTotalBytes()) {
                            throw new ScrivaniaFault(ScrivaniaFault.Code.ZIP_TOTAL_TOO_LARGE, "the allegati exceed "
                                    + limits.maxTotalBytes() + " bytes in total");
                        }
                    }))));
                }
            } catch (IOException e) {
                throw new ScrivaniaFault(ScrivaniaFault.Code.ATTACHMENT_MISSING, "allegato " + a.name()
                        + " cannot be read: " + e.getMessage());
            }
        }
        RiepilogoPraticaSUAP riepilogo = null;
        String riepilogoName = null;
        List<FilePratica> others = new ArrayList<>();
        for (FilePratica f : files) {
            if (f.name().toLowerCase(Locale.ROOT).endsWith(".xml") && isRiepilogo(f)) {
                if (riepilogo != null) {
                    throw new ScrivaniaFault(ScrivaniaFault.Code.RIEPILOGO_DUPLICATE,
                            "the package holds two riepilogo-pratica-suap: " + riepilogoName + " and " + f.name());
                }
                riepilogo = parseRiepilogo(f);
                riepilogoName = f.name();
            } else {
                others.add(f);
            }
        }
        if (riepilogo != null) {
            checkDeclaredFiles(riepilogo, others);
        }
        return new PraticaPackage(riepilogo, riepilogoName, others);
    }

    private List<FilePratica> unzip(String zipName, InputStream raw, long[] total, FileSink sink) {
        List<FilePratica> out = new ArrayList<>();
        CountingInputStream counted = new CountingInputStream(raw);
        try (ZipInputStream in = new ZipInputStream(counted)) {
            ZipEntry entry;
            int entries = 0;
            while ((entry = in.getNextEntry()) != null) {
                String name = entry.getName();
                if (name.contains("..") || name.startsWith("/") || name.startsWith("\\") || name.contains(":")
                        || name.contains("\\")) {
                    throw new ScrivaniaFault(ScrivaniaFault.Code.ZIP_PATH_TRAVERSAL,
                            zipName + ": entry '" + name + "' points outside the package");
                }
                if (entry.isDirectory()) continue;
                if (++entries > limits.maxEntries()) {
                    throw new ScrivaniaFault(ScrivaniaFault.Code.ZIP_TOO_MANY_ENTRIES,
                            zipName + " has more than " + limits.maxEntries() + " entries");
                }
                String base = name.substring(name.lastIndexOf('/') + 1);
                out.add(new FilePratica(base, sink.store(base, entry(zipName, name, in, counted, total))));
            }
            if (entries == 0) {
                throw new ScrivaniaFault(ScrivaniaFault.Code.ZIP_INVALID, zipName + " is empty or not a ZIP file");
            }
        } catch (ZipException e) {
            throw new ScrivaniaFault(ScrivaniaFault.Code.ZIP_INVALID, zipName + " is not a valid ZIP file: " + e.getMessage());
        } catch (IOException e) {
            throw new ScrivaniaFault(ScrivaniaFault.Code.ZIP_INVALID, zipName + " cannot be read: " + e.getMessage());
        }
        return out;
    }

    /** The entry being inflated, checked against the limits at every read. */
    private InputStream entry(String zipName, String name, ZipInputStream in, CountingInputStream counted, long[] total) {
        long compressedStart = counted.count();
        InputStream unclosable = new java.io.FilterInputStream(in) {
            @Override
            public void close() {
                // the sink closes what it read; the ZIP stream goes on to the next entry
            }
        };
        return new Bounded(unclosable, (size, n) -> {
            total[0] += n;
            if (size > limits.maxEntryBytes()) {
                throw new ScrivaniaFault(ScrivaniaFault.Code.ZIP_ENTRY_TOO_LARGE, zipName + ": entry '" + name
                        + "' expands beyond " + limits.maxEntryBytes() + " bytes");
            }
            if (total[0] > limits.maxTotalBytes()) {
                throw new ScrivaniaFault(ScrivaniaFault.Code.ZIP_TOTAL_TOO_LARGE, zipName
                        + " expands beyond " + limits.maxTotalBytes() + " bytes in total");
            }
            // compressed bytes consumed so far for this entry: known while inflating, even for streamed ZIPs
            long compressed = Math.max(1, counted.count() - compressedStart);
            if (size > limits.ratioThresholdBytes() && (double) size / compressed > limits.maxCompressionRatio()) {
                throw new ScrivaniaFault(ScrivaniaFault.Code.ZIP_COMPRESSION_RATIO, zipName + ": entry '" + name
                        + "' expands more than " + (long) limits.maxCompressionRatio() + " times its compressed size");
            }
        });
    }

    /** Checks the bytes read so far ({@code size}) after each chunk of {@code n}; throws to stop reading. */
    @FunctionalInterface
    private interface Bound {
        void check(long size, int n);
    }

    /** A stream checked against its bound at every read: a limit passed stops it before its bytes go further. */
    private static final class Bounded extends java.io.FilterInputStream {
        private final Bound bound;
        private long size;

        Bounded(InputStream in, Bound bound) {
            super(in);
            this.bound = bound;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                size += n;
                bound.check(size, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return super.skip(n) == 0 ? 0 : n; // never reached: sinks read, they do not skip
        }
    }

    private boolean isRiepilogo(FilePratica f) {
        try (InputStream content = f.stored().open()) {
            XMLStreamReader r = xml.createXMLStreamReader(content);
            try {
                while (r.hasNext()) {
                    int ev = r.next();
                    if (ev == XMLStreamReader.DTD) {
                        throw new ScrivaniaFault(ScrivaniaFault.Code.XML_DTD_FORBIDDEN,
                                f.name() + ": DOCTYPE and entity declarations are not accepted");
                    }
                    if (ev == XMLStreamReader.START_ELEMENT) {
                        if (!RIEPILOGO_ROOT.equals(r.getLocalName())) return false;
                        if (!RIEPILOGO_NS.equals(r.getNamespaceURI())) {
                            throw new ScrivaniaFault(ScrivaniaFault.Code.RIEPILOGO_INVALID, f.name()
                                    + ": riepilogo-pratica-suap must be in namespace " + RIEPILOGO_NS + ", found '"
                                    + r.getNamespaceURI() + "'");
                        }
                        return true;
                    }
                }
                return false;
            } finally {
                r.close();
            }
        } catch (XMLStreamException e) {
            if (e.getMessage() != null && e.getMessage().toUpperCase(Locale.ROOT).contains("DOCTYPE")) {
                throw new ScrivaniaFault(ScrivaniaFault.Code.XML_DTD_FORBIDDEN,
                        f.name() + ": DOCTYPE and entity declarations are not accepted");
            }
            throw new ScrivaniaFault(ScrivaniaFault.Code.XML_MALFORMED, f.name() + ": " + e.getMessage());
        } catch (IOException e) {
            throw new ScrivaniaFault(ScrivaniaFault.Code.XML_MALFORMED, f.name() + " cannot be read back: " + e.getMessage());
        }
    }

    private RiepilogoPraticaSUAP parseRiepilogo(FilePratica f) {
        List<String> problems = new ArrayList<>();
        try {
            Unmarshaller u = jaxb.createUnmarshaller();
            u.setSchema(schema);
            u.setEventHandler(ev -> {
                if (ev.getSeverity() != ValidationEvent.WARNING) {
                    problems.add(ev.getMessage() + (ev.getLocator() != null && ev.getLocator().getLineNumber() > 0
                            ? " (line " + ev.getLocator().getLineNumber() + ")" : ""));
                }
                return problems.size() < 10; // collect a few, then stop
            });
            JAXBElement<RiepilogoPraticaSUAP> el;
            try (InputStream content = f.stored().open()) {
                el = u.unmarshal(xml.createXMLStreamReader(content), RiepilogoPraticaSUAP.class);
            }
            if (!problems.isEmpty()) {
                throw new ScrivaniaFault(ScrivaniaFault.Code.RIEPILOGO_INVALID, f.name() + ": " + String.join("; ", problems));
            }
            return el.getValue();
        } catch (UnmarshalException e) {
            throw new ScrivaniaFault(ScrivaniaFault.Code.RIEPILOGO_INVALID, f.name() + ": "
                    + (problems.isEmpty() ? String.valueOf(e.getLinkedException() != null ? e.getLinkedException().getMessage()
                    : e.getMessage()) : String.join("; ", problems)));
        } catch (JAXBException | XMLStreamException | IOException e) {
            throw new ScrivaniaFault(ScrivaniaFault.Code.XML_MALFORMED, f.name() + ": " + e.getMessage());
        }
    }

    /** Every file the riepilogo names must be in the package, with the declared size when one is given. */
    private static void checkDeclaredFiles(RiepilogoPraticaSUAP r, List<FilePratica> files) {
        Map<String, FilePratica> byName = new LinkedHashMap<>();
        files.forEach(f -> byName.put(f.name(), f));
        Map<String, BaseAllegatoSUAP> declared = declaredFiles(r);
        for (Map.Entry<String, BaseAllegatoSUAP> d : declared.entrySet()) {
            FilePratica f = byName.get(d.getKey());
            if (f == null) {
                throw new ScrivaniaFault(ScrivaniaFault.Code.FILE_MISSING,
                        "file " + d.getKey() + " declared in the riepilogo is not in the package");
            }
            BigInteger dim = d.getValue().getDimensione();
            if (dim != null && dim.longValue() != f.size()) {
                throw new ScrivaniaFault(ScrivaniaFault.Code.FILE_SIZE_MISMATCH, "file " + d.getKey() + " is "
                        + f.size() + " bytes, the riepilogo declares " + dim);
            }
        }
    }

    /** The files a riepilogo declares, by name: procura, and per modulo distinta, tracciato, allegati. */
    public static Map<String, BaseAllegatoSUAP> declaredFiles(RiepilogoPraticaSUAP r) {
        Map<String, BaseAllegatoSUAP> out = new LinkedHashMap<>();
        if (r.getIntestazione().getProcuraSpeciale() != null) {
            var procura = r.getIntestazione().getProcuraSpeciale();
            out.put(procura.getNomeFile(), procura);
            if (procura.getTracciatoXml() != null) out.put(procura.getTracciatoXml().getNomeFile(), procura.getTracciatoXml());
        }
        for (AdempimentoSUAP m : r.getStruttura().getModulo()) {
            ModelloAttivita d = m.getDistintaModelloAttivita();
            if (d != null) {
                out.put(d.getNomeFile(), d);
                if (d.getTracciatoXml() != null) out.put(d.getTracciatoXml().getNomeFile(), d.getTracciatoXml());
            }
            for (AllegatoGenerico a : m.getDocumentoAllegato()) {
                out.put(a.getNomeFile(), a);
            }
        }
        return out;
    }

    /** Counts the bytes read from the ZIP, i.e. the compressed bytes consumed. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long k = super.skip(n);
            count += k;
            return k;
        }
    }
}
