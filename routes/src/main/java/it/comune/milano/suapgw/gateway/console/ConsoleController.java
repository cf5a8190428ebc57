package it.comune.milano.suapgw.gateway.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.termini.TermineRepository;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The operations console ({@code /console}), in Italian: cruscotto, pratiche, funzionario, operazioni, contatti. Every
 * figure and every change goes through the operator API's own routes ({@link ConsoleApi}), as the logged-in operator.
 */
@Controller
public class ConsoleController {
    private final ConsoleApi api;
    private final TermineRepository termini;
    private final ObjectMapper json;

    public ConsoleController(ConsoleApi api, TermineRepository termini, ObjectMapper json) {
        this.api = api;
        this.termini = termini;
        this.json = json;
    }

    // ------------------------------------------------------------------ cruscotto

    @GetMapping("/console")
    public String cruscotto(@RequestParam(required = false) String dal, @RequestParam(required = false) String al,
                            Authentication who, Model model) throws Exception {
        common(who, model, "cruscotto");
        Map<String, Object> period = new HashMap<>();
        if (dal != null && !dal.isBlank()) period.put("dal", dal);
        if (al != null && !al.isBlank()) period.put("al", al);
        ConsoleApi.Answer perMese = api.get("api-kpi", who, with(period, "per", "mese"));
        if (!perMese.ok()) {
            model.addAttribute("errore", perMese.detail());
            period.clear();
            perMese = api.get("api-kpi", who, with(period, "per", "mese"));
        }
        Map<?, ?> kpi = (Map<?, ?>) perMese.body();
        model.addAttribute("kpi", kpi);
        model.addAttribute("perCanale", ((Map<?, ?>) api.get("api-kpi", who, with(with(period, "riepilogo", "false"), "per", "canale")).body()).get("righe"));
        model.addAttribute("perProcedimento", ((Map<?, ?>) api.get("api-kpi", who, with(with(period, "riepilogo", "false"), "per", "procedimento")).body()).get("righe"));
        model.addAttribute("perEnte", ((Map<?, ?>) api.get("api-kpi", who, with(with(period, "riepilogo", "false"), "per", "ente")).body()).get("righe"));
        model.addAttribute("dal", kpi.get("dal"));
        model.addAttribute("al", kpi.get("al"));
        // the chart reads its data from the page itself (no inline script under the CSP)
        model.addAttribute("graficoMesi", json.writeValueAsString(kpi.get("righe")));
        return "console/cruscotto";
    }

    /** The dashboard's rows as CSV, downloaded in the session (the API itself wants a bearer token). */
    @GetMapping("/console/kpi.csv")
    public org.springframework.http.ResponseEntity<String> csv(@RequestParam(required = false) String dal,
                                                               @RequestParam(required = false) String al,
                                                               @RequestParam(defaultValue = "mese") String per, Authentication who) {
        Map<String, Object> params = new HashMap<>();
        if (dal != null && !dal.isBlank()) params.put("dal", dal);
        if (al != null && !al.isBlank()) params.put("al", al);
        params.put("per", per);
        params.put("formato", "csv");
        ConsoleApi.Answer a = api.get("api-kpi", who, params);
        if (!a.ok()) return org.springframework.http.ResponseEntity.badRequest().body(a.detail());
        return org.springframework.http.ResponseEntity.ok()
                .contentType(org.springframework.http.MediaType.parseMediaType("text/csv; charset=UTF-8"))
                .header("Content-Disposition", "attachment; filename=\"kpi-" + per.replaceAll("[^a-z]", "") + ".csv\"")
                .body(String.valueOf(a.body()));
    }

    // ------------------------------------------------------------------ pratiche

