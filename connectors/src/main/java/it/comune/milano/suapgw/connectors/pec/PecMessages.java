package it.comune.milano.suapgw.connectors.pec;

import it.comune.milano.suapgw.model.Esito;
import jakarta.mail.BodyPart;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * PEC messages in the format of art. 10 of the technical annex to DPR 160/2010: subject
 * {@code <ufficio mittente> - <codice fiscale impresa> - <denominazione impresa>}, body lines {@code SUAP:},
 * {@code Pratica:}, {@code Impresa:}, {@code Protocollo RI}, {@code Protocollo Ente:}, {@code Tipo messaggio:}.
 * The parere itself travels in further lines of the same kind ({@code Esito:}, {@code Prescrizione:}, ...).
 */
public class PecMessages {
    public static final String TIPO_ANNULLAMENTO = "annullamento";
    public static final String TIPO_CONFERENZA = "convocazione-conferenza";
    public static final String TIPO_RICHIESTA = "richiesta-parere";
    public static final String TIPO_PARERE = "parere";
    private static final long MAX_PART_BYTES = 50L << 20;
    /** a parere is a text and a few signed files; the counts bound the work a hostile message can ask for */
    private static final int MAX_PARTS = 100;
    private static final int MAX_DEPTH = 8;
    private static final int MAX_TEXT_CHARS = 1 << 20;

    /** Why a received message cannot become a parere; it goes to quarantine with this reason. */
    public static class UnreadableMessage extends RuntimeException {
        public UnreadableMessage(String reason) {
            super(reason);
        }
    }

    public record Allegato(String name, String mimeType, byte[] content) {
    }

    /**
     * A parsed incoming message; {@code receipt} is set for a PEC provider's receipt (X-Ricevuta), not a parere;
     * {@code answers}: the Message-IDs its In-Reply-To and References name, in that order.
     */
    public record Ricevuto(String messageId, String from, String subject, String receipt, String codicePratica,
                           String tipoMessaggio, Esito esito, String motivazione, List<String> prescrizioni,
                           String firmatario, String protocolloEnte, List<Allegato> allegati, List<String> integrazioni,
                           List<String> answers) {
    }

    /** The Message-ID the gateway gives a request for a parere: a reply names it in In-Reply-To (RFC 5322 §3.6.4). */
    public static String requestMessageId(String requestId, int sollecito, String domain) {
        return "<richiesta-parere." + requestId + "." + sollecito + "@" + domain + ">";
    }

    /** The request a Message-ID of {@link #requestMessageId} names, if it is one of ours for this domain. */
    public static java.util.Optional<String> requestOf(String messageId, String domain) {
        String prefix = "<richiesta-parere.";
        String suffix = "@" + domain + ">";
        if (messageId == null || !messageId.startsWith(prefix) || !messageId.endsWith(suffix)) return java.util.Optional.empty();
        String middle = messageId.substring(prefix.length(), messageId.length() - suffix.length());
        int dot = middle.lastIndexOf('.');
        return dot <= 0 ? java.util.Optional.empty() : java.util.Optional.of(middle.substring(0, dot));
    }

    public static String subject(String ufficioMittente, String codiceFiscale, String denominazione) {
        return ufficioMittente + " - " + dash(codiceFiscale) + " - " + dash(denominazione);
    }

