package it.comune.milano.suapgw.gateway.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.geowork.GeoworkMapper;
import it.comune.milano.suapgw.connectors.osp.Checklist;
import it.comune.milano.suapgw.connectors.osp.IstanzaOsp;
import it.comune.milano.suapgw.connectors.ssu.SsuSchemas;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import it.comune.milano.suapgw.gateway.persistence.OutboxEntry;
import it.comune.milano.suapgw.gateway.service.OspOutbound;
import it.comune.milano.suapgw.gateway.service.OspService;
import it.comune.milano.suapgw.model.VoceChecklist;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import it.comune.milano.suapgw.schemas.geowork.RegistraAtto;
import it.comune.milano.suapgw.schemas.geowork.RegistraAttoResponse;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.apache.camel.component.http.HttpComponent;


import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The OSP workflow's conversations with the Comune's systems: GEOPOST events in (push and catch-up poll), the
 * pre-istruttoria as a scatter-gather over OSAPI, ERMES and GERI with a timeout per system, and the outbound calls
 * of a validated act (OSAPI concession, GERI canone, GEOPOST communication).
 */
@Component
public class OspRoute extends RouteBuilder {
    static final String EVENTO = "classpath:osp/geopost.yaml#/components/schemas/Evento";
    private static final String ANSWERS = "ospAnswers";

    private final OspService osp;
    private final OspOutbound outbound;
    private final Checklist checklist;
    private final SsuSchemas schemas;
    private final DeadLetterStore deadLetters;
    private final GatewayProperties props;
    private final ObjectMapper json;
    private final GeoworkMapper geowork;

    public OspRoute(OspService osp, OspOutbound outbound, Checklist checklist, SsuSchemas schemas,
                    DeadLetterStore deadLetters, GatewayProperties props, ObjectMapper json, GeoworkMapper geowork) {
        this.geowork = geowork;
        this.osp = osp;
        this.outbound = outbound;
        this.checklist = checklist;
        this.schemas = schemas;
        this.deadLetters = deadLetters;
        this.props = props;
        this.json = json;
    }

    /** The HTTP clients of the pre-istruttoria, one per system: a system slower than its timeout counts as unavailable. */
    @Bean("osapihttp")
    public HttpComponent osapiHttp(GatewayProperties props) {
        return httpWithTimeout(props.osp().timeoutMs("osapi"));
    }

    @Bean("ermeshttp")
    public HttpComponent ermesHttp(GatewayProperties props) {
        return httpWithTimeout(props.osp().timeoutMs("ermes"));
    }

    @Bean("gerihttp")
    public HttpComponent geriHttp(GatewayProperties props) {
        return httpWithTimeout(props.osp().timeoutMs("geri"));
    }

    private static HttpComponent httpWithTimeout(long ms) {
        HttpComponent c = new HttpComponent();
        c.setConnectTimeout(ms);
        c.setConnectionRequestTimeout(ms);
        c.setResponseTimeout(ms);
        c.setSoTimeout(ms);
        return c;
    }

