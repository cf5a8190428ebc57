package it.comune.milano.suapgw.simulators.enti;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading the art. 10 (DPR 160/2010, technical annex) PEC messages: the {@code Key: value} lines of the text/plain
 * body and the attachments, whatever the MIME nesting (a real PEC wraps the original message in a
 * {@code postacert.eml} message/rfc822 part, so nested messages are walked too).
 */
final class PecMail {

    private static final Pattern LINE = Pattern.compile("^\\s*([A-Za-z][A-Za-z ]*?)\\s*:\\s*(.*?)\\s*$");

    private PecMail() {
    }

    /**
     * The message inside a PEC transport envelope ({@code X-Trasporto: posta-certificata}: its {@code postacert.eml}),
     * else the message itself. The envelope's signature is not checked: the gateway's gestore is trusted here.
     *
     * @throws MessagingException an envelope without a readable {@code postacert.eml}
     */
    static MimeMessage unwrap(MimeMessage message) throws MessagingException, IOException {
        String trasporto = message.getHeader("X-Trasporto", null);
        if (trasporto == null || !PecProvider.TRASPORTO_POSTA_CERTIFICATA.equalsIgnoreCase(trasporto.trim())) {
            return message;
        }
        MimeMessage inner = postacert(message);
        if (inner == null) {
            throw new MessagingException("transport envelope without " + PecProvider.POSTACERT);
        }
        return inner;
    }

    private static MimeMessage postacert(Part p) throws MessagingException, IOException {
        if (p.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) p.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                MimeMessage found = postacert(mp.getBodyPart(i));
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (p.isMimeType("message/rfc822") && PecProvider.POSTACERT.equalsIgnoreCase(p.getFileName())
                && p.getContent() instanceof MimeMessage inner) {
            return inner;
        }
        return null;
    }

    /** The text/plain bodies and the attachments (file name → decoded bytes) of a message, depth first. */
    record Content(List<String> texts, Map<String, byte[]> attachments) {
    }

    static Content content(Part message) throws MessagingException, IOException {
        Content c = new Content(new ArrayList<>(), new LinkedHashMap<>());
        collect(message, c);
        return c;
    }

    private static void collect(Part p, Content c) throws MessagingException, IOException {
        if (p.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) p.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart bp = mp.getBodyPart(i);
                collect(bp, c);
            }
            return;
        }
        if (p.isMimeType("message/rfc822") && p.getContent() instanceof Part inner) {
            collect(inner, c);
            return;
        }
        String fileName = p.getFileName();
        if (fileName != null || Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition())) {
            try (InputStream in = p.getInputStream()) {
                c.attachments().put(fileName == null ? "attachment-" + (c.attachments().size() + 1) : fileName, in.readAllBytes());
            }
        } else if (p.isMimeType("text/plain")) {
            Object text = p.getContent();
            c.texts().add(text instanceof String s ? s : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * {@code Key: value} lines of a text (keys lower-cased, inner blanks kept; first occurrence wins); any line
     * ending (CRLF, LF) and any other line are tolerated.
     */
    static Map<String, String> fields(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null) {
            return out;
        }
        for (String line : text.split("\\r?\\n|\\r")) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                out.putIfAbsent(m.group(1).trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT), m.group(2));
            }
        }
        return out;
    }

    /** Every value of a key (lower case, inner blanks single) in a text, in order: e.g. the repeated {@code Protocollo Ente:} lines. */
    static List<String> values(String text, String key) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String line : text.split("\\r?\\n|\\r")) {
            Matcher m = LINE.matcher(line);
            if (m.matches() && m.group(1).trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT).equals(key)) {
                out.add(m.group(2));
            }
        }
        return out;
    }

    /** The fields of the first text that has {@code requiredKey}; else those of the first text (or none). */
    static Map<String, String> fieldsWith(List<String> texts, String requiredKey) {
        Map<String, String> first = null;
        for (String t : texts) {
            Map<String, String> f = fields(t);
            if (f.containsKey(requiredKey)) {
                return f;
            }
            if (first == null) {
                first = f;
            }
        }
        return first == null ? Map.of() : first;
    }

    /** The attachment with this name, ignoring case; or null. */
    static byte[] attachment(Map<String, byte[]> attachments, String name) {
        for (Map.Entry<String, byte[]> e : attachments.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }
}