    @GetMapping("/console/pratiche")
    public String pratiche(@RequestParam(required = false) String q, Authentication who, Model model) {
        common(who, model, "pratiche");
        model.addAttribute("q", q == null ? "" : q);
        if (q == null || q.isBlank()) {
            model.addAttribute("pratiche", api.get("api-list-pratiche", who, Map.of()).body());
            return "console/pratiche";
        }
        String term = q.strip();
        // a codice pratica, a CUI (uuid), a codice fiscale or part of the applicant's name: whichever finds it
        Object found = null;
        for (String param : List.of("codice", "cui", "cf", "richiedente")) {
            ConsoleApi.Answer a = api.get("api-list-pratiche", who, Map.of(param, term));
            if (a.ok() && a.body() instanceof List<?> l && !l.isEmpty()) {
                found = l;
                break;
            }
        }
        model.addAttribute("pratiche", found == null ? List.of() : found);
        return "console/pratiche";
    }

    @GetMapping("/console/pratiche/{id}")
    public String pratica(@PathVariable String id, Authentication who, Model model) {
        common(who, model, "pratiche");
        ConsoleApi.Answer p = api.get("api-get-pratica", who, Map.of("id", id));
        if (!p.ok()) {
            model.addAttribute("errore", p.detail());
            return "console/errore";
        }
        model.addAttribute("p", p.body());
        model.addAttribute("timeline", api.get("api-get-timeline", who, Map.of("id", id)).body());
        model.addAttribute("verifica", api.get("api-verify-timeline", who, Map.of("id", id)).body());
        model.addAttribute("contatti", api.get("api-contatti-list", who, Map.of("pratica", id)).body());
        model.addAttribute("termini", termini.of(UUID.fromString(id)));
        model.addAttribute("sospensioni", termini.suspensions(UUID.fromString(id)));
        model.addAttribute("canali", ORDERED_CANALI);
        model.addAttribute("categorie", ORDERED_CATEGORIE);
        return "console/pratica";
    }

    // ------------------------------------------------------------------ funzionario

    @GetMapping("/console/funzionario")
    public String funzionario(Authentication who, Model model) {
        common(who, model, "funzionario");
        model.addAttribute("comunicazioni", api.get("funzionario-list", who, Map.of()).body());
        model.addAttribute("esitiSsu", api.get("api-list-pratiche", who, Map.of("state", "outcome_proposed")).body());
        return "console/funzionario";
    }

