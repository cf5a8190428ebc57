package it.comune.milano.suapgw.gateway.intake.ssu;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.lifecycle.LifecycleException;
import it.comune.milano.suapgw.gateway.documenti.ByteRange;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.security.modi.ModiService;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What every SSU e-service the gateway provides (bo_to_fo, bo_to_et, bo_to_ri) shares: requests validated against the
 * official contract, errors answered in the SSU format {@code {"code":"ERROR_xxx_yyy","message":...}} (a crash as
 * ERROR_500_007 without its text, our database unreachable as ERROR_503_001), and the document GET (If-Match, one
 * Range) whose access rule each e-service gives.
 */
public abstract class SsuEserviceRouteBuilder extends GatewayRouteBuilder {
    private static final Logger log = LoggerFactory.getLogger(SsuEserviceRouteBuilder.class);
    protected static final int MAX_BODY = 1_048_576;
    /** the most items an array of a request may hold */
    protected static final int MAX_ITEMS = 1000;
    /** No text of an SSU request (identifiers, dates, notes; documents are fetched, never inline) comes near this. */
    protected static final int MAX_TEXT = 4096;
    /** The parts of a CUI are identifiers: they end up in keys, paths and every message about the pratica (ERROR_500_002). */
    protected static final int MAX_CUI_PART = 100;
    protected static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    protected static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern HASH_TEXT = Pattern.compile("\"?[A-Za-z0-9+/=_-]{1,200}\"?");
    private static final String CONTENT_RANGE = "ssuContentRange";

    protected final PraticaRepository pratiche;
    protected final JsonContracts contracts;
    protected final SsuMapper ssu;
    protected final ObjectMapper json;

    protected SsuEserviceRouteBuilder(PraticaRepository pratiche, JsonContracts contracts, SsuMapper ssu, ObjectMapper json) {
        this.pratiche = pratiche;
        this.contracts = contracts;
        this.ssu = ssu;
        this.json = json;
    }

    /** Who may read which document of which instance, on one e-service. */
    protected interface DocumentAccess {
        /** @throws SsuException ERROR_500_002 when the caller has no instance with this CUI */
        UUID instance(String cuiUuid);

        /** @throws SsuException ERROR_404_001 when the caller may not read this resource of the instance */
        void resource(UUID praticaId, String resourceId);
    }

    /** The SSU error format for every route of this builder. */
    protected void ssuErrorHandling() {
        onException(SsuException.class).handled(true)
                .process(e -> error(e, e.getProperty(Exchange.EXCEPTION_CAUGHT, SsuException.class)));
        onException(LifecycleException.class).handled(true)
                .process(e -> {
                    // ERROR_500_008 is the code of notify and audit, which the front-office serves: every operation
                    // of bo_to_fo the state does not take is ERROR_500_009 (Tabella 30)
                    LifecycleException ex = e.getProperty(Exchange.EXCEPTION_CAUGHT, LifecycleException.class);
                    error(e, new SsuException(SsuErrorCode.ERROR_500_009, ex.getMessage()));
                });
        // the database or another resource of ours is unreachable for now: the front-office retries (§8.5.4)
        onException(TransientDataAccessException.class, CannotCreateTransactionException.class,
                DataAccessResourceFailureException.class, TransactionSystemException.class).handled(true)
                .process(e -> {
                    log.warn("SSU request refused for now: {}", e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).toString());
                    error(e, new SsuException(SsuErrorCode.ERROR_503_001, "the service cannot take the request now"));
                });
        onException(Exception.class).handled(true)
                .process(e -> {
                    log.error("SSU request failed", e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
                    error(e, new SsuException(SsuErrorCode.ERROR_500_007, null));
                });

    }

