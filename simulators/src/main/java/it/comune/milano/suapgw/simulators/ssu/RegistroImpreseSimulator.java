package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.modi.ModiPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * The Registro Imprese (RI_InformationDebit-001): provides {@code ri_to_bo}, every body validated against the
 * published {@code ri_to_bo.yaml} (400 {@code ERROR_400_001} otherwise, counted in {@link #invalidCalls()}).
 * <ul>
 * <li>{@code POST /send_instance}: recorded ({@code send_instance:v<N>}), answered 200, then every document of the
 * instance_index and the general_index (where the {@code SUAP_REA_*_XML} is) is downloaded from
 * {@code {gateway}/ssu/ri/instance/{cui}/document/{rid}} with If-Match and the RI's credentials (ModI, or Basic), and
 * verified;</li>
 * <li>{@code POST /notify}: recorded ({@code notify:<event>}); with a {@code resource_id} the act is downloaded the
 * same way and verified ({@link #actVerified}).</li>
 * </ul>
 * A document missing or not matching its hash makes the RI ask for a retransmission ({@code POST {gateway}/ssu/ri/retry},
 * operation {@code send_instance} or {@code notify}). The RI has no documents of its own (the GET answers 404).
 */
public class RegistroImpreseSimulator extends SsuPeerSimulator {

    private static final Logger LOG = LoggerFactory.getLogger(RegistroImpreseSimulator.class);

    public static final String DEFAULT_CLIENT_ID = "registro-imprese";
    public static final int DEFAULT_PORT = 8193;

    public RegistroImpreseSimulator(int port, String gatewayBaseUrl, String clientId, String password) {
        super("registro-imprese", port, gatewayBaseUrl, "/ssu/ri", clientId, password);
    }

    /** With {@link #DEFAULT_CLIENT_ID} and {@link #defaultPassword()}. */
    public RegistroImpreseSimulator(int port, String gatewayBaseUrl) {
        this(port, gatewayBaseUrl, DEFAULT_CLIENT_ID, defaultPassword());
    }

    /** With {@link #DEFAULT_CLIENT_ID} and ModI ({@code ModiDemo.registroImprese()}; null: without, Basic credentials). */
    public RegistroImpreseSimulator(int port, String gatewayBaseUrl, ModiPeer modi) {
        this(port, gatewayBaseUrl);
        setModi(modi);
    }

    /** {@code registro-imprese-secret}, overridable by env/system property {@code SUAPGW_RI_PASSWORD}. */
    public static String defaultPassword() {
        String v = System.getProperty("SUAPGW_RI_PASSWORD");
        if (v == null || v.isBlank()) {
            v = System.getenv("SUAPGW_RI_PASSWORD");
        }
        return v == null || v.isBlank() ? "registro-imprese-secret" : v;
    }

    @Override
    protected boolean post(HttpExchange ex, String operation) throws IOException {
        switch (operation) {
            case SEND_INSTANCE -> sendInstance(ex);
            case NOTIFY -> notify(ex);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void sendInstance(HttpExchange ex) throws IOException {
        JsonNode body = valid(ex, SEND_INSTANCE, "ri_to_bo.yaml", SsuContracts::riSendInstanceErrors);
        if (body == null) {
            return;
        }
        String uuid = body.get("cui").get("uuid").asText();
        recordSendInstance(uuid, body);
        sendEmpty(ex, 200);
        String context = SEND_INSTANCE + ":v" + body.path("instance_descriptor_version").asText();
        fetchAll(uuid, context, listed(body, true), fetched -> {
            if (retryIfDocumentProblems(body.get("cui"), SEND_INSTANCE, fetched, SsuContracts::boToRiRetryErrors)) {
                LOG.warn("registro imprese: documents of {} {} not verified: retransmission asked", uuid, context);
            } else {
                LOG.info("registro imprese: {} {} acquired ({} documents verified)", uuid, context, fetched.size());
            }
        });
    }

    private void notify(HttpExchange ex) throws IOException {
        JsonNode body = valid(ex, NOTIFY, "ri_to_bo.yaml", SsuContracts::riNotifyErrors);
        if (body == null) {
            return;
        }
        String uuid = body.get("cui").get("uuid").asText();
        recordNotify(uuid, body);
        sendEmpty(ex, 200);
        String resourceId = Json.text(body, "resource_id");
        if (resourceId != null) {
            fetchAll(uuid, NOTIFY + ":" + body.path("event").asText(),
                    List.of(new DocRef(ACT, resourceId, Json.text(body, "hash"), Json.text(body, "alg_hash"))),
                    fetched -> retryIfDocumentProblems(body.get("cui"), NOTIFY, fetched, SsuContracts::boToRiRetryErrors));
        }
    }

    @Override
    public String toString() {
        return "RegistroImpreseSimulator[" + baseUrl() + "]";
    }
}
