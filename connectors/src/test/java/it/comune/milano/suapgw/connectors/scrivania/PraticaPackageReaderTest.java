package it.comune.milano.suapgw.connectors.scrivania;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PraticaPackageReaderTest {
    static final PackageLimits SMALL = new PackageLimits(5, 1 << 20, 3 << 20, 100, 64 << 10);
    final PraticaPackageReader reader = new PraticaPackageReader(SMALL);

    static byte[] zip(Object... nameAndContent) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < nameAndContent.length; i += 2) {
                z.putNextEntry(new ZipEntry((String) nameAndContent[i]));
                z.write((byte[]) nameAndContent[i + 1]);
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static PraticaPackageReader.FilePratica file(String name, byte[] content) {
        return new PraticaPackageReader.FilePratica(name, content);
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        return b;
    }

    void refused(ScrivaniaFault.Code code, PraticaPackageReader.FilePratica... files) {
        assertThatThrownBy(() -> reader.read(List.of(files)))
                .isInstanceOfSatisfying(ScrivaniaFault.class, f -> assertThat(f.code()).isEqualTo(code))
                .hasMessageStartingWith(code.name() + ": ");
    }

    @Test
    void expandsAZipAndKeepsEveryFileWithoutARiepilogo() throws IOException {
        var pkg = reader.read(List.of(file("p.zip", zip("a.pdf", "A".getBytes(), "dir/b.pdf", "B".getBytes())),
                file("c.pdf", "C".getBytes())));
        assertThat(pkg.riepilogo()).isNull();
        assertThat(pkg.files()).extracting(PraticaPackageReader.FilePratica::name).containsExactly("a.pdf", "b.pdf", "c.pdf");
    }

    @Test
    void refusesEntriesOutsideThePackage() throws IOException {
        refused(ScrivaniaFault.Code.ZIP_PATH_TRAVERSAL, file("p.zip", zip("../../evil.pdf", "x".getBytes())));
        refused(ScrivaniaFault.Code.ZIP_PATH_TRAVERSAL, file("p.zip", zip("/etc/cron.d/x.pdf", "x".getBytes())));
        refused(ScrivaniaFault.Code.ZIP_PATH_TRAVERSAL, file("p.zip", zip("C:\\x.pdf", "x".getBytes())));
    }

    @Test
    void filesStreamToTheSinkAndALimitStopsTheStreamWhereItIsPassed() throws IOException {
        long[] taken = {0};
        java.util.List<String> names = new java.util.ArrayList<>();
        PraticaPackageReader.FileSink counting = (name, in) -> {
            names.add(name);
            byte[] buf = new byte[8192];
            long n = 0;
            for (int r; (r = in.read(buf)) > 0; ) {
                n += r;
                taken[0] += r;
            }
            long size = n;
            return new PraticaPackageReader.StoredFile() {
                @Override
                public long size() {
                    return size;
                }

                @Override
                public java.io.InputStream open() {
                    return new java.io.ByteArrayInputStream(new byte[(int) size]);
                }
            };
        };
        byte[] p = zip("a.pdf", random(300 << 10), "dir/b.pdf", random(200 << 10));

        var pkg = reader.readAllegati(List.of(new PraticaPackageReader.Allegato("p.zip", () -> new java.io.ByteArrayInputStream(p))),
                counting);

        assertThat(names).containsExactly("a.pdf", "b.pdf");
        assertThat(pkg.files()).extracting(PraticaPackageReader.FilePratica::size).containsExactly(300L << 10, 200L << 10);
        assertThat(taken[0]).isEqualTo(500 << 10);

        taken[0] = 0;
        byte[] big = zip("big.pdf", random(3 << 20));
        assertThatThrownBy(() -> reader.readAllegati(List.of(new PraticaPackageReader.Allegato("p.zip",
                () -> new java.io.ByteArrayInputStream(big))), counting))
                .isInstanceOfSatisfying(ScrivaniaFault.class, f -> assertThat(f.code()).isEqualTo(ScrivaniaFault.Code.ZIP_ENTRY_TOO_LARGE));
        // the sink saw at most one read past the 1 MiB entry limit, not the 3 MiB entry
        assertThat(taken[0]).isGreaterThan(1 << 19).isLessThanOrEqualTo((1 << 20) + 8192);
    }

    @Test
    void enforcesEveryLimit() throws IOException {
        refused(ScrivaniaFault.Code.ZIP_TOO_MANY_ENTRIES, file("p.zip", zip("1", new byte[1], "2", new byte[1], "3",
                new byte[1], "4", new byte[1], "5", new byte[1], "6", new byte[1])));
        // a bomb: zeros compress a thousand times, caught once past the ratio threshold
        refused(ScrivaniaFault.Code.ZIP_COMPRESSION_RATIO, file("p.zip", zip("bomb.pdf", new byte[900 << 10])));
        // random bytes do not compress: the size limits apply
        refused(ScrivaniaFault.Code.ZIP_ENTRY_TOO_LARGE, file("p.zip", zip("big.pdf", random((1 << 20) + 1))));
        refused(ScrivaniaFault.Code.ZIP_TOTAL_TOO_LARGE, file("p.zip", zip("1.pdf", random(1 << 20), "2.pdf",
                random(1 << 20), "3.pdf", random(1 << 20), "4.pdf", random(10))));
        refused(ScrivaniaFault.Code.ZIP_INVALID, file("p.zip", "not a zip at all".getBytes()));
    }

    @Test
    void refusesADoctypeInTheRiepilogo() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<ps:riepilogo-pratica-suap xmlns:ps=\"http://www.impresainungiorno.gov.it/schema/suap/pratica\">&x;"
                + "</ps:riepilogo-pratica-suap>";
        refused(ScrivaniaFault.Code.XML_DTD_FORBIDDEN, file("X.SUAP.xml", xxe.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsEveryValidTestDataPackageAndRefusesTheHostileOnesItIsResponsibleFor() throws IOException {
        PraticaPackageReader real = new PraticaPackageReader(PackageLimits.defaults());
        Path valid = Path.of("../test-data/scrivania/valid");
        try (Stream<Path> cases = Files.list(valid)) {
            for (Path c : cases.sorted().toList()) {
                var pkg = real.read(attachments(c.resolve("attachments")));
                assertThat(pkg.riepilogo()).as(c.toString()).isNotNull();
                assertThat(PraticaPackageReader.declaredFiles(pkg.riepilogo()).keySet()).as(c.toString())
                        .isSubsetOf(pkg.files().stream().map(PraticaPackageReader.FilePratica::name).toList());
            }
        }
    }

    static List<PraticaPackageReader.FilePratica> attachments(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().map(p -> {
                try {
                    return file(p.getFileName().toString(), Files.readAllBytes(p));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }
}