    /**
     * A document of the instance — one the front-office sent, or the act of the back-office — served only against its
     * hash (If-Match), whole or one byte range (RFC 9110, single part), base64-encoded.
     */
    protected void document(Exchange e, DocumentAccess access) throws java.io.IOException {
        String cui = e.getMessage().getHeader("cui_uuid", String.class);
        String rid = e.getMessage().getHeader("resource_id", String.class);
        String ifMatch = e.getMessage().getHeader("If-Match", String.class);
        String range = e.getMessage().getHeader("Range", String.class);
        if (!UUID_TEXT.matcher(cui == null ? "" : cui).matches()) {
            throw new SsuException(SsuErrorCode.ERROR_500_002, "no instance with CUI uuid " + abbreviate(cui));
        }
        UUID praticaId = access.instance(cui);
        if (ifMatch == null || ifMatch.isBlank()) {
            throw new SsuException(SsuErrorCode.ERROR_428_001, "If-Match with the resource hash is required");
        }
        // what the request names must be a resource id and a hash (hex, base64, base64url, optionally quoted)
        if (rid == null || !SAFE_ID.matcher(rid).matches()) {
            throw new SsuException(SsuErrorCode.ERROR_400_001, "resource_id '" + abbreviate(rid) + "' must be 1-100 characters of [A-Za-z0-9._:-]");
        }
        if (!HASH_TEXT.matcher(ifMatch.trim()).matches()) {
            throw new SsuException(SsuErrorCode.ERROR_400_001, "If-Match must carry the resource hash (hex, base64 or base64url)");
        }
        access.resource(praticaId, rid);
        PraticaRepository.StoredContent d = pratiche.verifiedContent(cui, rid)
                .orElseThrow(() -> new SsuException(SsuErrorCode.ERROR_404_001, "no document " + abbreviate(rid) + " for CUI " + cui));
        // a verified document's content has the hash it was declared with: If-Match is compared with that
        if (!ContentHashes.sameHash(d.expectedHash(), ifMatch.replace("\"", ""))) {
            throw new SsuException(SsuErrorCode.ERROR_412_001, "If-Match does not match the resource hash");
        }
        DocumentStore.Content content = d.content();
        long size = content.size();
        ByteRange r = range == null || range.isBlank() ? new ByteRange(0, size - 1) : ByteRange.parse(range, size);
        if (r == null) {
            e.setProperty(CONTENT_RANGE, "bytes */" + size);
            throw new SsuException(SsuErrorCode.ERROR_416_001, "range '" + abbreviate(range) + "' cannot be satisfied for "
                    + size + " bytes (one range, bytes unit)");
        }
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain");
        e.getMessage().setHeader("Accept-Ranges", "bytes");
        if (range == null || range.isBlank()) {
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        } else {
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 206);
            e.getMessage().setHeader("Content-Range", "bytes " + r.first() + "-" + r.last() + "/" + size);
        }
        if (size <= DocumentStore.INLINE_MAX) {
            e.getMessage().setBody(content.openBase64(r.first(), r.length()).readAllBytes());
            return;
        }
        // a large document streams out: signed before its first byte over the ModI Digest of its base64, never held
        // whole (ModiInboundFilter). The whole document's digest was kept when it came as exactly that base64;
        // otherwise (a range, or a content that came otherwise) it is taken by a pass of its own first
        boolean whole = r.first() == 0 && r.length() == size;
        e.getMessage().setHeader("Digest", whole && d.base64Digest() != null ? d.base64Digest()
                : ModiService.digest(content.openBase64(r.first(), r.length())));
        e.getMessage().setBody(content.openBase64(r.first(), r.length()));
    }

    /** The CUI's uuid, which names the instance (and a path of the Catalogo): a UUID, else the CUI is invalid. */
    protected static String cuiUuid(JsonNode cui) {
        cui.fields().forEachRemaining(part -> {
            if (part.getValue().isTextual() && part.getValue().textValue().length() > MAX_CUI_PART) {
                throw new SsuException(SsuErrorCode.ERROR_500_002,
                        "cui." + part.getKey() + " longer than " + MAX_CUI_PART + " characters");
            }
        });
        String uuid = cui.path("uuid").asText();
        if (!UUID_TEXT.matcher(uuid).matches()) {
            throw new SsuException(SsuErrorCode.ERROR_500_002, "cui.uuid '" + abbreviate(uuid) + "' is not a UUID");
        }
        return uuid;
    }

    private static String first(String s, int max) {
        return s == null ? null : s.length() > max ? s.substring(0, max) + "..." : s;
    }

    protected static String abbreviate(String s) {
        return s == null ? null : s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** The request body as UTF-8 text: bytes that are not UTF-8 are refused, never replaced. */
    protected static String body(Exchange e) {
        byte[] bytes = e.getMessage().getBody(byte[].class);
        if (bytes != null && bytes.length > MAX_BODY) {
            throw new SsuException(SsuErrorCode.ERROR_400_001, "request body exceeds " + MAX_BODY + " bytes");
        }
        String raw;
        try {
            raw = bytes == null ? null : JsonContracts.utf8(bytes);
        } catch (java.nio.charset.CharacterCodingException notUtf8) {
            throw new SsuException(SsuErrorCode.ERROR_400_001, "request body is not UTF-8");
        }
        if (raw == null || raw.isBlank()) {
            throw new SsuException(SsuErrorCode.ERROR_400_001, "request body is empty");
        }
        // the HTTP binding may have decoded the bytes already, replacing what was not UTF-8 with U+FFFD: a sender
        // never means the replacement character, so it is taken for what it is, bytes that were not UTF-8
        if (raw.indexOf('\uFFFD') >= 0) {
            throw new SsuException(SsuErrorCode.ERROR_400_001, "request body is not UTF-8");
        }
        return raw;
    }

    protected JsonNode validated(String raw, String schema) {
        JsonNode node;
        try {
            node = JsonContracts.parse(json, raw);
        } catch (JsonProcessingException ex) {
            // the parser's own words, not its class names
            String why = ex instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException
                    ? "content after the JSON document" : first(ex.getOriginalMessage(), 200);
            throw new SsuException(SsuErrorCode.ERROR_400_001, "body is not valid JSON: " + why);
        }
        if (node == null || !node.isObject()) {
            throw new SsuException(SsuErrorCode.ERROR_400_001, "body must be a JSON object");
        }
        bounded(node);
        List<String> errors = contracts.validate(schema, node);
        if (!errors.isEmpty()) {
            // a hostile body may break the contract a hundred thousand times: the first few say enough
            throw new SsuException(SsuErrorCode.ERROR_400_001, first(String.join("; ", errors.subList(0, Math.min(10, errors.size()))), 2000));
        }
        return node;
    }

    /**
     * The contracts put no bound on their arrays nor on their strings; an instance has tens of documents, not
     * thousands, and identifiers, not essays. A longer array or string is refused before the schema is tried (whose
     * checks of each item, anyOf, uniqueItems, would cost seconds) and long before anything is stored.
     */
    private static void bounded(JsonNode root) {
        java.util.Deque<java.util.Map.Entry<String, JsonNode>> todo = new java.util.ArrayDeque<>();
        todo.push(java.util.Map.entry("$", root));
        while (!todo.isEmpty()) {
            var entry = todo.pop();
            String path = entry.getKey();
            JsonNode n = entry.getValue();
            if (n.isArray() && n.size() > MAX_ITEMS) {
                throw new SsuException(SsuErrorCode.ERROR_400_001, path + ": an array holds " + n.size() + " items, more than " + MAX_ITEMS);
            }
            // the CUI's parts and the index's entries have checks of their own, with their own codes (cuiUuid, within)
            if (n.isTextual() && n.textValue().length() > MAX_TEXT && !path.startsWith("$.cui.") && !path.startsWith("$.instance_index[")) {
                throw new SsuException(SsuErrorCode.ERROR_400_001,
                        path + ": a text of " + n.textValue().length() + " characters, more than " + MAX_TEXT);
            }
            if (n.isArray()) {
                for (int i = 0; i < n.size(); i++) todo.push(java.util.Map.entry(path + "[" + i + "]", n.get(i)));
            } else if (n.isObject()) {
                n.fields().forEachRemaining(f -> {
                    if (f.getKey().length() > MAX_CUI_PART) {
                        throw new SsuException(SsuErrorCode.ERROR_400_001, path + ": a property name of " + f.getKey().length()
                                + " characters, more than " + MAX_CUI_PART);
                    }
                    todo.push(java.util.Map.entry(path + "." + f.getKey(), f.getValue()));
                });
            }
        }
    }

    protected static void safeId(String what, String value) {
        if (!SAFE_ID.matcher(value).matches()) {
            throw new SsuException(SsuErrorCode.ERROR_500_003,
                    "$." + what + ": '" + abbreviate(value) + "' must be 1-100 characters of [A-Za-z0-9._:-]");
        }
    }

    protected static void ok(Exchange e) {
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getMessage().setBody(null);
    }

    protected void error(Exchange e, SsuException ex) {
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, ex.code().httpStatus());
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        String contentRange = e.getProperty(CONTENT_RANGE, String.class);
        if (contentRange != null) e.getMessage().setHeader("Content-Range", contentRange);
        e.getMessage().setBody(ssu.error(ex.code(), ex.getMessage()).toString());
    }
}
