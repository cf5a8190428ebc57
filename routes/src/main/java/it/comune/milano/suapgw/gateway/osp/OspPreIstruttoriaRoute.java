package it.comune.milano.suapgw.gateway.osp;

import it.comune.milano.suapgw.gateway.common.ExchangeKeys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.ermes.ErmesMapper;
import it.comune.milano.suapgw.connectors.geri.GeriMapper;
import it.comune.milano.suapgw.connectors.osapi.OsapiMapper;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.common.OutboundHttp;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.config.HttpClients;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.model.VoceChecklist;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The pre-istruttoria of an OSP istanza as a scatter-gather: OSAPI, ERMES (acoustics, SCIA) and GERI asked in
 * parallel, each through its own HTTP client with its own timeout; a system that does not answer in time leaves its
 * items UNAVAILABLE and the outbox runs the checks again later — never a silent pass.
 */
@Component
public class OspPreIstruttoriaRoute extends GatewayRouteBuilder {
    private static final String ANSWERS = "ospAnswers", ANSWER_KEY = "ospAnswerKey", ROUND = "ospRound",
            DA_VERIFICARE = "ospDaVerificare";
    private static final String OSAPI = "osapi", ACUSTICA = "ermes-acustica", SCIA = "ermes-scia", GERI = "geri";

    private final OspIstruttoriaService istruttoria;
    private final Checklist checklist;
    private final OsapiMapper osapi;
    private final ErmesMapper ermes;
    private final GeriMapper geri;
    private final GatewayProperties props;
    private final ObjectMapper json;

    public OspPreIstruttoriaRoute(OspIstruttoriaService istruttoria, Checklist checklist, OsapiMapper osapi,
                                  ErmesMapper ermes, GeriMapper geri, GatewayProperties props, ObjectMapper json) {
        this.istruttoria = istruttoria;
        this.checklist = checklist;
        this.osapi = osapi;
        this.ermes = ermes;
        this.geri = geri;
        this.props = props;
        this.json = json;
    }

    @Override
    public void configure() {
        GatewayProperties.Osp cfg = props.osp();

        fromOutbox(OutboxKind.OSP_CHECKLIST, "osp-pre-istruttoria")
                .process(e -> {
                    e.setProperty(ROUND, Integer.parseInt(entry(e).payload()));
                    e.setProperty(DA_VERIFICARE, istruttoria.daVerificare(entry(e).praticaId()));
                    e.setProperty(ANSWERS, new ConcurrentHashMap<String, Object>());
                })
                .multicast(collectAnswers()).parallelProcessing().timeout(cfg.longestTimeoutMs() + 1000L)
                    .to("direct:osp-osapi", "direct:osp-ermes-acustica", "direct:osp-ermes-scia", "direct:osp-geri")
                .end()
                .process(this::evaluate);

        query("direct:osp-osapi", OSAPI, HttpClients.OSAPI, d -> cfg.osapiUrl() + OsapiMapper.OCCUPAZIONI,
                d -> osapi.occupazioniQuery(d.istanza()), osapi::occupazioni);
        query("direct:osp-ermes-acustica", ACUSTICA, HttpClients.ERMES, d -> cfg.ermesUrl() + ErmesMapper.IMPATTO_ACUSTICO,
                d -> ermes.query(d.istanza()), ermes::impattoAcustico);
        query("direct:osp-ermes-scia", SCIA, HttpClients.ERMES, d -> cfg.ermesUrl() + ErmesMapper.SCIA_SOMMINISTRAZIONE,
                d -> ermes.query(d.istanza()), ermes::scia);
        query("direct:osp-geri", GERI, HttpClients.GERI, d -> cfg.geriUrl() + geri.posizionePath(d.istanza().codiceFiscale()),
                d -> null, geri::posizione);
    }

    @SuppressWarnings("unchecked")
    private void evaluate(Exchange e) {
        OspIstruttoriaService.DaVerificare d = e.getProperty(DA_VERIFICARE, OspIstruttoriaService.DaVerificare.class);
        Map<String, Object> a = e.getProperty(ANSWERS, Map.class);
        List<VoceChecklist> voci = checklist.evaluate(d.istanza(), d.allegati(), new Checklist.Risposte(
                (List<OsapiMapper.Occupazione>) a.get(OSAPI), (ErmesMapper.ImpattoAcustico) a.get(ACUSTICA),
                (List<ErmesMapper.Scia>) a.get(SCIA), (GeriMapper.Posizione) a.get(GERI)));
        if (!istruttoria.onChecklist(entry(e).praticaId(), e.getProperty(ROUND, Integer.class), voci)) {
            // the round is booked; the outbox runs it again after its backoff: the istanza never passes with an unchecked item
            e.setProperty(ExchangeKeys.OUTBOX_RETRY, "pre-istruttoria incomplete: "
                    + voci.stream().filter(v -> Checklist.UNAVAILABLE.equals(v.esito())).map(VoceChecklist::codice).toList());
        }
    }

    /** One system of the scatter-gather: its answer read by its connector, or nothing when it failed or was slow. */
    private void query(String from, String key, String component, Function<OspIstruttoriaService.DaVerificare, String> url,
                       Function<OspIstruttoriaService.DaVerificare, String> query, Function<JsonNode, Object> read) {
        from(from).routeId("osp-query-" + key)
                .errorHandler(noErrorHandler())
                .process(e -> {
                    OspIstruttoriaService.DaVerificare d = e.getProperty(DA_VERIFICARE, OspIstruttoriaService.DaVerificare.class);
                    OutboundHttp.get(e, component, url.apply(d), query.apply(d));
                    e.setProperty(ANSWER_KEY, key);
                })
                .doTry()
                    .toD(OutboundHttp.TO_URL)
                    .convertBodyTo(String.class)
                    .process(e -> e.getMessage().setBody(read.apply(json.readTree(e.getMessage().getBody(String.class)))))
                .doCatch(Exception.class)
                    .log(LoggingLevel.WARN, "pre-istruttoria: " + key + " unavailable: ${exception.message}")
                    .setBody(constant(null))
                .end();
    }

    /** Each answer lands in the shared map under its system's key; a missing one stays absent (unavailable). */
    private static AggregationStrategy collectAnswers() {
        return (oldExchange, newExchange) -> {
            Object body = newExchange.getMessage().getBody();
            String key = newExchange.getProperty(ANSWER_KEY, String.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> answers = newExchange.getProperty(ANSWERS, Map.class);
            if (key != null && body != null) answers.put(key, body);
            return oldExchange == null ? newExchange : oldExchange;
        };
    }
}
