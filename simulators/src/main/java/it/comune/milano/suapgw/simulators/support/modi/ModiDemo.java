package it.comune.milano.suapgw.simulators.support.modi;

import it.comune.milano.suapgw.simulators.enti.EnteSsuSimulator;
import it.comune.milano.suapgw.simulators.ssu.CatalogoSimulator;
import it.comune.milano.suapgw.simulators.ssu.FrontOfficeSimulator;
import it.comune.milano.suapgw.simulators.ssu.RegistroImpreseSimulator;
import it.comune.milano.suapgw.simulators.support.HttpSimulator;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ModI for the SSU simulators from a PDND registry (the demo's, {@code config/demo/pdnd-registry.json}) and a PDND
 * (usually a {@link PdndSimulator}): the identities (demo keys), the consumers with their purposes and the providers
 * with their audiences and callers, as docs/modi-pdnd.md tables them.
 * <pre>{@code
 * PdndSimulator pdnd = PdndSimulator.demo(port);   // or ModiDemo.start(port).pdnd()
 * pdnd.start();
 * ModiDemo.of(pdnd).configure(fo, catalogo, arpa, cittaMetropolitana, registroImprese);
 * }</pre>
 */
public final class ModiDemo {

    public static final String GATEWAY = "suapgw-milano";
    public static final String FRONTOFFICE = "frontoffice";
    public static final String CATALOGO = "catalogo";
    public static final String REGISTRO_IMPRESE = "registro-imprese";

    public static final String BO_TO_FO = GATEWAY + "/bo_to_fo";
    public static final String BO_TO_ET = GATEWAY + "/bo_to_et";
    public static final String BO_TO_RI = GATEWAY + "/bo_to_ri";
    public static final String FO_TO_BO = FRONTOFFICE + "/fo_to_bo";
    public static final String CATALOGO_SSU_TO_BO = CATALOGO + "/catalogo-ssu_to_bo";
    public static final String RI_TO_BO = REGISTRO_IMPRESE + "/ri_to_bo";

    /** An ente terzo's e-service: {@code <client_id>/et_to_bo}. */
    public static String etToBo(String enteClientId) {
        return enteClientId + "/et_to_bo";
    }

    private final PdndRegistry registry;
    private final PdndEndpoints endpoints;
    private final PdndSimulator pdnd;
    private final PdndKeys keys;
    private final Map<String, ModiIdentity> identities = new ConcurrentHashMap<>();

    public ModiDemo(PdndRegistry registry, PdndEndpoints endpoints) {
        this(registry, endpoints, null);
    }

    private ModiDemo(PdndRegistry registry, PdndEndpoints endpoints, PdndSimulator pdnd) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.pdnd = pdnd;
        this.keys = new PdndKeys(endpoints);
    }

    /** The registry and the endpoints of a PDND simulator (started: its URL is its bound port's). */
    public static ModiDemo of(PdndSimulator pdnd) {
        return new ModiDemo(pdnd.registry(), pdnd.endpoints(), pdnd);
    }

    /** Starts a {@link PdndSimulator} with the demo registry on {@code port} (0: any) and returns its ModiDemo. */
    public static ModiDemo start(int port) {
        PdndSimulator p = PdndSimulator.demo(port);
        p.start();
        return of(p);
    }

    /** The PDND simulator (null when built from endpoints only). */
    public PdndSimulator pdnd() {
        return pdnd;
    }

    public PdndRegistry registry() {
        return registry;
    }

    public PdndEndpoints endpoints() {
        return endpoints;
    }

    /** A party's identity (its demo private key; loaded once). */
    public ModiIdentity identity(String clientId) {
        return identities.computeIfAbsent(clientId, registry::identity);
    }

    /**
     * A consumer: {@code clientId} with its purposes of the registry, able to forge vouchers in the tests (the PDND's
     * key of the registry). A new one each call (its own voucher cache).
     */
    public ModiClient client(String clientId) {
        return new ModiClient(identity(clientId), keys, registry.purposesOf(clientId))
                .setVoucherForgeryKey(registry.pdndKid(), registry.pdndPrivateKey());
    }

    /** A provider: {@code providerClientId} on {@code audience}, the callers being the clients with a purpose on it. */
    public ModiServer server(String providerClientId, String audience) {
        return server(providerClientId, audience, registry.callers(audience));
    }

    public ModiServer server(String providerClientId, String audience, Set<String> callers) {
        return new ModiServer(audience, callers, identity(providerClientId), keys);
    }

    /** The front-office: calls bo_to_fo as {@code frontoffice}, provides fo_to_bo. */
    public ModiPeer frontOffice() {
        return new ModiPeer(client(FRONTOFFICE), BO_TO_FO, GATEWAY, server(FRONTOFFICE, FO_TO_BO));
    }

    /** The Catalogo: provides catalogo-ssu_to_bo. */
    public ModiPeer catalogo() {
        return ModiPeer.serverOnly(server(CATALOGO, CATALOGO_SSU_TO_BO));
    }

    /** An ente terzo ({@code et-arpa-lombardia}, ...): calls bo_to_et, provides {@code <client>/et_to_bo}. */
    public ModiPeer enteTerzo(String enteClientId) {
        return new ModiPeer(client(enteClientId), BO_TO_ET, GATEWAY, server(enteClientId, etToBo(enteClientId)));
    }

    /** The Registro Imprese: calls bo_to_ri, provides ri_to_bo. */
    public ModiPeer registroImprese() {
        return new ModiPeer(client(REGISTRO_IMPRESE), BO_TO_RI, GATEWAY, server(REGISTRO_IMPRESE, RI_TO_BO));
    }

    /** The gateway as a consumer (to play it against the simulators in tests): calls fo_to_bo, catalogo, et_to_bo, ri_to_bo. */
    public ModiClient gateway() {
        return client(GATEWAY);
    }

    /**
     * Turns ModI on in each SSU simulator given (FrontOfficeSimulator, CatalogoSimulator, EnteSsuSimulator — by its
     * client id —, RegistroImpreseSimulator; others are ignored). An ente terzo given with a Catalogo reads the
     * descriptors from it in-process ({@link EnteSsuSimulator#setCatalogo}): the Catalogo's API admits only the gateway.
     */
    public void configure(HttpSimulator... simulators) {
        CatalogoSimulator catalogo = null;
        for (HttpSimulator s : simulators) {
            if (s instanceof CatalogoSimulator c) {
                catalogo = c;
            }
        }
        for (HttpSimulator s : Arrays.asList(simulators)) {
            if (s instanceof FrontOfficeSimulator fo) {
                fo.setModi(frontOffice());
            } else if (s instanceof CatalogoSimulator c) {
                c.setModi(catalogo());
            } else if (s instanceof EnteSsuSimulator et) {
                et.setModi(enteTerzo(et.clientId()));
                if (catalogo != null) {
                    et.setCatalogo(catalogo);
                }
            } else if (s instanceof RegistroImpreseSimulator ri) {
                ri.setModi(registroImprese());
            }
        }
    }

    @Override
    public String toString() {
        return "ModiDemo[" + endpoints + "]";
    }
}
