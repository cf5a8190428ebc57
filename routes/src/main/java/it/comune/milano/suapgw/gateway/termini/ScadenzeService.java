package it.comune.milano.suapgw.gateway.termini;

import it.comune.milano.suapgw.gateway.common.PraticaMdc;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.model.TerminiIstanza.Tipo;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A term ran out: marked expired and handed to the flow that owns that kind of term, in one transaction. */
@Service
public class ScadenzeService {
    private final TermineService termini;
    private final PraticaRepository pratiche;
    private final Map<Tipo, ScadenzaHandler> handlers = new EnumMap<>(Tipo.class);

    public ScadenzeService(TermineService termini, PraticaRepository pratiche, List<ScadenzaHandler> handlers) {
        this.termini = termini;
        this.pratiche = pratiche;
        handlers.forEach(h -> this.handlers.put(h.tipo(), h));
    }

    @Transactional
    public void onTimer(UUID praticaId, long termineId) {
        PraticaMdc.set(praticaId, null);
        pratiche.lock(praticaId);
        termini.expire(termineId).ifPresent(t -> {
            ScadenzaHandler h = handlers.get(t.kind());
            if (h != null) h.onScadenza(praticaId, pratiche.stateOf(praticaId));
        });
    }
}
