package it.comune.milano.suapgw.model;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * One request for a parere to one ente in one round, with what every channel needs: the pratica's code and channel,
 * the pre-istruttoria checklist when the channel ran one, the reminder count ({@code sollecito}, 0 for the request
 * itself) and, from round 2 on, the earlier parere it follows.
 */
public record RichiestaParere(UUID id, UUID praticaId, String enteCode, int round, LocalDate deadline,
                              String codicePratica, Canale canale, List<VoceChecklist> checklist, int sollecito,
                              ParerePrecedente precedente) {
    public record ParerePrecedente(UUID idRichiesta, Esito esito) {
    }

    public RichiestaParere {
        checklist = checklist == null ? List.of() : List.copyOf(checklist);
    }
}
