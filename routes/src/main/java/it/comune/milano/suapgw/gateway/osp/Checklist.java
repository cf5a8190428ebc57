package it.comune.milano.suapgw.gateway.osp;

import it.comune.milano.suapgw.connectors.ermes.ErmesMapper;
import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;
import it.comune.milano.suapgw.connectors.geri.GeriMapper;
import it.comune.milano.suapgw.connectors.osapi.OsapiMapper;
import it.comune.milano.suapgw.model.VoceChecklist;
import org.locationtech.jts.geom.Geometry;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The pre-istruttoria checklist (docs/osp-workflow.md §5): each item from the answer of its system (null = the system
 * was unavailable) or from the zones and rules. Decisions only, no I/O.
 */
public class Checklist {
    public static final String PASS = "PASS", FAIL = "FAIL", WARN = "WARN", UNAVAILABLE = "UNAVAILABLE";
    public static final String OSAPI_PRECEDENTI = "OSAPI_PRECEDENTI", VINCOLO_SOPRINTENDENZA = "VINCOLO_SOPRINTENDENZA",
            AREA_MERCATALE = "AREA_MERCATALE", DECORO_URBANO = "DECORO_URBANO", ELEMENTI_ESENTI = "ELEMENTI_ESENTI",
            IMPATTO_ACUSTICO = "IMPATTO_ACUSTICO", SCIA_SOMMINISTRAZIONE = "SCIA_SOMMINISTRAZIONE",
            MOROSITA_CANONE = "MOROSITA_CANONE", ALLEGATI_OBBLIGATORI = "ALLEGATI_OBBLIGATORI";

    /** What the external systems answered, as their connectors read it; a null field means that call failed or timed out. */
    public record Risposte(List<OsapiMapper.Occupazione> osapiOccupazioni, ErmesMapper.ImpattoAcustico ermesAcustica,
                           List<ErmesMapper.Scia> ermesScia, GeriMapper.Posizione geriPosizione) {
    }

    private final CityZones zones;
    private final OspRules rules;

    public Checklist(CityZones zones, OspRules rules) {
        this.zones = zones;
        this.rules = rules;
    }

    public List<VoceChecklist> evaluate(IstanzaOsp i, Set<String> allegati, Risposte r) {
        List<VoceChecklist> out = new ArrayList<>();
        out.add(osapi(i, r.osapiOccupazioni()));
        Geometry place = CityZones.place(i);
        out.add(zona(VINCOLO_SOPRINTENDENZA, "Vincolo della Soprintendenza", place));
        out.add(zona(AREA_MERCATALE, "Area mercatale", place));
        out.add(zona(DECORO_URBANO, "Area di arredo e decoro urbano", place));
        out.add(esenti(i));
        out.add(acustica(allegati, r.ermesAcustica()));
        out.add(scia(i, r.ermesScia()));
        out.add(morosita(r.geriPosizione()));
        out.add(allegati(i, allegati));
        return out;
    }

    private static VoceChecklist unavailable(String code, String desc, String system) {
        return new VoceChecklist(code, desc, UNAVAILABLE, system + " non ha risposto: il controllo sarà ripetuto");
    }

    VoceChecklist osapi(IstanzaOsp i, List<OsapiMapper.Occupazione> occ) {
        String d = "Tipo di istanza e occupazioni precedenti (OSAPI)";
        if (occ == null) return unavailable(OSAPI_PRECEDENTI, d, "OSAPI");
        List<String> attive = new ArrayList<>(), precedenti = new ArrayList<>();
        for (OsapiMapper.Occupazione o : occ) {
            String s = o.stato();
            String desc = o.numeroConcessione() + " (" + s.toLowerCase(Locale.ROOT) + ")";
            if ("ATTIVA".equals(s)) attive.add(desc);
            if ("ATTIVA".equals(s) || "SCADUTA".equals(s)) precedenti.add(desc);
        }
        if ("NUOVA".equals(i.tipo())) {
            return attive.isEmpty()
                    ? new VoceChecklist(OSAPI_PRECEDENTI, d, PASS, "nessuna occupazione attiva nel luogo per questa impresa")
                    : new VoceChecklist(OSAPI_PRECEDENTI, d, WARN, "nuova istanza con occupazione già attiva: " + String.join(", ", attive));
        }
        return precedenti.isEmpty()
                ? new VoceChecklist(OSAPI_PRECEDENTI, d, FAIL, i.tipoDescritto() + " senza una concessione precedente nel luogo")
                : new VoceChecklist(OSAPI_PRECEDENTI, d, PASS, "concessione precedente: " + String.join(", ", precedenti));
    }