    public static String requestBody(String suap, String codicePratica, String codiceFiscale, String denominazione,
                                     String protocolloRi, String protocolloEnte, int round, LocalDate scadenza,
                                     String procedimento, List<String> documenti, int sollecito) {
        StringBuilder b = new StringBuilder();
        b.append("SUAP: ").append(suap).append("\r\n");
        b.append("Pratica: ").append(codicePratica).append("\r\n");
        b.append("Impresa: ").append(dash(codiceFiscale)).append(" - ").append(dash(denominazione)).append("\r\n");
        b.append("Protocollo RI: ").append(dash(protocolloRi)).append("\r\n");
        b.append("Protocollo Ente: ").append(protocolloEnte).append("\r\n");
        b.append("Tipo messaggio: ").append(TIPO_RICHIESTA).append("\r\n");
        b.append("Round: ").append(round).append("\r\n");
        b.append("Scadenza: ").append(scadenza).append("\r\n");
        if (sollecito > 0) b.append("Sollecito: ").append(sollecito).append("\r\n");
        b.append("\r\n");
        b.append("Richiesta di parere per il procedimento ").append(dash(procedimento)).append(".\r\n");
        b.append("Rispondere a questo messaggio indicando le righe Pratica:, Tipo messaggio: parere, ")
                .append("Esito: POSITIVO | NEGATIVO | CONFORMAZIONE, Motivazione:, Prescrizione: (una per riga), Firmatario:.\r\n");
        if (!documenti.isEmpty()) {
            b.append("\r\nDocumenti allegati:\r\n");
            documenti.forEach(d -> b.append(" - ").append(d).append("\r\n"));
        }
        return b.toString();
    }

    /** The art. 10 message that tells an ente the applicant withdrew the instance: its open requests need no answer. */
    public static String annullamentoBody(String suap, String codicePratica, String codiceFiscale, String denominazione,
                                          String evento, List<String> richiesteChiuse) {
        StringBuilder b = new StringBuilder();
        b.append("SUAP: ").append(suap).append("\r\n");
        b.append("Pratica: ").append(codicePratica).append("\r\n");
        b.append("Impresa: ").append(dash(codiceFiscale)).append(" - ").append(dash(denominazione)).append("\r\n");
        b.append("Tipo messaggio: ").append(TIPO_ANNULLAMENTO).append("\r\n");
        b.append("Evento: ").append(evento).append("\r\n");
        richiesteChiuse.forEach(r -> b.append("Protocollo Ente: ").append(r).append("\r\n"));
        b.append("\r\n");
        b.append("Il soggetto presentatore ha ritirato l'istanza: le richieste di parere indicate non richiedono risposta.\r\n");
        return b.toString();
    }

    /** The convocation of a conferenza dei servizi, where the ente expresses itself: its requests need no answer. */
    public static String conferenzaBody(String suap, String codicePratica, String codiceFiscale, String denominazione,
                                        String modalita, String data, String canale, List<String> richiesteChiuse) {
        StringBuilder b = new StringBuilder();
        b.append("SUAP: ").append(suap).append("\r\n");
        b.append("Pratica: ").append(codicePratica).append("\r\n");
        b.append("Impresa: ").append(dash(codiceFiscale)).append(" - ").append(dash(denominazione)).append("\r\n");
        b.append("Tipo messaggio: ").append(TIPO_CONFERENZA).append("\r\n");
        b.append("Evento: cdss_convened\r\n");
        b.append("Modalita: ").append(modalita).append("\r\n");
        b.append("Data: ").append(data).append("\r\n");
        b.append("Canale: ").append(canale).append("\r\n");
        richiesteChiuse.forEach(r -> b.append("Protocollo Ente: ").append(r).append("\r\n"));
        b.append("\r\n");
        b.append("E' convocata la conferenza dei servizi: l'ente si esprime in conferenza e le richieste di parere indicate non"
                + " richiedono risposta.\r\n");
        return b.toString();
    }

    /** Who a received message says it is from, its subject and Message-ID; {@code receipt}: a provider's X-Ricevuta. */
    public record Intestazione(String messageId, String from, String subject, String receipt) {
    }

    /** The headers of a received message (raw MIME), whatever its content. */
    public Intestazione headersOf(byte[] raw) {
        try {
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
            Address[] from = m.getFrom();
            String sender = from == null || from.length == 0 ? null
                    : from[0] instanceof InternetAddress ia ? ia.getAddress().toLowerCase(Locale.ROOT) : from[0].toString();
            return new Intestazione(m.getMessageID(), sender, m.getSubject(), header(m, "X-Ricevuta"));
        } catch (MessagingException e) {
            throw new UnreadableMessage("not a readable MIME message: " + e.getMessage());
        }
    }

