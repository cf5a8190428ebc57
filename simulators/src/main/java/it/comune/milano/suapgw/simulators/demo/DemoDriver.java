package it.comune.milano.suapgw.simulators.demo;

import it.comune.milano.suapgw.simulators.support.DemoIdp;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.simulators.enti.EnteSsuSimulator;
import it.comune.milano.suapgw.simulators.osp.GeopostSimulator;
import it.comune.milano.suapgw.simulators.osp.GeriSimulator;
import it.comune.milano.suapgw.simulators.osp.OsapiSimulator;
import it.comune.milano.suapgw.simulators.osp.OspCase;
import it.comune.milano.suapgw.simulators.scrivania.ScrivaniaCase;
import it.comune.milano.suapgw.simulators.scrivania.ScrivaniaSimulator;
import it.comune.milano.suapgw.simulators.ssu.CatalogoSimulator;
import it.comune.milano.suapgw.simulators.ssu.FrontOfficeSimulator;
import it.comune.milano.suapgw.simulators.ssu.RegistroImpreseSimulator;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import it.comune.milano.suapgw.simulators.support.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The demo batch: registers N samples in Catalogo and FO, submits them to the gateway (send_instance, then
 * notify_receipt), polls {@code GET /api/pratiche?cui=} until every pratica is final (or the timeout), then prints
 * a summary ({@code GET /api/stats}, simulator counters, each pratica's final state vs the expected outcome). Each
 * pratica plays its sample's scenario (the FO answers corrections and integrations, cancels, ...: the FO's
 * {@code onNewVersion} must feed the Catalogo, as {@link SimulatorsMain} wires it); besides its final state, the
 * ordered messages the FO received for it must be the sample's {@code expected_fo_messages}, and when the last one
 * announces an act its download and hash check is reported. With {@link #enteTerzo} and {@link #registroImprese} the
 * messages each ente terzo on the SSU channel and the Registro Imprese received for the pratica are compared with the
 * sample's {@code expected_et_messages} / {@code expected_ri_messages} too (a simulated peer the sample does not name
 * must have received nothing; a peer the sample names that is not simulated is reported, not judged). A pratica is as
 * expected when its state and all the message sequences are.
 * <p>
 * With {@link #legacy} it also runs the legacy (pre-SSU) channel: every scrivania case is posted to the gateway's
 * {@code PddServiceEnte.inviaSUAPEnte} (the answer must carry a {@code return}, not a Fault), then
 * {@code GET /api/pratiche?codice=} is polled until the pratica is final; its state must be the case's
 * {@code esitoFinale} and the tipo-cooperazione sequence the scrivania received back its {@code comunicazioni}.
 * A pratica that was already final before the post (a second demo run on the same gateway data) only needs the
 * right state: the gateway answers the repeat without creating anything, so nothing new reaches the scrivania.
 * <p>
 * With {@link #osp} it also runs the OSP batch: every istanza of {@code test-data/osp/istanze} is filed through the
 * GEOPOST simulator (its integrations registered first), then {@code GET /api/pratiche?codice=<idIstanza>} is polled
 * until the pratica is final, and its detail ({@code GET /api/pratiche/{id}}) is compared with the istanza's
 * {@code expected.json} entry (see {@link OspCase}): state, round-1 checklist, enti consulted per round, rounds, the
 * communications GEOPOST received, and whether OSAPI registered a concession and GERI a canone. An istanza already
 * final before it was filed (a second run on the same gateway data) is compared on what the gateway keeps only (state,
 * checklist, enti, rounds).
 * Talks to the gateway over HTTP only.
 */
public class DemoDriver {

    /**
     * Outcome of {@link #run}. {@code finalStates}: cuiUuid → state for pratiche that reached a final state;
     * {@code legacy}: one outcome per scrivania case. {@code allFinalAsExpected} covers both batches.
     */
    public record DemoResult(boolean allFinalAsExpected,
                             Map<String, String> finalStates,
                             Map<String, String> lastStates,
                             Map<String, String> expectedOutcomes,
                             long millis,
                             JsonNode stats,
                             List<LegacyOutcome> legacy,
                             List<OspOutcome> osp,
                             long ospMillis,
                             List<SsuOutcome> ssu) {
    }

    /**
     * One SSU pratica: {@code state} its last state ({@code reachedFinal} when final); {@code foMessages} what the FO
     * received for it vs the sample's {@code expected_fo_messages} ({@code messagesOk}); {@code act}: the act's
     * download as the FO reports it ({@code "n/a"} when the last event carries none, {@code "verified"}, or what
     * went wrong); {@code etMessages}: what each simulated ente terzo received (by ente code), {@code riMessages}: what
     * the simulated Registro Imprese received (null: not simulated), {@code peersOk}: both as the sample expects;
     * {@code ok}: state and every message sequence as expected.
     */
    public record SsuOutcome(SampleInstances.Sample sample, String state, boolean reachedFinal, boolean stateOk,
                             List<String> foMessages, boolean messagesOk, String act, boolean ok,
                             Map<String, List<String>> etMessages, List<String> riMessages, boolean peersOk) {

        /** The enti terzi the sample expects messages for that were not simulated (not judged). */
        public List<String> unsimulatedEnti() {
            return sample.expectedEtMessages().keySet().stream().filter(code -> !etMessages.containsKey(code)).toList();
        }
    }

    /**
     * One OSP istanza: {@code push} describes GEOPOST's push of the istanza; {@code refused}: the gateway answered the
     * push 4xx; {@code alreadyFinal}: the pratica was final before the istanza was filed (re-run);
     * {@code comunicazioni}: tipi received by GEOPOST; {@code differences}: what differs from expected.json (empty = OK).
     */
    public record OspOutcome(OspCase ospCase, String push, boolean refused, boolean alreadyFinal, String state, boolean reachedFinal,
                             List<String> comunicazioni, List<String> differences, boolean ok) {
    }

    /**
     * One legacy pratica: {@code post} describes the inviaSUAPEnte answer; {@code alreadyFinal}: the pratica was
     * final before the post (re-run); {@code comunicazioni}: tipo-cooperazione received by the scrivania.
     */
    public record LegacyOutcome(ScrivaniaCase legacyCase, boolean posted, String post, boolean alreadyFinal, String state,
                                boolean reachedFinal, List<String> comunicazioni, boolean ok) {
    }

    private final String gatewayUrl;
    private final CatalogoSimulator catalogo;
    private final FrontOfficeSimulator frontOffice;
    private final SampleInstances samples;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** the driver looks at the gateway as an operator of the demo identity provider, with every role */
    private final String operatorToken = DemoIdp.demo().bearer("demo-driver", DemoIdp.OPERATORE, DemoIdp.FUNZIONARIO,
            DemoIdp.AMMINISTRATORE);
    private final Map<String, Supplier<Object>> counters = new LinkedHashMap<>();
    private volatile Duration pollInterval = Duration.ofMillis(500);
    private volatile int firstIndex;
    private ScrivaniaSimulator scrivania;
    private List<ScrivaniaCase> legacyCases = List.of();
    private GeopostSimulator geopost;
    private OsapiSimulator osapi;
    private GeriSimulator geri;
    private List<OspCase> ospCases = List.of();
    private volatile Duration comunicazioniGrace = Duration.ofSeconds(15);
    private final Map<String, EnteSsuSimulator> entiTerzi = new LinkedHashMap<>();
    private RegistroImpreseSimulator registroImprese;

    public DemoDriver(String gatewayUrl, CatalogoSimulator catalogo, FrontOfficeSimulator frontOffice, SampleInstances samples,
                      PrintStream out) {
        this.gatewayUrl = FrontOfficeSimulator.stripSlash(Objects.requireNonNull(gatewayUrl));
        this.catalogo = catalogo;
        this.frontOffice = frontOffice;
        this.samples = samples;
        this.out = out;
    }

    /** Adds a simulator counter printed in the summary (e.g. "geowork registrations"). */
    public DemoDriver counter(String label, Supplier<Object> value) {
        counters.put(label, value);
        return this;
    }

    public DemoDriver pollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
        return this;
    }

    /** Also judges what this ente terzo (SSU channel) receives for each SSU pratica against the sample's {@code expected_et_messages}. */
    public DemoDriver enteTerzo(EnteSsuSimulator ente) {
        entiTerzi.put(ente.enteCode(), Objects.requireNonNull(ente, "ente"));
        return this;
    }

    /** Also judges what the Registro Imprese receives for each SSU pratica against the sample's {@code expected_ri_messages}. */
    public DemoDriver registroImprese(RegistroImpreseSimulator ri) {
        this.registroImprese = Objects.requireNonNull(ri, "ri");
        return this;
    }

    /** Also runs these scrivania cases through the legacy channel ({@code scrivania} posts them and receives the answers). */
    public DemoDriver legacy(ScrivaniaSimulator scrivania, List<ScrivaniaCase> cases) {
        this.scrivania = Objects.requireNonNull(scrivania, "scrivania");
        this.legacyCases = List.copyOf(cases);
        return this;
    }

    /**
     * Also runs these OSP istanze: filed through {@code geopost}; the concessions of {@code osapi} and the canoni of
     * {@code geri} (either may be null: not checked) are compared with the expected ones.
     */
    public DemoDriver osp(GeopostSimulator geopost, OsapiSimulator osapi, GeriSimulator geri, List<OspCase> cases) {
        this.geopost = Objects.requireNonNull(geopost, "geopost");
        this.osapi = osapi;
        this.geri = geri;
        this.ospCases = List.copyOf(cases);
        return this;
    }

    /**
     * How long, after a legacy or OSP pratica turned final, its comunicazioni may still be on their way to the scrivania
     * or GEOPOST (the gateway may mark the pratica final before its outbound call is delivered). Default 15 s.
     */
    public DemoDriver comunicazioniGrace(Duration grace) {
        this.comunicazioniGrace = grace;
        return this;
    }

    /** Index of the first sample used by the next {@link #run} (default 0). */
    public DemoDriver firstIndex(int firstIndex) {
        this.firstIndex = firstIndex;
        return this;
    }

    /** Runs {@code n} SSU samples (0: none), the {@link #legacy} cases and the {@link #osp} istanze, until all are final or {@code timeout}. */
    public DemoResult run(int n, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<SampleInstances.Sample> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(samples.get(firstIndex + i));
        }
        List<SsuRun> ssu = new ArrayList<>();
        Map<String, String> lastStates = new LinkedHashMap<>();
        Map<String, String> finalStates = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();

        if (n > 0) {
            out.printf("=== batch: %d pratiche (seed %s) ===%n", n, samples.seed());
        }
        int submitted = 0;
        for (SampleInstances.Sample s : batch) {
            expected.put(s.cuiUuid(), s.expectedOutcome());
            catalogo.register(s);
            frontOffice.register(s);
            String outcome = submit(s, deadline);
            submitted++;
            out.printf("[submit %d/%d] cui=%s %-28s %-19s %d docs -> %s%n", submitted, n, s.cuiUuid(), s.procedureCode(), s.scenario(),
                    s.documents().size(), outcome);
            ssu.add(new SsuRun(s));
            lastStates.put(s.cuiUuid(), "SUBMITTED");
        }

        List<LegacyRun> legacy = postLegacy(deadline);
        long ospStart = System.nanoTime();
        List<OspRun> osp = submitOsp();
        long ospEnd = osp.stream().allMatch(o -> o.done) ? System.nanoTime() : 0;
        int legacyFinal = 0;
        int ospDone = (int) osp.stream().filter(o -> o.done).count();
        int ssuDone = 0;
        while ((ssu.stream().anyMatch(r -> !r.done) || legacy.stream().anyMatch(l -> !l.done) || osp.stream().anyMatch(o -> !o.done))
                && System.nanoTime() < deadline) {
            for (SsuRun r : ssu) {
                if (r.done || !poll(r)) {
                    continue;
                }
                ssuDone++;
                lastStates.put(r.s.cuiUuid(), r.state);
                finalStates.put(r.s.cuiUuid(), r.state);
                SsuOutcome o = r.outcome();
                out.printf("[final %d/%d] cui=%s %-28s %-32s expected %-32s %s; FO %s%s %s; act %s%s (%.1f s)%n", ssuDone, n,
                        r.s.cuiUuid(), r.s.procedureCode(), o.state(), r.s.expectedOutcome(), o.stateOk() ? "OK" : "MISMATCH",
                        o.foMessages(), o.messagesOk() ? "" : " expected " + r.s.expectedFoMessages(), o.messagesOk() ? "OK" : "MISMATCH",
                        o.act(), peers(o), (System.nanoTime() - start) / 1e9);
            }
            for (SsuRun r : ssu) {
                if (!r.done && r.state != null) {
                    lastStates.put(r.s.cuiUuid(), r.state);
                }
            }
            for (LegacyRun l : legacy) {
                if (!l.done && poll(l)) {
                    legacyFinal++;
                    LegacyOutcome o = l.outcome();
                    out.printf("[legacy final %d/%d] codice=%s %-28s %-32s expected %-32s comunicazioni %s%s %s (%.1f s)%n", legacyFinal,
                            legacy.size(), l.c.codicePratica(), l.c.name(), o.state(), l.c.esitoFinale(), o.comunicazioni(),
                            l.alreadyFinal ? " (already final before the post)" : "", o.ok() ? "OK" : "MISMATCH",
                            (System.nanoTime() - start) / 1e9);
                }
            }
            for (OspRun o : osp) {
                if (!o.done && poll(o)) {
                    ospDone++;
                    OspOutcome r = o.outcome();
                    out.printf("[osp final %d/%d] %s %-28s %-32s expected %-32s comunicazioni %s%s %s%s (%.1f s)%n", ospDone, osp.size(),
                            o.c.idIstanza(), o.c.name(), r.state(), o.c.esitoFinale(), r.comunicazioni(),
                            o.alreadyFinal ? " (already final before filing)" : "", r.ok() ? "OK" : "MISMATCH",
                            r.ok() ? "" : ": " + String.join("; ", r.differences()), (System.nanoTime() - start) / 1e9);
                    if (ospDone == osp.size()) {
                        ospEnd = System.nanoTime();
                    }
                }
            }
            if (ssu.stream().anyMatch(r -> !r.done) || legacy.stream().anyMatch(l -> !l.done) || osp.stream().anyMatch(o -> !o.done)) {
                sleep(pollInterval);
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        long ospMillis = osp.isEmpty() ? 0 : ((ospEnd == 0 ? System.nanoTime() : ospEnd) - ospStart) / 1_000_000;

        List<SsuOutcome> ssuOutcomes = ssu.stream().map(SsuRun::outcome).toList();
        List<LegacyOutcome> legacyOutcomes = legacy.stream().map(LegacyRun::outcome).toList();
        List<OspOutcome> ospOutcomes = osp.stream().map(OspRun::outcome).toList();
        boolean all = ssuOutcomes.stream().allMatch(SsuOutcome::ok)
                && legacyOutcomes.stream().allMatch(LegacyOutcome::ok)
                && ospOutcomes.stream().allMatch(OspOutcome::ok);
        JsonNode stats = stats();
        int notFinal = (int) ssuOutcomes.stream().filter(o -> !o.reachedFinal()).count();
        summary(batch, ssuOutcomes, stats, millis, all, notFinal, legacyOutcomes, ospOutcomes, ospMillis);
        return new DemoResult(all, Map.copyOf(finalStates), Map.copyOf(lastStates), Map.copyOf(expected), millis, stats, legacyOutcomes,
                ospOutcomes, ospMillis, ssuOutcomes);
    }

    /** Progress of one SSU pratica during {@link #run}. */
    private final class SsuRun {
        final SampleInstances.Sample s;
        String state;
        boolean reachedFinal;
        long finalSeenAt;
        boolean done;

        SsuRun(SampleInstances.Sample s) {
            this.s = s;
        }

        List<String> foMessages() {
            return frontOffice.messages(s.cuiUuid());
        }

        boolean messagesOk() {
            return foMessages().equals(s.expectedFoMessages());
        }

        /** The last notify, when it announces an act (resource_id), or null. */
        JsonNode actNotify() {
            List<JsonNode> notifications = frontOffice.notifications(s.cuiUuid());
            JsonNode last = notifications.isEmpty() ? null : notifications.get(notifications.size() - 1);
            return last != null && last.hasNonNull("resource_id") ? last : null;
        }

        /** What each simulated ente terzo received for the pratica, by ente code. */
        Map<String, List<String>> etMessages() {
            Map<String, List<String>> m = new LinkedHashMap<>();
            entiTerzi.forEach((code, et) -> m.put(code, et.messages(s.cuiUuid())));
            return m;
        }

        /** What the simulated Registro Imprese received for the pratica (null: not simulated). */
        List<String> riMessages() {
            return registroImprese == null ? null : registroImprese.messages(s.cuiUuid());
        }

        boolean peersOk() {
            boolean et = entiTerzi.entrySet().stream().allMatch(e ->
                    e.getValue().messages(s.cuiUuid()).equals(s.expectedEtMessages().getOrDefault(e.getKey(), List.of())));
            return et && (registroImprese == null || registroImprese.messages(s.cuiUuid()).equals(s.expectedRiMessages()));
        }

        /** What is left to arrive after the pratica turned final: the FO's messages, the act's download, the peers' messages. */
        boolean outboundComplete() {
            return messagesOk() && peersOk() && (actNotify() == null || frontOffice.actFetch(s.cuiUuid()) != null);
        }

        String act() {
            String last = s.expectedFoMessages().isEmpty() ? "" : s.expectedFoMessages().get(s.expectedFoMessages().size() - 1);
            boolean carries = last.startsWith("notify:") && carriesAct(last.substring("notify:".length()));
            if (actNotify() == null) {
                return carries ? "NOT ANNOUNCED (notify without resource_id)" : "n/a";
            }
            FrontOfficeSimulator.DocumentFetch f = frontOffice.actFetch(s.cuiUuid());
            if (f == null) {
                return "NOT FETCHED";
            }
            return f.verified() ? "verified" : "NOT VERIFIED: " + f.detail();
        }

        SsuOutcome outcome() {
            boolean stateOk = reachedFinal && matchesExpected(state, s.expectedOutcome());
            boolean messagesOk = messagesOk();
            boolean peersOk = peersOk();
            return new SsuOutcome(s, state == null ? "SUBMITTED" : state, reachedFinal, stateOk, foMessages(), messagesOk, act(),
                    stateOk && messagesOk && peersOk, etMessages(), riMessages(), peersOk);
        }
    }

    /** One poll of an SSU pratica; true when it is done (final, and the FO's messages and act complete or grace over). */
    private boolean poll(SsuRun r) {
        if (!r.reachedFinal) {
            JsonNode p = pratica(r.s.cuiUuid());
            if (p == null) {
                return false;
            }
            r.state = p.path("state").asText("?");
            if (!p.path("final").asBoolean(false)) {
                return false;
            }
            r.reachedFinal = true;
            r.finalSeenAt = System.nanoTime();
        }
        if (!r.outboundComplete() && System.nanoTime() - r.finalSeenAt <= comunicazioniGrace.toNanos()) {
            return false;
        }
        r.done = true;
        return true;
    }

    /**
     * The ente terzo and Registro Imprese sequences of a pratica, for the report: each simulated peer that the sample
     * names or that received something ({@code ; ET <code> [..] OK}, {@code ... expected [..] MISMATCH}), and the enti
     * the sample names that are not simulated. Empty when there is nothing to say.
     */
    static String peers(SsuOutcome o) {
        StringBuilder b = new StringBuilder();
        SampleInstances.Sample s = o.sample();
        o.etMessages().forEach((code, got) -> {
            List<String> want = s.expectedEtMessages().getOrDefault(code, List.of());
            if (!want.isEmpty() || !got.isEmpty()) {
                b.append("; ET ").append(code).append(' ').append(got).append(got.equals(want) ? "" : " expected " + want)
                        .append(got.equals(want) ? " OK" : " MISMATCH");
            }
        });
        for (String code : o.unsimulatedEnti()) {
            b.append("; ET ").append(code).append(" not simulated (expected ").append(s.expectedEtMessages().get(code)).append(')');
        }
        List<String> ri = o.riMessages();
        if (ri != null && (!ri.isEmpty() || !s.expectedRiMessages().isEmpty())) {
            boolean ok = ri.equals(s.expectedRiMessages());
            b.append("; RI ").append(ri).append(ok ? "" : " expected " + s.expectedRiMessages()).append(ok ? " OK" : " MISMATCH");
        } else if (ri == null && !s.expectedRiMessages().isEmpty()) {
            b.append("; RI not simulated (expected ").append(s.expectedRiMessages()).append(')');
        }
        return b.toString();
    }

    /** Whether a notify event concludes the pratica with an act (TransferOutcomeNotifyMessage). */
    static boolean carriesAct(String event) {
        return switch (event) {
            case "end_by_suspension_requested", "end_by_conformation_requested", "end_by_positive_outcome", "end_by_negative_outcome" -> true;
            default -> false;
        };
    }

    /** Progress of one legacy case during {@link #run}. */
    private final class LegacyRun {
        final ScrivaniaCase c;
        boolean posted;
        String post = "";
        boolean alreadyFinal;
        String state = "POSTED";
        boolean reachedFinal;
        long finalSeenAt;
        boolean done;

        LegacyRun(ScrivaniaCase c) {
            this.c = c;
        }

        List<String> comunicazioni() {
            return scrivania == null ? List.of() : scrivania.tipiCooperazione(c.codicePratica());
        }

        boolean comunicazioniOk() {
            return alreadyFinal || comunicazioni().equals(c.comunicazioni());
        }

        LegacyOutcome outcome() {
            boolean ok = posted && reachedFinal && matchesExpected(state, c.esitoFinale()) && comunicazioniOk();
            return new LegacyOutcome(c, posted, post, alreadyFinal, state, reachedFinal, comunicazioni(), ok);
        }
    }

    /** Progress of one OSP istanza during {@link #run}. */
    private final class OspRun {
        final OspCase c;
        String push = "";
        boolean refused;
        boolean alreadyFinal;
        String praticaId;
        String state = "FILED";
        boolean reachedFinal;
        long finalSeenAt;
        boolean done;
        List<String> differences = List.of();

        OspRun(OspCase c) {
            this.c = c;
        }

        List<String> comunicazioni() {
            return c.idIstanza() == null ? List.of() : geopost.tipiComunicazioni(c.idIstanza());
        }

        /** What the gateway sends out after the pratica turned final has arrived (or is not expected). */
        boolean outboundComplete() {
            if (alreadyFinal) {
                return true;
            }
            return (c.comunicazioni() == null || comunicazioni().equals(c.comunicazioni()))
                    && (osapi == null || c.concessioneOsapi() == null || osapi.concessioni().containsKey(c.idIstanza()) == c.concessioneOsapi())
                    && (geri == null || c.canoneGeri() == null || geri.canoni().containsKey(c.idIstanza()) == c.canoneGeri());
        }

        OspOutcome outcome() {
            List<String> diffs = new ArrayList<>(differences);
            if (!done && !refused) {
                diffs.add(reachedFinal ? "not complete" : "not final (last state " + state + ")");
            }
            return new OspOutcome(c, push, refused, alreadyFinal, state, reachedFinal, comunicazioni(), List.copyOf(diffs), diffs.isEmpty());
        }
    }

    private List<OspRun> submitOsp() {
        List<OspRun> runs = new ArrayList<>();
        if (geopost == null || ospCases.isEmpty()) {
            return runs;
        }
        out.printf("=== OSP batch: %d istanze via GEOPOST (%s) ===%n", ospCases.size(), geopost.pushUrl());
        int i = 0;
        for (OspCase c : ospCases) {
            OspRun o = new OspRun(c);
            runs.add(o);
            if (c.idIstanza() == null) {
                o.push = "not filed: no idIstanza";
                o.differences = List.of("no idIstanza in " + c.istanzaFile().getFileName());
                o.done = true;
                out.printf("[osp submit %d/%d] %-16s %-28s %s%n", ++i, ospCases.size(), "?", c.name(), o.push);
                continue;
            }
            JsonNode before = praticaByCodice(c.idIstanza());
            o.alreadyFinal = before != null && before.path("final").asBoolean(false);
            int integrations = 0;
            try {
                integrations = geopost.registerIntegrations(c.istanzaFile());
                GeopostSimulator.Event e = geopost.submitIstanza(c.istanzaFile());
                GeopostSimulator.PushResult r = geopost.pushResult(e.seq());
                if (r == null) {
                    o.push = "event " + e.seq() + " (not pushed)";
                } else if (r.httpStatus() == 0) {
                    o.push = "event " + e.seq() + ", push failed (" + r.error() + "): left to the poll";
                } else {
                    o.push = "event " + e.seq() + ", push HTTP " + r.httpStatus() + (r.esito() != null ? " " + r.esito() : " " + abbreviate(r.body()));
                    if (r.httpStatus() / 100 == 4) {
                        o.refused = true;
                    }
                }
            } catch (RuntimeException ex) {
                o.push = "not filed: " + ex.getMessage();
                o.differences = List.of(o.push);
                o.done = true;
            }
            if (o.refused) {
                o.done = true;
                o.state = "REFUSED BY THE GATEWAY";
                if (c.esitoFinale() != null && !c.esitoFinale().isBlank()) {
                    o.differences = List.of("push refused: " + o.push);
                }
            }
            out.printf("[osp submit %d/%d] %s %-28s %s%s%s%n", ++i, ospCases.size(), c.idIstanza(), c.name(),
                    o.alreadyFinal ? "(already final) " : "", o.push, integrations > 0 ? "; " + integrations + " integration(s) registered" : "");
        }
        return runs;
    }

    /** One poll of an OSP istanza; true when it is done (final and outbound complete or grace over; then compared). */
    private boolean poll(OspRun o) {
        if (!o.reachedFinal) {
            JsonNode p = praticaByCodice(o.c.idIstanza());
            if (p == null) {
                return false;
            }
            o.state = p.path("state").asText("?");
            o.praticaId = p.path("id").asText(null);
            if (!p.path("final").asBoolean(false)) {
                return false;
            }
            o.reachedFinal = true;
            o.finalSeenAt = System.nanoTime();
        }
        if (!o.outboundComplete() && System.nanoTime() - o.finalSeenAt <= comunicazioniGrace.toNanos()) {
            return false;
        }
        JsonNode detail = o.praticaId == null ? null : get("/api/pratiche/" + o.praticaId);
        o.differences = ospDifferences(o.c, o.state, detail, o.alreadyFinal ? null : o.comunicazioni(),
                o.alreadyFinal || osapi == null ? null : osapi.concessioni().keySet(),
                o.alreadyFinal || geri == null ? null : geri.canoni().keySet());
        o.done = true;
        return true;
    }

    /**
     * What differs between a final OSP pratica and its expected entry (empty: as expected). {@code comunicazioni},
     * {@code concessioni}, {@code canoni} null: not checked (re-run, or simulator not given).
     */
    static List<String> ospDifferences(OspCase c, String state, JsonNode detail, List<String> comunicazioni,
                                       Set<String> concessioni, Set<String> canoni) {
        List<String> d = new ArrayList<>();
        if (c.expected() == null) {
            d.add("no expected.json entry");
            return d;
        }
        if (c.esitoFinale() != null && !matchesExpected(state, c.esitoFinale())) {
            d.add("state " + state + " expected " + c.esitoFinale());
        }
        if (detail == null) {
            if (c.checklist() != null || c.entiPerRound() != null || c.rounds() != null) {
                d.add("detail GET /api/pratiche/{id} not available");
            }
        } else {
            int maxRound = 0;
            if (c.checklist() != null) {
                if (!detail.path("checklist").isArray()) {
                    d.add("no checklist in the pratica's detail");
                } else {
                    Map<String, String> actual = new TreeMap<>();
                    for (JsonNode v : detail.get("checklist")) {
                        if (v.path("round").asInt(1) == 1) {
                            actual.put(v.path("codice").asText(), v.path("esito").asText());
                        }
                    }
                    Set<String> codes = new TreeSet<>(c.checklist().keySet());
                    codes.addAll(actual.keySet());
                    for (String code : codes) {
                        String got = actual.get(code);
                        String want = c.checklist().get(code);
                        if (!Objects.equals(got, want)) {
                            d.add("checklist " + code + " " + (got == null ? "missing" : got) + " expected " + (want == null ? "none" : want));
                        }
                    }
                }
            }
            for (JsonNode v : detail.path("checklist")) {
                maxRound = Math.max(maxRound, v.path("round").asInt(1));
            }
            TreeMap<Integer, SortedSet<String>> enti = new TreeMap<>();
            for (JsonNode p : detail.path("pareri")) {
                int round = p.path("round").asInt(1);
                maxRound = Math.max(maxRound, round);
                enti.computeIfAbsent(round, k -> new TreeSet<>()).add(p.path("ente_code").asText(p.path("enteCode").asText()));
            }
            if (c.entiPerRound() != null) {
                int rounds = Math.max(c.entiPerRound().size(), enti.isEmpty() ? 0 : enti.lastKey());
                for (int r = 1; r <= rounds; r++) {
                    List<String> got = List.copyOf(enti.getOrDefault(r, new TreeSet<>()));
                    List<String> want = r <= c.entiPerRound().size() ? c.entiPerRound().get(r - 1) : List.of();
                    if (!got.equals(want)) {
                        d.add("enti round " + r + " " + got + " expected " + want);
                    }
                }
            }
            if (c.rounds() != null && maxRound != c.rounds()) {
                d.add("rounds " + maxRound + " expected " + c.rounds());
            }
        }
        if (comunicazioni != null && c.comunicazioni() != null && !comunicazioni.equals(c.comunicazioni())) {
            d.add("GEOPOST comunicazioni " + comunicazioni + " expected " + c.comunicazioni());
        }
        if (concessioni != null && c.concessioneOsapi() != null && concessioni.contains(c.idIstanza()) != c.concessioneOsapi()) {
            d.add(c.concessioneOsapi() ? "no OSAPI concessione" : "unexpected OSAPI concessione");
        }
        if (canoni != null && c.canoneGeri() != null && canoni.contains(c.idIstanza()) != c.canoneGeri()) {
            d.add(c.canoneGeri() ? "no GERI canone" : "unexpected GERI canone");
        }
        return d;
    }

    private List<LegacyRun> postLegacy(long deadline) {
        List<LegacyRun> runs = new ArrayList<>();
        if (scrivania == null || legacyCases.isEmpty()) {
            return runs;
        }
        out.printf("=== legacy batch: %d pratiche via scrivania SUAP (%s) ===%n", legacyCases.size(), scrivania.gatewayEndpoint());
        int i = 0;
        for (ScrivaniaCase c : legacyCases) {
            LegacyRun l = new LegacyRun(c);
            runs.add(l);
            JsonNode before = praticaByCodice(c.codicePratica());
            l.alreadyFinal = before != null && before.path("final").asBoolean(false);
            ScrivaniaSimulator.Result r = postCase(c, deadline);
            if (r != null && r.returnValue() != null && r.faultString() == null) {
                l.posted = true;
                l.post = "HTTP " + r.httpStatus() + " return " + r.returnValue();
            } else {
                l.post = r == null ? "not delivered" : "HTTP " + r.httpStatus()
                        + (r.faultString() != null ? " fault: " + r.faultString() : " no return: " + abbreviate(r.rawBody()));
                l.done = true; // refused: nothing to wait for
            }
            out.printf("[legacy post %d/%d] codice=%s %-28s %s -> %s%n", ++i, legacyCases.size(), c.codicePratica(), c.name(),
                    l.alreadyFinal ? "(already final)" : "", l.post);
        }
        return runs;
    }

    /** Posts a case, retrying I/O errors and 502/503/504 (not Faults): a gateway that is still starting. */
    private ScrivaniaSimulator.Result postCase(ScrivaniaCase c, long deadline) {
        ScrivaniaSimulator.Result last = null;
        for (int attempt = 1; attempt <= 5 && System.nanoTime() < deadline; attempt++) {
            try {
                last = scrivania.post(c.dir());
                int st = last.httpStatus();
                if (st != 502 && st != 503 && st != 504) {
                    return last;
                }
            } catch (UncheckedIOException | IllegalStateException e) {
                out.printf("  post of %s failed: %s%n", c.name(), e.getMessage());
            }
            sleep(Duration.ofMillis(500L * attempt));
        }
        return last;
    }

    /** One poll of a legacy pratica; true when it is done (final, and comunicazioni complete or grace over). */
    private boolean poll(LegacyRun l) {
        if (!l.reachedFinal) {
            JsonNode p = praticaByCodice(l.c.codicePratica());
            if (p == null) {
                return false;
            }
            l.state = p.path("state").asText("?");
            if (!p.path("final").asBoolean(false)) {
                return false;
            }
            l.reachedFinal = true;
            l.finalSeenAt = System.nanoTime();
        }
        if (l.comunicazioniOk() || System.nanoTime() - l.finalSeenAt > comunicazioniGrace.toNanos()) {
            l.done = true;
        }
        return l.done;
    }

    /**
     * Whether a pratica state reported by the gateway is the expected outcome. The expected outcome is the FO
     * event ({@code end_by_positive_outcome}); the gateway may report either that or the SSU instance state
     * ({@code ended_by_positive_outcome}), in any case. A refused instance is notified as {@code end_by_instance_refused}
     * but its state is {@code refused}.
     */
    public static boolean matchesExpected(String state, String expectedOutcome) {
        if (state == null || expectedOutcome == null) {
            return false;
        }
        return normalise(state).equals(normalise(expectedOutcome));
    }

    private static String normalise(String s) {
        String l = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (l.equals("refused")) {
            return "end_by_instance_refused";
        }
        return l.startsWith("ended_by_") ? "end_by_" + l.substring("ended_by_".length()) : l;
    }

    private String submit(SampleInstances.Sample s, long deadline) {
        String last = "";
        for (int attempt = 1; attempt <= 5 && System.nanoTime() < deadline; attempt++) {
            try {
                HttpResponse<String> r = frontOffice.sendInstance(s);
                last = "send_instance HTTP " + r.statusCode();
                if (r.statusCode() / 100 == 2) {
                    HttpResponse<String> receipt = frontOffice.notifyReceipt(s, LocalDate.now());
                    return last + ", notify_receipt HTTP " + receipt.statusCode();
                }
                last += " " + abbreviate(r.body());
                if (r.statusCode() / 100 == 4) {
                    return last; // the gateway refused the instance: retrying would not help
                }
            } catch (UncheckedIOException | IllegalStateException e) {
                last = "send_instance failed: " + e.getMessage();
            }
            sleep(Duration.ofMillis(500L * attempt));
        }
        return last;
    }

    /** First pratica of {@code GET /api/pratiche?cui=uuid}, or null. */
    private JsonNode pratica(String cuiUuid) {
        return find("/api/pratiche?cui=" + cuiUuid, "cuiUuid", cuiUuid);
    }

    /** The pratica of {@code GET /api/pratiche?codice=} whose codicePratica is {@code codice}, or null. */
    private JsonNode praticaByCodice(String codice) {
        return find("/api/pratiche?codice=" + URLEncoder.encode(codice, StandardCharsets.UTF_8), "codicePratica", codice);
    }

    /** The pratica of a list answer whose {@code field} is {@code value} (a missing field matches), or null. */
    private JsonNode find(String path, String field, String value) {
        JsonNode body = get(path);
        if (body == null) {
            return null;
        }
        if (body.isObject() && body.has("content")) {
            body = body.get("content");
        }
        if (body.isArray()) {
            for (JsonNode p : body) {
                if (value.equals(p.path(field).asText(value))) {
                    return p;
                }
            }
            return null;
        }
        return body.isObject() && value.equals(body.path(field).asText(value)) ? body : null;
    }

    private JsonNode stats() {
        return get("/api/stats");
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl + path)).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").header("Authorization", operatorToken).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 || r.body() == null || r.body().isBlank()) {
                return null;
            }
            return Json.parse(r.body());
        } catch (IOException | IllegalArgumentException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void summary(List<SampleInstances.Sample> batch, List<SsuOutcome> ssu, JsonNode stats, long millis, boolean all, int notFinal,
                         List<LegacyOutcome> legacy, List<OspOutcome> osp, long ospMillis) {
        out.println("=== summary ===");
        out.println("gateway stats (GET " + gatewayUrl + "/api/stats):");
        if (stats == null) {
            out.println("  (not available)");
        } else if (stats.isObject()) {
            stats.fields().forEachRemaining(e -> out.printf("  %-28s %s%n", e.getKey(),
                    e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        } else {
            out.println("  " + stats);
        }
        out.println("simulators:");
        int notifications = batch.stream().mapToInt(s -> frontOffice.notifications(s.cuiUuid()).size()).sum();
        out.printf("  %-28s %s%n", "FO notifications received", notifications);
        int documentGets = batch.stream().mapToInt(s -> frontOffice.documentRequests(s.cuiUuid())).sum();
        out.printf("  %-28s %s%n", "FO document downloads", documentGets);
        int messages = batch.stream().mapToInt(s -> frontOffice.messages(s.cuiUuid()).size()).sum();
        out.printf("  %-28s %s%n", "FO messages received", messages);
        long resent = batch.stream().flatMap(s -> frontOffice.submissions(s.cuiUuid()).stream())
                .filter(c -> c.version() != null && !"1".equals(c.version()) && c.httpStatus() / 100 == 2).count();
        out.printf("  %-28s %s%n", "FO new versions sent", resent);
        long cancels = batch.stream().filter(s -> frontOffice.cancellations(s.cuiUuid()).stream().anyMatch(c -> c.httpStatus() / 100 == 2)).count();
        out.printf("  %-28s %s%n", "FO cancellations", cancels);
        long acts = batch.stream().filter(s -> frontOffice.actVerified(s.cuiUuid())).count();
        out.printf("  %-28s %s%n", "FO acts verified", acts);
        int audits = batch.stream().mapToInt(s -> catalogo.audits(s.cuiUuid()).size()).sum();
        out.printf("  %-28s %s%n", "Catalogo audits received", audits);
        counters.forEach((label, value) -> {
            Object v;
            try {
                v = value.get();
            } catch (RuntimeException e) {
                v = "n/a (" + e.getMessage() + ")";
            }
            out.printf("  %-28s %s%n", label, v);
        });
        if (!batch.isEmpty()) {
            out.println("pratiche:");
        }
        int ssuOk = 0;
        for (SsuOutcome o : ssu) {
            SampleInstances.Sample s = o.sample();
            ssuOk += o.ok() ? 1 : 0;
            String state = o.reachedFinal() ? o.state() : o.state() + " (not final)";
            out.printf("  %s %-28s %-40s expected %-32s FO %s%s; act %s%s %s%n", s.cuiUuid(), s.procedureCode(), state, s.expectedOutcome(),
                    o.foMessages(), o.messagesOk() ? "" : " expected " + s.expectedFoMessages(), o.act(), peers(o), o.ok() ? "OK" : "KO");
        }
        if (!ssu.isEmpty()) {
            out.printf("SSU batch: %d/%d final, %d/%d as expected (state and FO%s messages)%n", ssu.size() - notFinal, ssu.size(), ssuOk,
                    ssu.size(), (entiTerzi.isEmpty() ? "" : ", ET") + (registroImprese == null ? "" : ", RI"));
        }
        if (!legacy.isEmpty()) {
            out.println("legacy pratiche (scrivania SUAP):");
        }
        int legacyFinal = 0;
        for (LegacyOutcome o : legacy) {
            ScrivaniaCase c = o.legacyCase();
            legacyFinal += o.reachedFinal() ? 1 : 0;
            String state = !o.posted() ? "NOT POSTED: " + o.post() : o.reachedFinal() ? o.state() : o.state() + " (not final)";
            String comunicazioni = o.alreadyFinal() ? "(already final before the post)"
                    : o.comunicazioni() + (o.comunicazioni().equals(c.comunicazioni()) ? "" : " expected " + c.comunicazioni());
            out.printf("  %s %-28s %-40s expected %-32s comunicazioni %s %s%n", c.codicePratica(), c.name(), state, c.esitoFinale(),
                    comunicazioni, o.ok() ? "OK" : "KO");
        }
        if (!osp.isEmpty()) {
            out.println("OSP istanze (GEOPOST):");
        }
        int ospFinal = 0;
        int ospOk = 0;
        for (OspOutcome o : osp) {
            OspCase c = o.ospCase();
            ospFinal += o.reachedFinal() ? 1 : 0;
            ospOk += o.ok() ? 1 : 0;
            String state = o.refused() ? "REFUSED: " + o.push() : o.reachedFinal() ? o.state() : o.state() + " (not final)";
            out.printf("  %s %-28s %-40s expected %-32s comunicazioni %s%s %s%n", c.idIstanza(), c.name(), state, c.esitoFinale(),
                    o.comunicazioni(), o.alreadyFinal() ? " (already final before filing)" : "",
                    o.ok() ? "OK" : "MISMATCH: " + String.join("; ", o.differences()));
        }
        if (!osp.isEmpty()) {
            out.printf("OSP batch time: %.1f s; %d/%d final, %d/%d as expected%n", ospMillis / 1000.0, ospFinal, osp.size(), ospOk, osp.size());
        }
        List<String> counts = new ArrayList<>();
        if (!batch.isEmpty() || (legacy.isEmpty() && osp.isEmpty())) {
            counts.add(String.format("%d/%d final", batch.size() - notFinal, batch.size()));
        }
        if (!legacy.isEmpty()) {
            counts.add(String.format("legacy %d/%d final", legacyFinal, legacy.size()));
        }
        if (!osp.isEmpty()) {
            counts.add(String.format("OSP %d/%d final", ospFinal, osp.size()));
        }
        boolean timedOut = notFinal > 0 || legacy.stream().anyMatch(o -> o.posted() && !o.reachedFinal())
                || osp.stream().anyMatch(o -> !o.refused() && !o.reachedFinal() && !o.push().startsWith("not filed"));
        out.printf("batch wall time: %.1f s; %s%s; result: %s%n", millis / 1000.0, String.join("; ", counts),
                timedOut ? " (timeout)" : "", all ? "ALL AS EXPECTED" : "NOT AS EXPECTED");
        out.flush();
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