    @Override
    public void configure() {
        GatewayProperties.Osp cfg = props.osp();

        rest("/geopost").post("/eventi").to("direct:geopost-push");

        from("direct:geopost-push").routeId("geopost-event-push")
                .convertBodyTo(String.class)
                .process(e -> {
                    String raw = e.getMessage().getBody(String.class);
                    e.getMessage().getHeaders().clear();
                    e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                    JsonNode event;
                    try {
                        event = json.readTree(raw);
                    } catch (Exception bad) {
                        refuse(e, "the body is not JSON");
                        return;
                    }
                    List<String> errors = event == null ? List.of("empty body") : schemas.validate(EVENTO, event);
                    if (!errors.isEmpty()) {
                        refuse(e, String.join("; ", errors));
                        return;
                    }
                    try {
                        OspService.Ricezione r = osp.receive(event, "PUSH");
                        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                        e.getMessage().setBody(json.createObjectNode().put("esito", r.esito())
                                .put("idPratica", r.praticaId().toString()).toString());
                    } catch (OspService.EventoNonValido bad) {
                        refuse(e, bad.getMessage());
                    } catch (org.springframework.dao.DuplicateKeyException raced) {
                        // the catch-up poll took the same event a moment earlier: taken once, answer as a repeat
                        OspService.Ricezione r = osp.receive(event, "PUSH");
                        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                        e.getMessage().setBody(json.createObjectNode().put("esito", r.esito())
                                .put("idPratica", r.praticaId().toString()).toString());
                    }
                });

        // catch-up: whatever GEOPOST holds after the last event taken, including what was pushed while we were down
        from("timer:geopost-catch-up?delay=1000&period=" + cfg.pollPeriodMs()).routeId("geopost-catch-up")
                .process(e -> {
                    e.getMessage().getHeaders().clear();
                    e.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
                    e.getMessage().setHeader(Exchange.HTTP_QUERY, "dopo=" + osp.cursor() + "&limite=100");
                    e.getMessage().setBody(null);
                })
                .doTry()
                    .to(cfg.geopostUrl() + "/api/eventi")
                    .convertBodyTo(String.class)
                    .process(this::takePolledEvents)
                .doCatch(Exception.class)
                    .log(org.apache.camel.LoggingLevel.DEBUG, "GEOPOST catch-up poll failed: ${exception.message}")
                .end();

        // ------------------------------------------------------------ pre-istruttoria (scatter-gather)
        from("direct:outbox-OSP_CHECKLIST").routeId("osp-pre-istruttoria")
                .errorHandler(noErrorHandler())
                .process(e -> {
                    OutboxEntry o = e.getMessage().getBody(OutboxEntry.class);
                    e.setProperty("round", Integer.parseInt(o.payload()));
                    e.setProperty("daVerificare", osp.daVerificare(o.praticaId()));
                    e.setProperty(ANSWERS, new HashMap<String, JsonNode>());
                })
                .multicast(collectAnswers()).parallelProcessing().timeout(cfg.longestTimeoutMs() + 1000L)
                    .to("direct:osp-osapi", "direct:osp-ermes-acustica", "direct:osp-ermes-scia", "direct:osp-geri")
                .end()
                .process(e -> {
                    OutboxEntry o = e.getProperty("outboxEntry", OutboxEntry.class);
                    OspService.DaVerificare d = e.getProperty("daVerificare", OspService.DaVerificare.class);
                    @SuppressWarnings("unchecked")
                    Map<String, JsonNode> a = e.getProperty(ANSWERS, Map.class);
                    List<VoceChecklist> voci = checklist.evaluate(d.istanza(), d.allegati(), new Checklist.Risposte(
                            a.get("osapi"), a.get("ermes-acustica"), a.get("ermes-scia"), a.get("geri")));
                    if (!osp.onChecklist(o.praticaId(), e.getProperty("round", Integer.class), voci)) {
                        // the outbox retries with backoff: the istanza waits, it never passes with an unchecked item
                        throw new IllegalStateException("pre-istruttoria incomplete: "
                                + voci.stream().filter(v -> Checklist.UNAVAILABLE.equals(v.esito())).map(VoceChecklist::codice).toList());
                    }
                });

        query("direct:osp-osapi", "osapi", "osapihttp", d -> cfg.osapiUrl() + "/api/occupazioni", OspRoute::cfLonLat);
        query("direct:osp-ermes-acustica", "ermes-acustica", "ermeshttp", d -> cfg.ermesUrl() + "/api/impatto-acustico",
                OspRoute::cfLonLat);
        query("direct:osp-ermes-scia", "ermes-scia", "ermeshttp", d -> cfg.ermesUrl() + "/api/scia-somministrazione",
                OspRoute::cfLonLat);
        query("direct:osp-geri", "geri", "gerihttp",
                d -> cfg.geriUrl() + "/api/posizioni/" + OutboundHttp.segment(d.istanza().codiceFiscale()), d -> null);

        // ------------------------------------------------------------ the validated act, in order
        from("direct:outbox-OSAPI_REGISTER").routeId("osp-osapi-register-concession")
                .errorHandler(noErrorHandler())
                .process(e -> post(e, cfg.osapiUrl() + "/api/concessioni", outbound.osapiRequest(entry(e).praticaId())))
                .toD("${exchangeProperty." + OutboundHttp.URL + "}")
                .convertBodyTo(String.class)
                .process(e -> outbound.onConcessioneRegistered(entry(e).praticaId(), UUID.fromString(entry(e).payload()),
                        json.readTree(e.getMessage().getBody(String.class)).path("numeroConcessione").asText()));

        from("direct:outbox-GERI_CANONE").routeId("osp-geri-canone-due")
                .errorHandler(noErrorHandler())
                .process(e -> post(e, cfg.geriUrl() + "/api/canoni", outbound.geriRequest(entry(e).praticaId(),
                        UUID.fromString(entry(e).payload()))))
                .toD("${exchangeProperty." + OutboundHttp.URL + "}")
                .convertBodyTo(String.class)
                .process(e -> outbound.onCanoneRegistered(entry(e).praticaId(), UUID.fromString(entry(e).payload()),
                        json.readTree(e.getMessage().getBody(String.class)).path("idAvviso").asText()));

        from("direct:outbox-GEOPOST_SEND").routeId("osp-geopost-send-communication")
                .errorHandler(noErrorHandler())
                .process(e -> {
                    UUID cid = UUID.fromString(entry(e).payload());
                    post(e, cfg.geopostUrl() + "/api/istanze/" + OutboundHttp.segment(outbound.codiceOf(entry(e).praticaId()))
                            + "/comunicazioni", outbound.geopostCommunication(entry(e).praticaId(), cid));
                })
                .toD("${exchangeProperty." + OutboundHttp.URL + "}")
                .convertBodyTo(String.class)
                .process(e -> outbound.onCommunicationSent(entry(e).praticaId(), UUID.fromString(entry(e).payload()),
                        json.readTree(e.getMessage().getBody(String.class)).path("ricevuta").asText()));

        from("direct:outbox-GEOWORK_ATTO").routeId("osp-geowork-file-act")
                .errorHandler(noErrorHandler())
                .process(this::fileInGeowork)
                .to("cxf:bean:geoworkClient")
                .process(e -> {
                    RegistraAttoResponse r = (RegistraAttoResponse) e.getMessage().getBody(List.class).get(0);
                    if (!r.isRegistrato()) throw new IllegalStateException("Geowork did not file the act");
                    outbound.onAttoFiled(entry(e).praticaId(), UUID.fromString(entry(e).payload()),
                            e.getProperty("tipoAtto", String.class));
                });
    }

