package it.comune.milano.suapgw.gateway.osp;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The communications to the applicant, composed from the Italian templates of config/osp/templates. */
public class Comunicazioni {
    private final Map<String, Template> templates = new HashMap<>();

    public Comunicazioni(Path dir) {
        Mustache.Compiler compiler = Mustache.compiler().escapeHTML(false).defaultValue("");
        for (String tipo : new String[]{Decisione.RICHIESTA_INTEGRAZIONE, Decisione.CONCESSIONE, Decisione.DINIEGO}) {
            Path f = dir.resolve(tipo + ".mustache");
            try {
                templates.put(tipo, compiler.compile(Files.readString(f)));
            } catch (IOException e) {
                throw new IllegalStateException("missing template " + f, e);
            }
        }
    }

    public String compose(IstanzaOsp i, Decisione d, String numeroConcessione) {
        Map<String, Object> ctx = new HashMap<>();
        ctx.put("idIstanza", i.idIstanza());
        ctx.put("denominazione", i.denominazione());
        ctx.put("indirizzo", i.indirizzo());
        ctx.put("tipoIstanza", i.tipoDescritto());
        ctx.put("superficieMq", String.valueOf(i.superficieMq()).replace('.', ','));
        ctx.put("periodo", i.periodoDescritto());
        ctx.put("temporanea", "TEMPORANEA".equals(i.periodoTipo()));
        ctx.put("motivi", d.motivi());
        ctx.put("prescrizioni", d.prescrizioni());
        ctx.put("integrazioni", d.integrazioni());
        ctx.put("numeroConcessione", numeroConcessione);
        return templates.get(d.tipo()).execute(ctx).strip();
    }
}
