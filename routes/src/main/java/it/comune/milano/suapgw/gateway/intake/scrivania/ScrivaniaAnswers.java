package it.comune.milano.suapgw.gateway.intake.scrivania;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.scrivania.PraticaScrivania;
import it.comune.milano.suapgw.connectors.scrivania.ScrivaniaMapper;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.JsonColumns;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository.UltimoParere;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.schemas.infocamere.ente.CooperazioneEnteSUAP;
import it.comune.milano.suapgw.schemas.infocamere.pratica.EstremiEnte;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The Comune's communications back to the scrivania about a pre-SSU pratica: the final act, or the request for an
 * integration, repeating the references of the message that shared the pratica.
 */
@Service
public class ScrivaniaAnswers {
    private final ScrivaniaMessages messages;
    private final PareriRepository pareri;
    private final TimelineStore timeline;
    private final ScrivaniaMapper mapper;
    private final GatewayProperties props;
    private final ObjectMapper json;

    public ScrivaniaAnswers(ScrivaniaMessages messages, PareriRepository pareri, TimelineStore timeline,
                            ScrivaniaMapper mapper, GatewayProperties props, ObjectMapper json) {
        this.messages = messages;
        this.pareri = pareri;
        this.timeline = timeline;
        this.mapper = mapper;
        this.props = props;
        this.json = json;
    }

    public record Comunicazione(String codicePratica, String tipoCooperazione, CooperazioneEnteSUAP message) {
    }

    /** Outbox payload of the communication that announces a state; the protocol number is fixed once, for retries. */
    public String payload(StatoPratica state, Esito esito, LocalDate data) {
        String tipo = state == StatoPratica.INTEGRATION_REQUESTED
                ? ScrivaniaIntakeService.RICHIESTA_INTEGRAZIONE : ScrivaniaIntakeService.RILASCIO;
        return json.createObjectNode().put("tipoCooperazione", tipo).put("esito", esito.name()).put("stato", state.apiName())
                .put("protocollo", String.format("%07d", messages.nextProtocollo() % 10_000_000))
                .put("data", data.toString()).toString();
    }

    /** The communication of an outbox payload. */
    public Comunicazione communication(UUID id, String payload) {
        JsonNode a = JsonColumns.read(json, payload);
        ScrivaniaMessages.Condivisione m = messages.condivisione(id);
        String tipo = a.path("tipoCooperazione").asText();
        Esito esito = Esito.valueOf(a.path("esito").asText());
        List<UltimoParere> latest = pareri.latestPareri(id);
        String oggetto;
        String testo;
        if (ScrivaniaIntakeService.RICHIESTA_INTEGRAZIONE.equals(tipo)) {
            oggetto = "Richiesta di integrazione documentale";
            testo = "Per la pratica " + m.codicePratica() + " si richiede un'integrazione documentale. "
                    + latest.stream().filter(p -> p.esito() != Esito.POSITIVO).map(ScrivaniaAnswers::describe)
                    .collect(Collectors.joining(" "));
        } else {
            String come = esito == Esito.POSITIVO ? "positivo" : "negativo";
            oggetto = "Provvedimento finale: esito " + come;
            testo = "Istruttoria della pratica " + m.codicePratica() + " conclusa con esito " + come + ". "
                    + latest.stream().map(ScrivaniaAnswers::describe).collect(Collectors.joining(" "));
        }
        GatewayProperties.Scrivania s = props.scrivania();
        EstremiEnte mittente = new EstremiEnte();
        mittente.setValue(s.enteName());
        mittente.setCodiceAmministrazione(s.enteCodiceAmministrazione());
        mittente.setCodiceAoo(s.enteCodiceAoo());
        PraticaScrivania.Protocollo protocollo = new PraticaScrivania.Protocollo(s.enteCodiceAmministrazione(),
                s.enteCodiceAoo(), a.path("protocollo").asText(), LocalDate.parse(a.path("data").asText()));
        return new Comunicazione(m.codicePratica(), tipo,
                mapper.communication(mapper.fromXml(m.messageXml()), mittente, tipo, oggetto, testo.trim(), protocollo));
    }

    private static String describe(UltimoParere p) {
        StringBuilder b = new StringBuilder("Parere " + p.enteCode() + ": " + p.esito().name().toLowerCase(Locale.ROOT));
        if (p.motivazione() != null && !p.motivazione().isBlank()) b.append(" (").append(p.motivazione()).append(")");
        if (!p.prescrizioni().isEmpty()) b.append("; prescrizioni: ").append(String.join("; ", p.prescrizioni()));
        return b.append(".").toString();
    }

    @Transactional
    public void onDelivered(UUID id, String tipo, String protocollo, String returnValue) {
        timeline.record(id, TimelineStore.OUT, "SCRIVANIA", "inviaEnteSUAP " + tipo, "DELIVERED", null,
                "protocollo " + protocollo + ", risposta: " + returnValue);
    }
}
