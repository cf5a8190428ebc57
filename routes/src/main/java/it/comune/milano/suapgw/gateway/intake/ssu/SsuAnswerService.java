package it.comune.milano.suapgw.gateway.intake.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.OffsetDateTime;
import java.util.UUID;

/** What the back-office owes the front-office (fo_to_bo notify, retry) and the Catalogo (audit), and their booking. */
@Service
public class SsuAnswerService {
    private final PraticaRepository pratiche;
    private final TimelineStore timeline;
    private final SsuMapper ssu;

    public SsuAnswerService(PraticaRepository pratiche, TimelineStore timeline, SsuMapper ssu) {
        this.pratiche = pratiche;
        this.timeline = timeline;
        this.ssu = ssu;
    }

    public String notifyBody(UUID id, String event) {
        return ssu.notify(pratiche.cuiOf(id), pratiche.descriptorVersionOf(id), event).toString();
    }

    public String auditBody(UUID id, String message) {
        return ssu.audit(pratiche.cuiOf(id), message, OffsetDateTime.now()).toString();
    }

    @Transactional
    public void onFrontOfficeCalled(UUID id, String operation, String sha256, String detail) {
        if ("notify".equals(operation)) pratiche.markFrontOfficeNotified(id);
        timeline.record(id, TimelineStore.OUT, "FRONTOFFICE", operation, "DELIVERED", sha256, detail);
    }

    /** @param response the Catalogo's answer (AuditResponse), possibly empty */
    @Transactional
    public void onAudited(UUID id, String message, String sha256, JsonNode response) {
        String type = response == null ? "ok" : response.path("type").asText("ok");
        timeline.record(id, TimelineStore.OUT, "CATALOGO", "audit " + message, type, sha256, null);
    }
}
