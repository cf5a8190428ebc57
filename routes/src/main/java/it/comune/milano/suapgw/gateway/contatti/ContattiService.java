package it.comune.milano.suapgw.gateway.contatti;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.gateway.api.ApiProblem;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The contact centre: every contact with a citizen or a business (who, when, channel, subject, the pratica, the
 * answer, the follow-up promised and its due date). A contact about a pratica is also an entry of its chained
 * timeline; every creation, view, listing and change of a contact is itself recorded ({@code contatto_accesso}).
 */
@Service
public class ContattiService {
    public static final Set<String> CANALI = Set.of("TELEFONO", "EMAIL", "PEC", "SPORTELLO", "CHAT");
    public static final Set<String> CATEGORIE = Set.of("INFORMAZIONI", "STATO_PRATICA", "DOCUMENTI", "TERMINI", "PAGAMENTI",
            "RECLAMO", "ALTRO");

    private final JdbcTemplate jdbc;
    private final PraticaRepository pratiche;
    private final TimelineStore timeline;

    public ContattiService(JdbcTemplate jdbc, PraticaRepository pratiche, TimelineStore timeline) {
        this.jdbc = jdbc;
        this.pratiche = pratiche;
        this.timeline = timeline;
    }

    @Transactional
    public long create(String operatore, JsonNode in) {
        if (in == null || !in.isObject()) throw ApiProblem.badRequest("the body must be a JSON object");
        String canale = oneOf(in, "canale", CANALI);
        String categoria = oneOf(in, "categoria", CATEGORIE);
        String interlocutore = text(in, "interlocutore", 200, true);
        String oggetto = text(in, "oggetto", 300, true);
        String risposta = text(in, "risposta", 10_000, true);
        String seguito = text(in, "seguito", 2_000, false);
        LocalDate scadenza = null;
        if (seguito != null) {
            String s = text(in, "seguitoScadenza", 10, true);
            try {
                scadenza = LocalDate.parse(s);
            } catch (DateTimeParseException bad) {
                throw ApiProblem.badRequest("seguitoScadenza must be a date (YYYY-MM-DD)");
            }
        }
        if (!in.path("risolto").isBoolean()) throw ApiProblem.badRequest("risolto must be true or false");
        boolean risolto = in.path("risolto").asBoolean();
        if (risolto && seguito != null) throw ApiProblem.badRequest("a contact resolved at once has no follow-up");
        if (!risolto && seguito == null) throw ApiProblem.badRequest("a contact not resolved needs its follow-up (seguito, seguitoScadenza)");
        UUID pratica = in.hasNonNull("pratica") ? pratica(text(in, "pratica", 100, true)) : null;

        GeneratedKeyHolder key = new GeneratedKeyHolder();
        LocalDate due = scadenza;
        jdbc.update(c -> {
            PreparedStatement ps = c.prepareStatement("""
                    insert into contatto (pratica_id, at, operatore, canale, interlocutore, categoria, oggetto, risposta, risolto,
                                          seguito, seguito_scadenza)
                    values (?, clock_timestamp(), ?, ?, ?, ?, ?, ?, ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS);
            ps.setObject(1, pratica);
            ps.setString(2, operatore);
            ps.setString(3, canale);
            ps.setString(4, interlocutore);
            ps.setString(5, categoria);
            ps.setString(6, oggetto);
            ps.setString(7, risposta);
            ps.setBoolean(8, risolto);
            ps.setString(9, seguito);
            ps.setObject(10, due == null ? null : Date.valueOf(due));
            return ps;
        }, key);
        long id = ((Number) key.getKeys().get("id")).longValue();
        trace(id, operatore, "CREATE", null);
        if (pratica != null) {
            String digest = ContentHashes.sha256Hex(String.join("\n", canale, categoria, interlocutore, oggetto, risposta,
                    String.valueOf(risolto), seguito == null ? "" : seguito, due == null ? "" : due.toString()));
            timeline.record(pratica, TimelineStore.IN, "CONTACT_CENTRE", "contatto", canale, digest,
                    "contatto " + id + " (" + categoria + ") registrato da " + operatore + ": " + oggetto);
        }
        return id;
    }

    /** Contacts, newest first: of a pratica, or the follow-ups still open (past due only, if asked). */
    public List<Map<String, Object>> list(String operatore, UUID pratica, boolean openFollowUps, boolean pastDueOnly) {
        StringBuilder sql = new StringBuilder("select * from contatto where 1=1");
        List<Object> args = new java.util.ArrayList<>();
        if (pratica != null) {
            sql.append(" and pratica_id = ?");
            args.add(pratica);
        }
        if (openFollowUps) sql.append(" and seguito is not null and seguito_chiuso_at is null");
        if (pastDueOnly) sql.append(" and seguito_scadenza < current_date");
        sql.append(" order by at desc limit 500");
        trace(null, operatore, "LIST", (pratica == null ? "" : "pratica " + pratica + " ") + (openFollowUps ? "seguiti aperti" : ""));
        return jdbc.queryForList(sql.toString(), args.toArray());
    }

    public Optional<Map<String, Object>> get(String operatore, long id) {
        List<Map<String, Object>> rows = jdbc.queryForList("select * from contatto where id = ?", id);
        if (rows.isEmpty()) return Optional.empty();
        trace(id, operatore, "VIEW", null);
        return Optional.of(rows.get(0));
    }

    @Transactional
    public void closeFollowUp(String operatore, long id, String note) {
        Map<String, Object> c = jdbc.queryForList("select * from contatto where id = ? for update", id).stream().findFirst()
                .orElseThrow(() -> ApiProblem.notFound("no contact " + id));
        if (c.get("seguito") == null || c.get("seguito_chiuso_at") != null) throw ApiProblem.conflict("no open follow-up on contact " + id);
        jdbc.update("update contatto set seguito_chiuso_at = clock_timestamp(), seguito_chiuso_da = ? where id = ?", operatore, id);
        trace(id, operatore, "CLOSE_FOLLOW_UP", note == null ? null : note.length() > 300 ? note.substring(0, 300) : note);
        if (c.get("pratica_id") != null) {
            timeline.record((UUID) c.get("pratica_id"), TimelineStore.INTERNAL, "CONTACT_CENTRE", "seguito_chiuso", "CLOSED", null,
                    "seguito del contatto " + id + " chiuso da " + operatore);
        }
    }

    public List<Map<String, Object>> accessi(long id) {
        return jdbc.queryForList("select at, operatore, azione, dettaglio from contatto_accesso where contatto_id = ? order by id", id);
    }

    /** Volumes per category, resolved at the first contact, open follow-ups past due. */
    public Map<String, Object> kpi(LocalDate dal, LocalDate al) {
        List<Map<String, Object>> perCategoria = jdbc.queryForList("""
                select categoria, count(*) as contatti, count(*) filter (where risolto) as risolti_al_primo_contatto,
                       round(100.0 * count(*) filter (where risolto) / nullif(count(*), 0), 1) as risoluzione_primo_contatto_percento
                  from contatto where (at at time zone 'Europe/Rome')::date between ? and ?
                 group by categoria order by categoria""", Date.valueOf(dal), Date.valueOf(al));
        Map<String, Object> totals = jdbc.queryForMap("""
                select count(*) as contatti, count(*) filter (where risolto) as risolti_al_primo_contatto,
                       round(100.0 * count(*) filter (where risolto) / nullif(count(*), 0), 1) as risoluzione_primo_contatto_percento
                  from contatto where (at at time zone 'Europe/Rome')::date between ? and ?""", Date.valueOf(dal), Date.valueOf(al));
        Long pastDue = jdbc.queryForObject("""
                select count(*) from contatto where seguito is not null and seguito_chiuso_at is null
                   and seguito_scadenza < current_date""", Long.class);
        Long open = jdbc.queryForObject("select count(*) from contatto where seguito is not null and seguito_chiuso_at is null", Long.class);
        return Map.of("dal", dal.toString(), "al", al.toString(), "perCategoria", perCategoria, "totale", totals,
                "seguitiAperti", open, "seguitiScaduti", pastDue);
    }

    private void trace(Long id, String operatore, String azione, String dettaglio) {
        jdbc.update("insert into contatto_accesso (contatto_id, at, operatore, azione, dettaglio) values (?, clock_timestamp(), ?, ?, ?)",
                id, operatore, azione, dettaglio);
    }

    /** The pratica by its id, codice pratica or CUI uuid. */
    private UUID pratica(String ref) {
        try {
            UUID id = UUID.fromString(ref);
            if (pratiche.exists(id)) return id;
        } catch (IllegalArgumentException notUuid) {
            // a codice or a CUI
        }
        return pratiche.idByCodice(ref).or(() -> pratiche.idByCui(ref))
                .orElseThrow(() -> ApiProblem.badRequest("no pratica " + (ref.length() > 60 ? ref.substring(0, 60) + "..." : ref)));
    }

    private static String oneOf(JsonNode in, String field, Set<String> allowed) {
        String v = in.path(field).asText("").toUpperCase(java.util.Locale.ROOT);
        if (!allowed.contains(v)) throw ApiProblem.badRequest(field + " must be one of " + new java.util.TreeSet<>(allowed));
        return v;
    }

    private static String text(JsonNode in, String field, int max, boolean required) {
        JsonNode n = in.get(field);
        if (n == null || n.isNull() || (n.isTextual() && n.asText().isBlank())) {
            if (required) throw ApiProblem.badRequest(field + " is required");
            return null;
        }
        if (!n.isTextual()) throw ApiProblem.badRequest(field + " must be text");
        String v = n.asText().strip();
        if (v.length() > max) throw ApiProblem.badRequest(field + " is longer than " + max + " characters");
        if (!JsonContracts.storable(v)) throw ApiProblem.badRequest(field + " holds U+0000 or an unpaired surrogate");
        return v;
    }
}