    /** Parses a message of an ente (raw MIME; for a PEC, the postacert.eml its provider certified). */
    public Ricevuto parse(byte[] raw) {
        try {
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
            String messageId = m.getMessageID();
            String receipt = header(m, "X-Ricevuta");
            String from = sender(m);
            List<String> texts = new ArrayList<>();
            List<Allegato> allegati = new ArrayList<>();
            collect(m, texts, allegati, new int[1], 0);
            if (receipt != null) {
                return new Ricevuto(messageId, from, m.getSubject(), receipt, null, null, null, null, List.of(), null,
                        null, allegati, List.of(), answers(m));
            }
            if (texts.isEmpty()) throw new UnreadableMessage("the message has no text body");
            if (texts.stream().anyMatch(t -> t.indexOf('\u0000') >= 0)) {
                throw new UnreadableMessage("the message's text holds U+0000, which no parere means and PostgreSQL cannot store");
            }
            Map<String, List<String>> lines = lines(String.join("\n", texts));
            String pratica = first(lines, "pratica");
            if (pratica == null || pratica.isBlank()) throw new UnreadableMessage("no 'Pratica:' line in the body");
            String tipo = first(lines, "tipo messaggio");
            if (tipo != null && !TIPO_PARERE.equalsIgnoreCase(tipo.trim())) {
                throw new UnreadableMessage("'Tipo messaggio: " + tipo + "' is not a parere");
            }
            String esitoText = first(lines, "esito");
            if (esitoText == null) throw new UnreadableMessage("no 'Esito:' line in the body");
            Esito esito = esito(esitoText);
            List<String> prescrizioni = lines.getOrDefault("prescrizione", List.of()).stream()
                    .filter(s -> !s.isBlank()).toList();
            return new Ricevuto(messageId, from, m.getSubject(), null, pratica.trim(), TIPO_PARERE, esito,
                    first(lines, "motivazione"), prescrizioni, first(lines, "firmatario"), first(lines, "protocollo ente"),
                    allegati, lines.getOrDefault("integrazione", List.of()).stream().filter(s -> !s.isBlank()).toList(), answers(m));
        } catch (MessagingException | IOException e) {
            throw new UnreadableMessage("not a readable MIME message: " + e.getMessage());
        }
    }

    static Esito esito(String s) {
        String v = s.trim().toLowerCase(Locale.ITALIAN);
        if (v.equals("positivo") || v.equals("favorevole")) return Esito.POSITIVO;
        if (v.equals("negativo") || v.equals("contrario") || v.equals("sfavorevole")) return Esito.NEGATIVO;
        if (v.equals("conformazione") || v.startsWith("favorevole con prescrizioni") || v.equals("con prescrizioni")) {
            return Esito.CONFORMAZIONE;
        }
        throw new UnreadableMessage("'Esito: " + s + "' is none of POSITIVO, NEGATIVO, CONFORMAZIONE");
    }

