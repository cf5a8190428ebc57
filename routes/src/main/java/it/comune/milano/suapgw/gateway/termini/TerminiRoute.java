package it.comune.milano.suapgw.gateway.termini;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.api.ApiProblem;
import it.comune.milano.suapgw.gateway.api.ApiResponses;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The terms: their timers (outbox entries due when a term runs out), the terms of a pratica
 * ({@code GET /api/pratiche/{id}/termini}) and the operators' term calculator ({@code GET /api/termini/scadenza}).
 */
@Component
public class TerminiRoute extends GatewayRouteBuilder {
    private final ScadenzeService scadenze;
    private final TermineService termini;
    private final PraticaRepository pratiche;
    private final CalendarioLegale calendario;
    private final ObjectMapper json;

    public TerminiRoute(ScadenzeService scadenze, TermineService termini, PraticaRepository pratiche,
                        CalendarioLegale calendario, ObjectMapper json) {
        this.scadenze = scadenze;
        this.termini = termini;
        this.pratiche = pratiche;
        this.calendario = calendario;
        this.json = json;
    }

    @Override
    public void configure() {
        fromOutbox(OutboxKind.TERM_EXPIRY, "term-expiry")
                .process(e -> scadenze.onTimer(entry(e).praticaId(), Long.parseLong(entry(e).payload())));

        rest("/api")
                .get("/pratiche/{id}/termini").routeId("rest-api-termini-pratica").to("direct:api-termini-pratica")
                .get("/termini/scadenza").routeId("rest-api-termini-scadenza").to("direct:api-termini-scadenza");

        fromApi("direct:api-termini-pratica", "api-termini-pratica")
                .process(e -> {
                    UUID id = id(e);
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (TermineRepository.Termine t : termini.of(id)) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("kind", t.kind().name());
                        m.put("field", t.kind().field());
                        m.put("start", t.inizio().toString());
                        m.put("days", t.giorni());
                        m.put("daysSuspended", t.giorniSospesi());
                        m.put("dueDate", t.scadenza().toString());
                        m.put("state", t.state());
                        out.add(m);
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("terms", out);
                    body.put("suspensions", termini.suspensions(id));
                    ApiResponses.json(e, json, body);
                });

        fromApi("direct:api-termini-scadenza", "api-termini-scadenza")
                .process(this::calcola);
    }

    /** ?inizio=YYYY-MM-DD&giorni=N[&sospensioni=A/B,A/B...] */
    private void calcola(Exchange e) throws Exception {
        String inizio = e.getMessage().getHeader("inizio", String.class);
        String giorni = e.getMessage().getHeader("giorni", String.class);
        String sospensioni = e.getMessage().getHeader("sospensioni", String.class);
        if (inizio == null || giorni == null) throw ApiProblem.badRequest("inizio and giorni are required");
        CalendarioLegale.Scadenza s;
        try {
            List<CalendarioLegale.Sospensione> list = new ArrayList<>();
            if (sospensioni != null && !sospensioni.isBlank()) {
                for (String p : sospensioni.split(",")) {
                    String[] ab = p.trim().split("/");
                    if (ab.length != 2) throw ApiProblem.badRequest("sospensioni: '" + p + "' is not A/B");
                    list.add(new CalendarioLegale.Sospensione(LocalDate.parse(ab[0]), LocalDate.parse(ab[1])));
                }
            }
            s = calendario.scadenza(LocalDate.parse(inizio), Integer.parseInt(giorni), list);
        } catch (DateTimeParseException | NumberFormatException bad) {
            throw ApiProblem.badRequest("dates are YYYY-MM-DD and giorni a whole number: " + bad.getMessage());
        } catch (IllegalArgumentException bad) {
            throw ApiProblem.badRequest(bad.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("inizio", s.inizio().toString());
        out.put("giorni", s.giorni());
        out.put("giorniSospesi", s.giorniSospesi());
        out.put("scadenzaNaturale", s.scadenzaNaturale().toString());
        out.put("scadenza", s.scadenza().toString());
        out.put("rinvii", s.rinvii().stream().map(r -> Map.of("data", r.data().toString(), "motivo", r.motivo())).toList());
        ApiResponses.json(e, json, out);
    }

    private UUID id(Exchange e) {
        try {
            UUID id = UUID.fromString(e.getMessage().getHeader("id", String.class));
            if (pratiche.exists(id)) return id;
        } catch (IllegalArgumentException | NullPointerException bad) {
            // not an id
        }
        throw ApiProblem.notFound("no such pratica");
    }
}