    VoceChecklist zona(String tipo, String d, Geometry place) {
        List<CityZones.Zona> z = zones.intersecting(place, tipo);
        return z.isEmpty()
                ? new VoceChecklist(tipo, d, PASS, "il luogo non ricade in alcuna zona di questo tipo")
                : new VoceChecklist(tipo, d, WARN, "il luogo ricade in: "
                + z.stream().map(CityZones.Zona::nome).collect(Collectors.joining(", ")));
    }

    VoceChecklist esenti(IstanzaOsp i) {
        String d = "Elementi esenti da concessione";
        List<String> esenti = i.elementi().keySet().stream().filter(rules.esenti()::contains).toList();
        List<String> soggetti = i.elementi().keySet().stream().filter(e -> !rules.esenti().contains(e)).toList();
        if (soggetti.isEmpty()) {
            return new VoceChecklist(ELEMENTI_ESENTI, d, WARN, "tutti gli elementi sono esenti: " + esenti);
        }
        return new VoceChecklist(ELEMENTI_ESENTI, d, PASS, "soggetti a concessione: " + soggetti
                + (esenti.isEmpty() ? "" : "; esenti: " + esenti));
    }

    static VoceChecklist acustica(Set<String> allegati, ErmesMapper.ImpattoAcustico a) {
        String d = "Condizioni di impatto acustico (ERMES)";
        if (a == null) return unavailable(IMPATTO_ACUSTICO, d, "ERMES");
        String classe = "classe acustica " + a.classeAcustica();
        if (!a.relazioneRichiesta()) {
            return new VoceChecklist(IMPATTO_ACUSTICO, d, PASS, classe + ", relazione acustica non richiesta");
        }
        return allegati.contains("RELAZIONE_ACUSTICA")
                ? new VoceChecklist(IMPATTO_ACUSTICO, d, PASS, classe + ", relazione acustica presentata")
                : new VoceChecklist(IMPATTO_ACUSTICO, d, FAIL, classe + ": è richiesta la relazione di impatto acustico");
    }

    VoceChecklist scia(IstanzaOsp i, List<ErmesMapper.Scia> s) {
        String d = "SCIA di somministrazione per impresa e luogo (ERMES)";
        boolean richiesta = i.elementi().keySet().stream().anyMatch(rules.richiedonoScia()::contains);
        if (!richiesta) return new VoceChecklist(SCIA_SOMMINISTRAZIONE, d, PASS, "non richiesta per questi elementi");
        if (s == null) return unavailable(SCIA_SOMMINISTRAZIONE, d, "ERMES");
        for (ErmesMapper.Scia x : s) {
            if ("EFFICACE".equals(x.stato())) {
                return new VoceChecklist(SCIA_SOMMINISTRAZIONE, d, PASS, "SCIA " + x.protocollo() + " efficace");
            }
        }
        return new VoceChecklist(SCIA_SOMMINISTRAZIONE, d, FAIL, "nessuna SCIA di somministrazione efficace nel luogo");
    }

    static VoceChecklist morosita(GeriMapper.Posizione p) {
        String d = "Morosità sul canone unico (GERI)";
        if (p == null) return unavailable(MOROSITA_CANONE, d, "GERI");
        return p.moroso()
                ? new VoceChecklist(MOROSITA_CANONE, d, FAIL, String.format(Locale.ITALY, "importo scaduto € %.2f, annualità %s",
                p.importoScaduto(), p.annualita().stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(",", "[", "]"))))
                : new VoceChecklist(MOROSITA_CANONE, d, PASS, "nessuna morosità");
    }

    VoceChecklist allegati(IstanzaOsp i, Set<String> presenti) {
        String d = "Allegati obbligatori per il tipo di occupazione";
        Set<String> mancanti = new LinkedHashSet<>();
        for (OspRules.AllegatoObbligatorio a : rules.allegatiObbligatori()) {
            if (a.appliesTo(i) && !presenti.contains(a.tipo())) mancanti.add(a.tipo());
        }
        return mancanti.isEmpty()
                ? new VoceChecklist(ALLEGATI_OBBLIGATORI, d, PASS, "presenti: " + presenti)
                : new VoceChecklist(ALLEGATI_OBBLIGATORI, d, FAIL, "mancano: " + String.join(", ", mancanti));
    }

    /** The enti the rules call for, in rule order, each once. */
    public List<String> entiDaConsultare(IstanzaOsp i, List<VoceChecklist> voci) {
        Set<String> out = new LinkedHashSet<>();
        for (OspRules.Consultazione c : rules.consultazioni()) {
            boolean applies = Boolean.TRUE.equals(c.sempre())
                    || (c.voce() != null && voci.stream().anyMatch(v -> v.codice().equals(c.voce()) && v.esito().equals(c.esito())))
                    || (Boolean.TRUE.equals(c.occupaCarreggiata()) && i.occupaCarreggiata());
            if (applies) out.add(c.ente());
        }
        return List.copyOf(out);
    }
}
