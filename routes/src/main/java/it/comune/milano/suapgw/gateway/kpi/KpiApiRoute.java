package it.comune.milano.suapgw.gateway.kpi;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.api.ApiParameters;
import it.comune.milano.suapgw.gateway.api.ApiProblem;
import it.comune.milano.suapgw.gateway.api.ApiResponses;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/kpi?dal=&al=&per=mese|procedimento|canale|ente[&formato=csv]}: the dashboard's figures as JSON (with the
 * summary of what needs attention) or CSV (the rows only, for a spreadsheet). Any operator role.
 */
@Component
public class KpiApiRoute extends GatewayRouteBuilder {
    private final KpiService kpi;
    private final ObjectMapper json;

    public KpiApiRoute(KpiService kpi, ObjectMapper json) {
        this.kpi = kpi;
        this.json = json;
    }

    @Override
    public void configure() {
        rest("/api").get("/kpi").routeId("rest-api-kpi").to("direct:api-kpi");

        fromApi("direct:api-kpi", "api-kpi")
                .process(e -> {
                    LocalDate al = ApiParameters.date(e, "al", LocalDate.now());
                    LocalDate dal = ApiParameters.date(e, "dal", al.withDayOfYear(1));
                    if (dal.isAfter(al)) throw ApiProblem.badRequest("dal is after al");
                    if (dal.isBefore(al.minusYears(10))) throw ApiProblem.badRequest("a period of at most ten years");
                    KpiService.Per per = per(e.getMessage().getHeader("per", "mese", String.class));
                    List<Map<String, Object>> rows = kpi.figures(dal, al, per);
                    if (csv(e)) {
                        e.getMessage().getHeaders().clear();
                        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/csv; charset=UTF-8");
                        e.getMessage().setHeader("Content-Disposition", "attachment; filename=\"kpi-" + per.name().toLowerCase(Locale.ROOT)
                                + "-" + dal + "-" + al + ".csv\"");
                        e.getMessage().setBody(toCsv(rows));
                        return;
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("dal", dal.toString());
                    out.put("al", al.toString());
                    out.put("per", per.name().toLowerCase(Locale.ROOT));
                    out.put("righe", rows);
                    // riepilogo=false: the rows only (a page showing several groupings needs the summary once)
                    if (!"false".equals(e.getMessage().getHeader("riepilogo", String.class))) out.put("riepilogo", kpi.summary(dal, al));
                    ApiResponses.json(e, json, out);
                });
    }

    private static KpiService.Per per(String v) {
        try {
            return KpiService.Per.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException bad) {
            throw ApiProblem.badRequest("per must be one of mese, procedimento, canale, ente");
        }
    }

    private static boolean csv(Exchange e) {
        String formato = e.getMessage().getHeader("formato", String.class);
        if (formato != null) return formato.equalsIgnoreCase("csv");
        String accept = e.getMessage().getHeader("Accept", String.class);
        return accept != null && accept.contains("text/csv") && !accept.contains("application/json");
    }

    /** RFC 4180: a header row, then one row per group; fields quoted when they need it. */
    static String toCsv(List<Map<String, Object>> rows) {
        StringBuilder b = new StringBuilder();
        List<String> columns = rows.isEmpty() ? List.of("gruppo") : new ArrayList<>(rows.get(0).keySet());
        b.append(String.join(",", columns)).append("\r\n");
        for (Map<String, Object> r : rows) {
            List<String> cells = new ArrayList<>();
            for (String c : columns) cells.add(cell(r.get(c)));
            b.append(String.join(",", cells)).append("\r\n");
        }
        return b.toString();
    }

    private static String cell(Object v) {
        if (v == null) return "";
        String s = v.toString();
        // a cell a spreadsheet would run as a formula is quoted as text
        if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !s.matches("-?\\d+(\\.\\d+)?")) s = "'" + s;
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