    private void fileInGeowork(Exchange e) throws Exception {
        UUID cid = UUID.fromString(entry(e).payload());
        // the act exactly as GEOPOST received it
        ObjectNode c = outbound.geopostCommunication(entry(e).praticaId(), cid);
        RegistraAtto atto = geowork.registraAtto(entry(e).praticaId().toString(), cid.toString(), c.path("tipo").asText(),
                c.hasNonNull("numeroConcessione") ? c.path("numeroConcessione").asText() : null, c.path("testo").asText(),
                c.path("validataDa").asText(), c.path("validataIl").asText());
        e.setProperty("tipoAtto", atto.getTipoAtto());
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(CxfConstants.OPERATION_NAME, "registraAtto");
        e.getMessage().setBody(atto);
    }

    private void takePolledEvents(Exchange e) throws Exception {
        JsonNode body = json.readTree(e.getMessage().getBody(String.class));
        for (JsonNode event : body.path("eventi")) {
            List<String> errors = schemas.validate(EVENTO, event);
            try {
                if (!errors.isEmpty()) throw new OspService.EventoNonValido(String.join("; ", errors));
                osp.receive(event, "POLL");
            } catch (OspService.EventoNonValido bad) {
                // set aside, never silently dropped, and the poll moves past it
                deadLetters.add("GEOPOST_EVENT_REJECTED", props.osp().geopostUrl(), bad.getMessage(), event.toString(),
                        null, null, null);
            }
            osp.advanceCursor(event.path("seq").asLong());
        }
    }

    private void query(String from, String key, String component, Function<OspService.DaVerificare, String> url,
                       Function<OspService.DaVerificare, String> query) {
        from(from).routeId("osp-query-" + key)
                .errorHandler(noErrorHandler())
                .process(e -> {
                    OspService.DaVerificare d = e.getProperty("daVerificare", OspService.DaVerificare.class);
                    e.getMessage().getHeaders().clear();
                    e.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
                    String q = query.apply(d);
                    if (q != null) e.getMessage().setHeader(Exchange.HTTP_QUERY, q);
                    e.getMessage().setBody(null);
                    e.setProperty(OutboundHttp.URL, url.apply(d).replaceFirst("^http", component));
                    e.setProperty("answerKey", key);
                })
                .doTry()
                    .toD("${exchangeProperty." + OutboundHttp.URL + "}")
                    .convertBodyTo(String.class)
                    .process(e -> e.getMessage().setBody(json.readTree(e.getMessage().getBody(String.class))))
                .doCatch(Exception.class)
                    .log(org.apache.camel.LoggingLevel.INFO, "pre-istruttoria: " + key + " unavailable: ${exception.message}")
                    .setBody(constant(null))
                .end();
    }

    private static String cfLonLat(OspService.DaVerificare d) {
        IstanzaOsp i = d.istanza();
        return "codiceFiscale=" + OutboundHttp.segment(i.codiceFiscale()) + "&lon=" + i.lon() + "&lat=" + i.lat();
    }

    /** Each answer lands in the shared map under its system's key; a missing one stays absent (unavailable). */
    private static AggregationStrategy collectAnswers() {
        return (oldExchange, newExchange) -> {
            Exchange target = oldExchange == null ? newExchange : oldExchange;
            Object body = newExchange.getMessage().getBody();
            String key = newExchange.getProperty("answerKey", String.class);
            @SuppressWarnings("unchecked")
            Map<String, JsonNode> answers = newExchange.getProperty(ANSWERS, Map.class);
            if (key != null && body instanceof JsonNode n) {
                synchronized (answers) {
                    answers.put(key, n);
                }
            }
            return target;
        };
    }

    private static OutboxEntry entry(Exchange e) {
        return e.getProperty("outboxEntry", OutboxEntry.class);
    }

    private static void post(Exchange e, String url, ObjectNode body) {
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(body.toString());
        e.setProperty(OutboundHttp.URL, url);
    }

    private void refuse(Exchange e, String why) {
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 400);
        e.getMessage().setBody(json.createObjectNode().put("codice", "RICHIESTA_NON_VALIDA").put("messaggio", why).toString());
    }
}
