package it.comune.milano.suapgw.gateway.kpi;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SUAP's figures (the agreement with the Chamber of Commerce: pratiche, procedure types, processing times; the
 * performance plan's SLA): pratiche presented in a period, grouped by month, procedure, channel, or ente (their
 * pareri). Processing time runs from presentation to the final state, net of the suspensions in between; a pratica is
 * within its term when it ended by the expiry of its procedural term ({@code termine} PROCEDIMENTO, which suspensions
 * move on).
 */
@Service
public class KpiService {
    public enum Per { MESE, PROCEDIMENTO, CANALE, ENTE }

    private static final String ZONE = "Europe/Rome";
    private final JdbcTemplate jdbc;

    public KpiService(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The pratiche of the period, each with its net processing days (null while open) and whether it met its term. */
    private static final String PRATICHE = """
            with p as (
              select pr.id, pr.channel, coalesce(pr.procedure_code, '-') as procedimento, pr.presented_at, pr.concluded_at,
                     to_char(pr.presented_at at time zone '%1$s', 'YYYY-MM') as mese,
                     (select t.scadenza from termine t where t.pratica_id = pr.id and t.kind = 'PROCEDIMENTO') as scadenza,
                     coalesce((select sum(extract(epoch from (least(coalesce(s.al_at, pr.concluded_at, now()), coalesce(pr.concluded_at, now()))
                                                           - s.dal_at)))
                                 from sospensione s where s.pratica_id = pr.id), 0) / 86400.0 as giorni_sospesi
                from pratica pr
               where (pr.presented_at at time zone '%1$s')::date between ? and ?
            ), n as (
              select p.*, case when p.concluded_at is null then null
                          else greatest(0, extract(epoch from (p.concluded_at - p.presented_at)) / 86400.0 - p.giorni_sospesi) end as giorni_netti
                from p
            )
            """.formatted(ZONE);

    /** The figures of a group of pratiche (of {@link #PRATICHE}), the same for a row and for the whole period. */
    private static final String FIGURES = """
            count(*) as ricevute,
            count(*) filter (where concluded_at is null) as aperte,
            count(*) filter (where concluded_at is not null) as concluse,
            count(*) filter (where concluded_at is not null and scadenza is not null) as concluse_con_termine,
            count(*) filter (where concluded_at is not null and scadenza is not null
                               and (concluded_at at time zone '%s')::date <= scadenza) as concluse_nel_termine,
            avg(giorni_netti) as giorni_medi_netti,
            percentile_cont(0.9) within group (order by giorni_netti) as giorni_p90_netti""".formatted(ZONE);

    public List<Map<String, Object>> figures(LocalDate dal, LocalDate al, Per per) {
        if (per == Per.ENTE) return pareri(dal, al);
        String key = switch (per) {
            case MESE -> "mese";
            case PROCEDIMENTO -> "procedimento";
            default -> "channel";
        };
        List<Map<String, Object>> rows = jdbc.queryForList(PRATICHE + """
                select %1$s as gruppo, %2$s
                  from n group by %1$s order by %1$s""".formatted(key, FIGURES), Date.valueOf(dal), Date.valueOf(al));
        rows.forEach(KpiService::derive);
        return rows;
    }

    /** Per ente: the pareri asked for pratiche of the period, answered, late, and how long they took. */
    private List<Map<String, Object>> pareri(LocalDate dal, LocalDate al) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                select r.ente_code as gruppo,
                       count(*) as richieste,
                       count(*) filter (where r.status = 'ANSWERED') as risposte,
                       count(*) filter (where r.status = 'OPEN' and r.deadline < current_date) as scadute_senza_risposta,
                       count(*) filter (where r.answered_at is not null and (r.answered_at at time zone '%1$s')::date > r.deadline) as risposte_in_ritardo,
                       avg(extract(epoch from (r.answered_at - coalesce(r.sent_at, r.requested_at))) / 86400.0)
                           filter (where r.answered_at is not null) as giorni_medi_risposta
                  from richiesta_parere r join pratica p on p.id = r.pratica_id
                 where (p.presented_at at time zone '%1$s')::date between ? and ?
                 group by r.ente_code order by r.ente_code""".formatted(ZONE), Date.valueOf(dal), Date.valueOf(al));
        rows.forEach(r -> r.put("giorni_medi_risposta", round(r.get("giorni_medi_risposta"))));
        return rows;
    }

    /** The whole period in one row, and what needs attention now. */
    public Map<String, Object> summary(LocalDate dal, LocalDate al) {
        Map<String, Object> totals = jdbc.queryForMap(PRATICHE + """
                select %s from n""".formatted(FIGURES), Date.valueOf(dal), Date.valueOf(al));
        derive(totals);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dal", dal.toString());
        out.put("al", al.toString());
        out.put("periodo", totals);
        out.put("terminiInScadenza7Giorni", jdbc.queryForList("""
                select t.pratica_id as pratica, p.codice_pratica, p.cui_uuid, t.kind, t.scadenza
                  from termine t join pratica p on p.id = t.pratica_id
                 where t.state = 'ATTIVO' and t.scadenza between current_date and current_date + 7 order by t.scadenza"""));
        out.put("pareriScadutiPerEnte", jdbc.queryForList("""
                select ente_code as ente, count(*) as scaduti from richiesta_parere
                 where status = 'OPEN' and deadline < current_date group by ente_code order by ente_code"""));
        out.put("outboxInAttesa", jdbc.queryForObject("select count(*) from outbox where status = 'PENDING'", Long.class));
        out.put("outboxPiuVecchiaSecondi", jdbc.queryForObject(
                "select coalesce(extract(epoch from now() - min(created_at)), 0)::bigint from outbox where status = 'PENDING'", Long.class));
        out.put("deadLetters", jdbc.queryForObject("select count(*) from dead_letter where replayed_at is null", Long.class));
        out.put("disserviziAperti", jdbc.queryForList("select peer, opened_at, failures from disservizio where closed_at is null order by peer"));
        return out;
    }

    /** SLA share and rounded days. */
    private static void derive(Map<String, Object> r) {
        long base = ((Number) r.get("concluse_con_termine")).longValue();
        long within = ((Number) r.get("concluse_nel_termine")).longValue();
        r.put("sla_percento", base == 0 ? null : BigDecimal.valueOf(100.0 * within / base).setScale(1, RoundingMode.HALF_UP));
        r.put("giorni_medi_netti", round(r.get("giorni_medi_netti")));
        r.put("giorni_p90_netti", round(r.get("giorni_p90_netti")));
    }

    private static BigDecimal round(Object v) {
        return v == null ? null : new BigDecimal(v.toString()).setScale(2, RoundingMode.HALF_UP);
    }
}
