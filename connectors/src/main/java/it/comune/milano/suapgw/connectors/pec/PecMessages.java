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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern LINE = Pattern.compile("^\\s*([A-Za-zÀ-ú ]{2,30}?)\\s*:\\s*(.*?)\\s*$");
    private static final long MAX_PART_BYTES = 50L << 20;

    /** Why a received message cannot become a parere; it goes to quarantine with this reason. */
    public static class UnreadableMessage extends RuntimeException {
        public UnreadableMessage(String reason) {
            super(reason);
        }
    }

    public record Allegato(String name, String mimeType, byte[] content) {
    }

    /** A parsed incoming message; {@code receipt} is set for a PEC provider's receipt (X-Ricevuta), not a parere. */
    public record Ricevuto(String messageId, String from, String subject, String receipt, String codicePratica,
                           String tipoMessaggio, Esito esito, String motivazione, List<String> prescrizioni,
                           String firmatario, String protocolloEnte, List<Allegato> allegati, List<String> integrazioni) {
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

    /** Parses a received message (raw MIME); a PEC transport envelope is opened to its postacert.eml. */
    public Ricevuto parse(byte[] raw) {
        try {
            MimeMessage outer = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
            String messageId = outer.getMessageID();
            String receipt = header(outer, "X-Ricevuta");
            MimeMessage m = outer;
            if ("posta-certificata".equalsIgnoreCase(header(outer, "X-Trasporto"))) {
                MimeMessage inner = postacert(outer);
                if (inner != null) m = inner;
            }
            String from = sender(m);
            List<String> texts = new ArrayList<>();
            List<Allegato> allegati = new ArrayList<>();
            collect(m, texts, allegati);
            if (receipt != null) {
                return new Ricevuto(messageId, from, m.getSubject(), receipt, null, null, null, null, List.of(), null,
                        null, allegati, List.of());
            }
            if (texts.isEmpty()) throw new UnreadableMessage("the message has no text body");
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
                    allegati, lines.getOrDefault("integrazione", List.of()).stream().filter(s -> !s.isBlank()).toList());
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

    private static Map<String, List<String>> lines(String text) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : text.split("\\r?\\n")) {
            Matcher mt = LINE.matcher(line);
            if (mt.matches()) {
                out.computeIfAbsent(mt.group(1).trim().toLowerCase(Locale.ITALIAN), k -> new ArrayList<>()).add(mt.group(2));
            }
        }
        return out;
    }

    private static String first(Map<String, List<String>> lines, String key) {
        List<String> v = lines.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static void collect(Part p, List<String> texts, List<Allegato> allegati) throws MessagingException, IOException {
        String disposition = p.getDisposition();
        String filename = p.getFileName();
        if (p.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) p.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                collect(mp.getBodyPart(i), texts, allegati);
            }
        } else if (filename == null && !Part.ATTACHMENT.equalsIgnoreCase(disposition) && p.isMimeType("text/plain")) {
            texts.add(String.valueOf(p.getContent()));
        } else if (filename == null && !Part.ATTACHMENT.equalsIgnoreCase(disposition) && p.isMimeType("text/html")) {
            texts.add(String.valueOf(p.getContent()).replaceAll("(?i)<br\\s*/?>|</p>", "\n").replaceAll("<[^>]+>", ""));
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

    private static MimeMessage postacert(MimeMessage outer) throws MessagingException, IOException {
        if (!outer.isMimeType("multipart/*")) return null;
        Multipart mp = (Multipart) outer.getContent();
        for (int i = 0; i < mp.getCount(); i++) {
            BodyPart part = mp.getBodyPart(i);
            if ("postacert.eml".equalsIgnoreCase(part.getFileName()) || part.isMimeType("message/rfc822")) {
                try (InputStream in = part.getInputStream()) {
                    return new MimeMessage(Session.getInstance(new Properties()), in);
                }
            }
        }
        return null;
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
