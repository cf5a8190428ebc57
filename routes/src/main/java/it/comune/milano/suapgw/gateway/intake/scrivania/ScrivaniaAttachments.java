package it.comune.milano.suapgw.gateway.intake.scrivania;

import it.comune.milano.suapgw.connectors.scrivania.PraticaPackageReader;
import it.comune.milano.suapgw.connectors.scrivania.ScrivaniaFault;
import it.comune.milano.suapgw.schemas.infocamere.ente.AllegatoCooperazione;
import it.comune.milano.suapgw.schemas.infocamere.ente.CooperazioneSUAPEnte;
import jakarta.activation.DataHandler;
import org.apache.cxf.message.Attachment;

import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The content of each allegato of a cooperation message, from its {@code embedded-file-ref}: {@code cid:} names a
 * MIME part of this message (SOAP with Attachments, swaRef), {@code data:} carries the content inline (RFC 2397,
 * base64). Without a reference (SwA as over SPCoop) the part whose Content-ID is the allegato's nome-file or cod.
 * Nothing else is followed; parts are read as streams from CXF's attachment cache.
 */
final class ScrivaniaAttachments {
    private ScrivaniaAttachments() {
    }

    static List<PraticaPackageReader.Allegato> of(CooperazioneSUAPEnte message, Collection<Attachment> parts) {
        List<PraticaPackageReader.Allegato> out = new ArrayList<>();
        for (AllegatoCooperazione a : message.getAllegato()) {
            String ref = a.getEmbeddedFileRef() == null ? null : a.getEmbeddedFileRef().trim();
            String name = a.getNomeFile();
            if (ref != null && ref.regionMatches(true, 0, "data:", 0, 5)) {
                byte[] inline = inline(name, ref);
                out.add(new PraticaPackageReader.Allegato(name, () -> new ByteArrayInputStream(inline)));
                continue;
            }
            DataHandler dh;
            if (ref != null) {
                if (!ref.regionMatches(true, 0, "cid:", 0, 4)) {
                    throw new ScrivaniaFault(ScrivaniaFault.Code.ATTACHMENT_MISSING, "allegato " + name
                            + ": embedded-file-ref '" + abbreviate(ref) + "' is neither a cid: nor a data: URI"
                            + " (references outside the message are not followed)");
                }
                String cid = URLDecoder.decode(ref.substring(4), StandardCharsets.UTF_8);
                dh = part(parts, cid);
                if (dh == null) {
                    throw new ScrivaniaFault(ScrivaniaFault.Code.ATTACHMENT_MISSING, "allegato " + name
                            + ": the message has no MIME part with Content-ID <" + cid + ">");
                }
            } else {
                dh = part(parts, name);
                if (dh == null && a.getCod() != null) dh = part(parts, a.getCod());
                if (dh == null) {
                    throw new ScrivaniaFault(ScrivaniaFault.Code.ATTACHMENT_MISSING, "allegato " + name
                            + " has neither an embedded-file-ref nor a MIME part with Content-ID <" + name + ">");
                }
            }
            DataHandler content = dh;
            out.add(new PraticaPackageReader.Allegato(name, content::getInputStream));
        }
        return out;
    }

    private static byte[] inline(String name, String ref) {
        int comma = ref.indexOf(',');
        if (comma < 0 || !ref.substring(0, comma).toLowerCase(Locale.ROOT).endsWith(";base64")) {
            throw new ScrivaniaFault(ScrivaniaFault.Code.ATTACHMENT_MISSING, "allegato " + name
                    + ": an inline embedded-file-ref must be a base64 data: URI (data:<mime>;base64,<content>)");
        }
        try {
            return Base64.getMimeDecoder().decode(ref.substring(comma + 1));
        } catch (IllegalArgumentException bad) {
            throw new ScrivaniaFault(ScrivaniaFault.Code.ATTACHMENT_MISSING, "allegato " + name
                    + ": the inline content is not valid base64");
        }
    }

    private static DataHandler part(Collection<Attachment> parts, String id) {
        for (Attachment p : parts) {
            if (id.equals(p.getId()) || ("<" + id + ">").equals(p.getId())) return p.getDataHandler();
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
