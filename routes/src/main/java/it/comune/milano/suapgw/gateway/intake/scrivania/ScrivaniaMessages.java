package it.comune.milano.suapgw.gateway.intake.scrivania;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Owner of {@code scrivania_message} (every cooperation message taken, keyed by codice pratica, progressivo and
 * protocol, with the answer it got) and of the Comune's protocol numbers for the communications back.
 */
@Repository
public class ScrivaniaMessages {
    public record Condivisione(String codicePratica, String messageXml) {
    }

    private final JdbcTemplate jdbc;

    public ScrivaniaMessages(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The answer a message with this key got, if it was taken before. */
    public Optional<String> previousAnswer(String codicePratica, int progressivo, String protocolloKey) {
        List<String> rows = jdbc.queryForList("""
                select answer from scrivania_message where codice_pratica = ? and progressivo = ? and protocollo_key = ?""",
                String.class, codicePratica, progressivo, protocolloKey);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public void insert(String codicePratica, int progressivo, String protocolloKey, UUID praticaId, String tipo,
                       String messageXml, String sha256, String answer) {
        jdbc.update("""
                insert into scrivania_message (codice_pratica, progressivo, protocollo_key, pratica_id, tipo_cooperazione,
                                               message_xml, body_sha256, answer, received_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, now())""",
                codicePratica, progressivo, protocolloKey, praticaId, tipo, messageXml, sha256, answer);
    }

    /** The message that shared the pratica: the communications back repeat its references. */
    public Condivisione condivisione(UUID praticaId) {
        Map<String, Object> m = jdbc.queryForMap("""
                select message_xml, codice_pratica from scrivania_message
                 where pratica_id = ? and tipo_cooperazione = ? order by received_at limit 1""",
                praticaId, ScrivaniaIntakeService.CONDIVISIONE);
        return new Condivisione((String) m.get("codice_pratica"), (String) m.get("message_xml"));
    }

    /** The next protocol number of the Comune's communications, fixed at enqueue so that retries repeat it. */
    public long nextProtocollo() {
        return jdbc.queryForObject("select nextval('scrivania_protocollo_seq')", Long.class);
    }
}