    /**
     * {@code Name: value} lines, read by position rather than by a regular expression: a hostile body of long lines
     * of blanks or colons costs one pass, never a backtracking search.
     */
    static Map<String, List<String>> lines(String text) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) end = text.length();
            String line = text.substring(start, end);
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon).strip();
                if (isFieldName(name)) {
                    out.computeIfAbsent(name.toLowerCase(Locale.ITALIAN), k -> new ArrayList<>()).add(line.substring(colon + 1).strip());
                }
            }
            start = end + 1;
        }
        return out;
    }

    /** 2-30 letters (accented included) and spaces, as the art. 10 line names are. */
    private static boolean isFieldName(String name) {
        if (name.length() < 2 || name.length() > 30) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != ' ' && !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && !(c >= '\u00C0' && c <= '\u00FA')) return false;
        }
        return true;
    }

    /** The text of an HTML body: tags dropped, {@code <br>} and {@code </p>} as line ends; one pass, no regular expression. */
    static String htmlText(String html) {
        StringBuilder out = new StringBuilder(Math.min(html.length(), 1 << 16));
        int i = 0;
        while (i < html.length()) {
            char c = html.charAt(i);
            if (c != '<') {
                out.append(c);
                i++;
                continue;
            }
            int close = html.indexOf('>', i + 1);
            if (close < 0) {
                out.append(html, i, html.length()); // an unclosed '<' is text, as a browser would show it
                break;
            }
            String tag = html.substring(i + 1, Math.min(close, i + 8)).strip().toLowerCase(Locale.ROOT);
            if (tag.startsWith("br") || tag.startsWith("/p")) out.append('\n');
            i = close + 1;
        }
        return out.toString();
    }

    private static String first(Map<String, List<String>> lines, String key) {
        List<String> v = lines.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static void collect(Part p, List<String> texts, List<Allegato> allegati, int[] parts, int depth)
            throws MessagingException, IOException {
        if (++parts[0] > MAX_PARTS) throw new UnreadableMessage("the message has more than " + MAX_PARTS + " MIME parts");
        if (depth > MAX_DEPTH) throw new UnreadableMessage("the message nests MIME parts deeper than " + MAX_DEPTH);
        String disposition = p.getDisposition();
        String filename = p.getFileName();
        if (p.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) p.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                collect(mp.getBodyPart(i), texts, allegati, parts, depth + 1);
            }
        } else if (filename == null && !Part.ATTACHMENT.equalsIgnoreCase(disposition) && p.isMimeType("text/plain")) {
            texts.add(boundedText(p));
        } else if (filename == null && !Part.ATTACHMENT.equalsIgnoreCase(disposition) && p.isMimeType("text/html")) {
            texts.add(htmlText(boundedText(p)));
        } else {
            String name = filename != null ? filename : "allegato-" + (allegati.size() + 1);
            try (InputStream in = p.getInputStream()) {
                byte[] content = in.readNBytes((int) MAX_PART_BYTES + 1);
                if (content.length > MAX_PART_BYTES) throw new UnreadableMessage("attachment " + name + " exceeds " + MAX_PART_BYTES + " bytes");
                String type = p.getContentType() == null ? "application/octet-stream" : p.getContentType().split(";")[0].trim();
                allegati.add(new Allegato(name, type.toLowerCase(Locale.ROOT), content));
            }
        }
    }

    private static String boundedText(Part p) throws MessagingException, IOException {
        String text = String.valueOf(p.getContent());
        if (text.length() > MAX_TEXT_CHARS) throw new UnreadableMessage("a text part exceeds " + MAX_TEXT_CHARS + " characters");
        return text;
    }

    /** The Message-IDs of In-Reply-To, then References: {@code <...>} tokens, read in one pass. */
    private static List<String> answers(MimeMessage m) throws MessagingException {
        List<String> out = new ArrayList<>();
        for (String name : List.of("In-Reply-To", "References")) {
            String[] values = m.getHeader(name);
            if (values == null) continue;
            for (String v : values) {
                int i = 0;
                while (out.size() < 50) {
                    int open = v.indexOf('<', i);
                    if (open < 0) break;
                    int close = v.indexOf('>', open);
                    if (close < 0) break;
                    out.add(v.substring(open, close + 1));
                    i = close + 1;
                }
            }
        }
        return out;
    }

    private static String sender(MimeMessage m) throws MessagingException {
        Address[] from = m.getFrom();
        if (from == null || from.length == 0) throw new UnreadableMessage("the message has no sender");
        return from[0] instanceof InternetAddress ia ? ia.getAddress().toLowerCase(Locale.ROOT) : from[0].toString();
    }

    private static String header(MimeMessage m, String name) throws MessagingException {
        String[] h = m.getHeader(name);
        return h == null || h.length == 0 ? null : h[0].trim();
    }

    private static String dash(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }
}
