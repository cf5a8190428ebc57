package it.comune.milano.suapgw.simulators.support.modi;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.simulators.support.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The PDND registry ({@code config/demo/pdnd-registry.json}, docs/modi-pdnd.md): the issuer name, the PDND's own key
 * ({@code key: {kid, private_key}}), the clients with their registered public key ({@code clients: [{client_id, kid,
 * public_key}]}) and the purposes each may get a voucher for ({@code purposes: [{purposeId, client_id, audience}]}).
 * Key files are resolved relative to the registry file. A client's private key, when the registry is the demo one, is
 * the file beside its public key without {@code .pub} ({@code keys/frontoffice.pub.pem} → {@code keys/frontoffice.pem}).
 */
public final class PdndRegistry {

    /** Setting (system property or environment variable) naming the registry file. */
    public static final String REGISTRY_SETTING = "SUAPGW_PDND_REGISTRY";
    public static final String DEMO_REGISTRY = "config/demo/pdnd-registry.json";

    /** A client registered at the PDND. {@code privateKeyFile}: where its demo private key would be (may not exist). */
    public record Client(String clientId, String kid, RSAPublicKey publicKey, Path privateKeyFile) {
    }

    /** A purpose: {@code clientId} may get a voucher for {@code audience} (an e-service). */
    public record Purpose(String purposeId, String clientId, String audience) {
    }

    private final Path file;
    private final String issuer;
    private final String pdndKid;
    private final PrivateKey pdndKey;
    private final RSAPublicKey pdndPublicKey;
    private final Map<String, Client> clients;
    private final List<Purpose> purposes;

    private PdndRegistry(Path file, String issuer, String pdndKid, PrivateKey pdndKey, Map<String, Client> clients, List<Purpose> purposes) {
        this.file = file;
        this.issuer = issuer;
        this.pdndKid = pdndKid;
        this.pdndKey = pdndKey;
        this.pdndPublicKey = ModiKeys.publicKey(pdndKey);
        this.clients = clients;
        this.purposes = purposes;
    }

    /** Reads a registry file; key paths are relative to its folder. */
    public static PdndRegistry load(Path file) {
        JsonNode root;
        try {
            root = Json.parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the PDND registry " + file, e);
        }
        Path dir = file.toAbsolutePath().getParent();
        String issuer = required(root, "issuer", file);
        JsonNode key = root.path("key");
        String pdndKid = required(key, "kid", file);
        PrivateKey pdndKey = ModiKeys.readPrivateKey(dir.resolve(required(key, "private_key", file)));
        Map<String, Client> clients = new LinkedHashMap<>();
        for (JsonNode c : root.path("clients")) {
            String id = required(c, "client_id", file);
            String publicKey = required(c, "public_key", file);
            Path pub = dir.resolve(publicKey);
            String priv = publicKey.endsWith(".pub.pem") ? publicKey.substring(0, publicKey.length() - ".pub.pem".length()) + ".pem"
                    : publicKey + ".private";
            if (clients.put(id, new Client(id, required(c, "kid", file), ModiKeys.readPublicKey(pub), dir.resolve(priv))) != null) {
                throw new IllegalArgumentException(file + ": client " + id + " registered twice");
            }
        }
        List<Purpose> purposes = new ArrayList<>();
        for (JsonNode p : root.path("purposes")) {
            Purpose purpose = new Purpose(required(p, "purposeId", file), required(p, "client_id", file), required(p, "audience", file));
            if (!clients.containsKey(purpose.clientId())) {
                throw new IllegalArgumentException(file + ": purpose " + purpose.purposeId() + " of unknown client " + purpose.clientId());
            }
            purposes.add(purpose);
        }
        return new PdndRegistry(file, issuer, pdndKid, pdndKey, Map.copyOf(clients), List.copyOf(purposes));
    }

    /**
     * The registry file of the demo: the setting {@value #REGISTRY_SETTING} if given, otherwise
     * {@value #DEMO_REGISTRY} from the working directory or one of its parents (the tests run in a module directory).
     */
    public static Path demoFile() {
        String v = System.getProperty(REGISTRY_SETTING);
        if (v == null || v.isBlank()) {
            v = System.getenv(REGISTRY_SETTING);
        }
        if (v != null && !v.isBlank()) {
            return Path.of(v.trim());
        }
        return it.comune.milano.suapgw.simulators.support.DemoFiles.find(DEMO_REGISTRY).orElse(Path.of(DEMO_REGISTRY));
    }

    /** {@link #load} of {@link #demoFile()}. */
    public static PdndRegistry demo() {
        return load(demoFile());
    }

    public Path file() {
        return file;
    }

    /** The PDND's issuer name ({@code iss} of the vouchers, {@code aud} of the client assertions). */
    public String issuer() {
        return issuer;
    }

    /** The {@code kid} of the PDND's voucher key. */
    public String pdndKid() {
        return pdndKid;
    }

    /** The PDND's voucher signing key (demo: to run the PDND simulator, and to forge vouchers in the tests). */
    public PrivateKey pdndPrivateKey() {
        return pdndKey;
    }

    public RSAPublicKey pdndPublicKey() {
        return pdndPublicKey;
    }

    public Map<String, Client> clients() {
        return clients;
    }

    public Optional<Client> client(String clientId) {
        return Optional.ofNullable(clientId == null ? null : clients.get(clientId));
    }

    public Optional<Client> clientByKid(String kid) {
        return clients.values().stream().filter(c -> c.kid().equals(kid)).findFirst();
    }

    public List<Purpose> purposes() {
        return purposes;
    }

    public Optional<Purpose> purpose(String purposeId) {
        return purposes.stream().filter(p -> p.purposeId().equals(purposeId)).findFirst();
    }

    /** The purposes of a client: audience → purposeId. */
    public Map<String, String> purposesOf(String clientId) {
        Map<String, String> out = new LinkedHashMap<>();
        purposes.stream().filter(p -> p.clientId().equals(clientId)).forEach(p -> out.putIfAbsent(p.audience(), p.purposeId()));
        return out;
    }

    /** The clients with a purpose on this e-service: who may call it. */
    public Set<String> callers(String audience) {
        Set<String> out = new LinkedHashSet<>();
        purposes.stream().filter(p -> p.audience().equals(audience)).forEach(p -> out.add(p.clientId()));
        return out;
    }

    /** A client's identity with its demo private key ({@link Client#privateKeyFile()}). */
    public ModiIdentity identity(String clientId) {
        Client c = client(clientId).orElseThrow(() -> new IllegalArgumentException("client " + clientId + " not in the PDND registry " + file));
        if (!Files.isRegularFile(c.privateKeyFile())) {
            throw new IllegalStateException("no private key for " + clientId + " at " + c.privateKeyFile());
        }
        PrivateKey key = ModiKeys.readPrivateKey(c.privateKeyFile());
        if (!ModiKeys.publicKey(key).getModulus().equals(c.publicKey().getModulus())) {
            throw new IllegalStateException(c.privateKeyFile() + " is not the private key of the key registered for " + clientId);
        }
        return new ModiIdentity(clientId, c.kid(), key);
    }

    private static String required(JsonNode node, String field, Path file) {
        String v = Json.text(node, field);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(file + ": missing " + field);
        }
        return v;
    }
}
