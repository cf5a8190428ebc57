package it.comune.milano.suapgw.gateway.api;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.esito.EsitoService;
import it.comune.milano.suapgw.gateway.lifecycle.LifecycleException;
import it.comune.milano.suapgw.gateway.osp.OspOutcome;
import it.comune.milano.suapgw.gateway.osp.OspProposals;
import it.comune.milano.suapgw.gateway.persistence.PraticaReadModel;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.model.StatoPratica;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The funzionario's API (role FUNZIONARIO, see SecurityConfig): the communications waiting for validation, and
 * validating (possibly editing the text or deciding otherwise) or rejecting them. Nothing reaches GEOPOST before.
 */
@Component
public class FunzionarioApiRoute extends GatewayRouteBuilder {
    private static final int MAX_TESTO = 20000;

    private final EsitoService esiti;
    private final OspProposals proposals;
    private final PraticaRepository pratiche;
    private final PraticaReadModel read;
    private final ObjectMapper json;

    public FunzionarioApiRoute(EsitoService esiti, OspProposals proposals, PraticaRepository pratiche,
                               PraticaReadModel read, ObjectMapper json) {
        this.esiti = esiti;
        this.proposals = proposals;
        this.pratiche = pratiche;
        this.read = read;
        this.json = json;
    }

    @Override
    public void configure() {
        rest("/api/funzionario")
                .get("/comunicazioni").routeId("rest-funzionario-list").to("direct:funzionario-list")
                .get("/istanze/{istanza}/comunicazione").routeId("rest-funzionario-get").to("direct:funzionario-get")
                .post("/istanze/{istanza}/comunicazione").routeId("rest-funzionario-decide").to("direct:funzionario-decide");

        fromApi("direct:funzionario-list", "funzionario-list-pending")
                .process(e -> ApiResponses.json(e, json, read.comunicazioniDaValidare()));

        fromApi("direct:funzionario-get", "funzionario-get-pending")
                .process(e -> {
                    Map<String, Object> c = proposals.pending(pratica(e));
                    if (c == null) throw ApiProblem.notFound("no communication waiting for validation");
                    ApiResponses.json(e, json, view(c));
                });

        fromApi("direct:funzionario-decide", "funzionario-validate-or-reject")
                .convertBodyTo(String.class)
                .process(this::decide);
    }

    private void decide(Exchange e) throws Exception {
        UUID id = pratica(e);
        String user = ApiParameters.operator(e);
        JsonNode body;
        try {
            body = json.readTree(e.getMessage().getBody(String.class));
        } catch (Exception bad) {
            throw ApiProblem.badRequest("the body is not JSON");
        }
        String azione = body == null ? "" : body.path("azione").asText();
        if ("RIFIUTA".equals(azione)) {
            if (!proposals.reject(id, user)) throw ApiProblem.conflict("no communication waiting for validation");
            ApiResponses.json(e, json, Map.of("esito", "RIFIUTATA"));
            return;
        }
        if (!"VALIDA".equals(azione)) throw ApiProblem.badRequest("azione must be VALIDA or RIFIUTA");
        try {
            esiti.requireOutcomeProposed(id);
            Map<String, Object> pending = proposals.pending(id);
            String tipo = body.hasNonNull("tipo") ? body.path("tipo").asText()
                    : pending == null ? null : (String) pending.get("tipo");
            if (tipo == null || !OspOutcome.TIPI.contains(tipo)) {
                throw ApiProblem.badRequest("tipo must be one of " + OspOutcome.TIPI + " (no proposal is pending to take it from)");
            }
            String testo = body.hasNonNull("testo") ? body.path("testo").asText() : null;
            if (testo != null && (testo.isBlank() || testo.length() > MAX_TESTO)) {
                throw ApiProblem.badRequest("testo must be 1.." + MAX_TESTO + " characters");
            }
            StatoPratica next = esiti.validateWithText(id, OspOutcome.esitoOf(tipo), user, testo);
            ApiResponses.json(e, json, Map.of("esito", "VALIDATA", "tipo", tipo, "stato", next.apiName()));
        } catch (LifecycleException notNow) {
            throw ApiProblem.conflict(notNow.getMessage());
        }
    }

    /** The istanza named in the path: the pratica's id, or its codice (the GEOPOST idIstanza). */
    private UUID pratica(Exchange e) {
        String ref = e.getMessage().getHeader("istanza", String.class);
        try {
            UUID id = UUID.fromString(ref);
            if (pratiche.exists(id)) return id;
        } catch (IllegalArgumentException notUuid) {
            var id = pratiche.idByCodice(ref);
            if (id.isPresent()) return id.get();
        }
        throw ApiProblem.notFound("no istanza " + ref);
    }


    private static Map<String, Object> view(Map<String, Object> c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", c.get("id"));
        out.put("tipo", c.get("tipo"));
        out.put("round", c.get("round"));
        out.put("testo", c.get("testo_proposto"));
        out.put("motivi", String.valueOf(c.get("motivi")));
        out.put("prescrizioni", String.valueOf(c.get("prescrizioni")));
        out.put("integrazioni", String.valueOf(c.get("integrazioni")));
        out.put("stato", c.get("stato"));
        return out;
    }
}
