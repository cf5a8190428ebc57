package it.comune.milano.suapgw.gateway.persistence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The one owner of {@code conferenza}: the conferenza dei servizi of a pratica. Caller's transaction. */
@Repository
public class ConferenzaRepository {
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public ConferenzaRepository(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public record Conferenza(UUID praticaId, List<String> richiedenti, String modalita, LocalDate dataConvocazione,
                             String canale, String attoResourceId, String esito) {
        public boolean convened() {
            return dataConvocazione != null || modalita != null;
        }
    }

    /** @return whether the ente was added as a requester (false: it had asked already) */
    public boolean addRequester(UUID praticaId, String enteCode, LocalDate date) {
        Optional<Conferenza> c = find(praticaId);
        if (c.isPresent() && c.get().richiedenti().contains(enteCode)) return false;
        ArrayNode r = json.createArrayNode();
        r.addObject().put("ente", enteCode).put("dataRichiesta", date.toString());
        jdbc.update("""
                insert into conferenza (pratica_id, richiedenti, requested_at) values (?, cast(? as jsonb), now())
                on conflict (pratica_id) do update set richiedenti = conferenza.richiedenti || excluded.richiedenti""",
                praticaId, r.toString());
        return true;
    }

    public void convened(UUID praticaId, String modalita, LocalDate data, String canale, String attoResourceId) {
        jdbc.update("""
                update conferenza set modalita = ?, data_convocazione = ?, canale = ?, atto_resource_id = ?, convened_at = now()
                 where pratica_id = ?""", modalita, data, canale, attoResourceId, praticaId);
    }

    public void determined(UUID praticaId, String esito, String motivazione) {
        jdbc.update("update conferenza set esito = ?, motivazione = ?, determined_at = now() where pratica_id = ?",
                esito, motivazione, praticaId);
    }

    public Optional<Conferenza> find(UUID praticaId) {
        List<Conferenza> rows = jdbc.query("""
                select pratica_id, richiedenti::text, modalita, data_convocazione, canale, atto_resource_id, esito
                  from conferenza where pratica_id = ?""", (rs, i) -> new Conferenza((UUID) rs.getObject(1),
                enti(rs.getString(2)), rs.getString(3), rs.getDate(4) == null ? null : rs.getDate(4).toLocalDate(),
                rs.getString(5), rs.getString(6), rs.getString(7)), praticaId);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** The richiedenti with the date each asked: [{ente, dataRichiesta}]. */
    public String richiedentiJson(UUID praticaId) {
        List<String> rows = jdbc.queryForList("select richiedenti::text from conferenza where pratica_id = ?", String.class, praticaId);
        return rows.isEmpty() ? "[]" : rows.get(0);
    }

    private List<String> enti(String richiedenti) {
        return JsonColumns.read(json, richiedenti).findValuesAsText("ente");
    }
}