    @PostMapping("/console/funzionario/istanze/{istanza}")
    public String decide(@PathVariable String istanza, @RequestParam String azione, @RequestParam(required = false) String tipo,
                         @RequestParam(required = false) String testo, Authentication who, RedirectAttributes flash) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("azione", azione);
        if (tipo != null && !tipo.isBlank()) body.put("tipo", tipo);
        if (testo != null && !testo.isBlank()) body.put("testo", testo);
        ConsoleApi.Answer a = api.call("funzionario-decide", who, Map.of("istanza", istanza), json.writeValueAsString(body));
        flash.addFlashAttribute(a.ok() ? "messaggio" : "errore", a.ok()
                ? ("VALIDA".equals(azione) ? "Comunicazione validata e inviata: istanza " : "Comunicazione rifiutata: istanza ") + istanza
                : "Istanza " + istanza + ": " + a.detail());
        return "redirect:/console/funzionario";
    }

    // ------------------------------------------------------------------ operazioni

    @GetMapping("/console/operazioni")
    public String operazioni(Authentication who, Model model) {
        common(who, model, "operazioni");
        model.addAttribute("deadLetters", api.get("api-list-dead-letters", who, Map.of()).body());
        model.addAttribute("quarantena", api.get("api-list-quarantine", who, Map.of()).body());
        model.addAttribute("disservizi", api.get("api-disservizi", who, Map.of()).body());
        model.addAttribute("pareriScaduti", api.get("api-pareri-scaduti", who, Map.of()).body());
        return "console/operazioni";
    }

    @PostMapping("/console/operazioni/dead-letters/{id}/replay")
    public String replay(@PathVariable String id, Authentication who, RedirectAttributes flash) {
        ConsoleApi.Answer a = api.call("api-replay-dead-letter", who, Map.of("id", id), null);
        boolean replayed = a.ok() && a.body() instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("replayed"));
        flash.addFlashAttribute(replayed ? "messaggio" : "errore",
                replayed ? "Messaggio " + id + " rimesso in coda" : "Messaggio " + id + ": " + (a.ok() ? "non più in errore" : a.detail()));
        return "redirect:/console/operazioni";
    }

    /** Given up: the later calls to the same peer for its pratica, held back behind it, go on. */
    @PostMapping("/console/operazioni/dead-letters/{id}/discard")
    public String discard(@PathVariable String id, Authentication who, RedirectAttributes flash) {
        ConsoleApi.Answer a = api.call("api-discard-dead-letter", who, Map.of("id", id), null);
        boolean discarded = a.ok() && a.body() instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("discarded"));
        flash.addFlashAttribute(discarded ? "messaggio" : "errore",
                discarded ? "Messaggio " + id + " scartato" : "Messaggio " + id + ": " + (a.ok() ? "non più in errore" : a.detail()));
        return "redirect:/console/operazioni";
    }

    // ------------------------------------------------------------------ contatti

    @GetMapping("/console/contatti")
    public String contatti(Authentication who, Model model) {
        common(who, model, "contatti");
        model.addAttribute("seguiti", api.get("api-contatti-list", who, Map.of("seguitiAperti", "true")).body());
        model.addAttribute("kpi", api.get("api-contatti-kpi", who, Map.of()).body());
        model.addAttribute("canali", ORDERED_CANALI);
        model.addAttribute("categorie", ORDERED_CATEGORIE);
        return "console/contatti";
    }

    @PostMapping("/console/contatti")
    public String registra(@RequestParam Map<String, String> form, Authentication who, RedirectAttributes flash) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        for (String f : List.of("canale", "interlocutore", "categoria", "oggetto", "risposta", "seguito", "seguitoScadenza", "pratica")) {
            String v = form.get(f);
            if (v != null && !v.isBlank()) body.put(f, v);
        }
        body.put("risolto", "true".equals(form.get("risolto")));
        ConsoleApi.Answer a = api.call("api-contatti-create", who, Map.of(), json.writeValueAsString(body));
        String back = form.get("ritorno");
        flash.addFlashAttribute(a.ok() ? "messaggio" : "errore",
                a.ok() ? "Contatto registrato (n. " + ((Map<?, ?>) a.body()).get("id") + ")" : "Contatto non registrato: " + a.detail());
        return "redirect:" + (back != null && back.matches("/console/pratiche/[0-9a-f-]{36}") ? back : "/console/contatti");
    }

    @PostMapping("/console/contatti/{id}/seguito")
    public String chiudiSeguito(@PathVariable String id, @RequestParam(required = false) String nota, Authentication who,
                                RedirectAttributes flash) throws Exception {
        ConsoleApi.Answer a = api.call("api-contatti-close", who, Map.of("id", id),
                json.writeValueAsString(nota == null ? Map.of() : Map.of("nota", nota)));
        flash.addFlashAttribute(a.ok() ? "messaggio" : "errore", a.ok() ? "Seguito del contatto " + id + " chiuso" : a.detail());
        return "redirect:/console/contatti";
    }

    // ------------------------------------------------------------------

    static final List<String> ORDERED_CANALI = List.of("TELEFONO", "EMAIL", "PEC", "SPORTELLO", "CHAT");
    static final List<String> ORDERED_CATEGORIE = List.of("INFORMAZIONI", "STATO_PRATICA", "DOCUMENTI", "TERMINI", "PAGAMENTI",
            "RECLAMO", "ALTRO");

    private static void common(Authentication who, Model model, String page) {
        Set<String> roles = who.getAuthorities().stream().map(GrantedAuthority::getAuthority).filter(a -> a.startsWith("ROLE_"))
                .map(a -> a.substring(5)).collect(Collectors.toSet());
        model.addAttribute("utente", who.getName());
        model.addAttribute("ruoli", roles);
        model.addAttribute("pagina", page);
        model.addAttribute("oggi", LocalDate.now().toString());
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> m = new HashMap<>(base);
        m.put(key, value);
        return m;
    }
}
