package it.comune.milano.suapgw.model;

/**
 * An ente of the registry (config/enti.yaml). {@code channel}: {@code artemis} (its queue on the gateway's broker,
 * answering as {@code brokerUser}), {@code pec} (certified e-mail to and from {@code pec}) or {@code ssu} (its own
 * system, through the SSU e-services: we call its et_to_bo at {@code ssu.baseUrl}, it calls our bo_to_et as
 * {@code ssu.client}).
 */
public record Ente(String code, String ipaCode, String officeCode, String name, String channel, String queue,
                   int deadlineDays, String brokerUser, String pec, Ssu ssu) {
    public static final String ARTEMIS = "artemis";
    public static final String PEC = "pec";
    public static final String SSU = "ssu";

    /**
     * An ente terzo on the SSU: {@code baseUrl} of its et_to_bo e-service, {@code codice} its code in the Catalogo SSU
     * (the {@code <ET>} of the audit events, digits), {@code client} the identity it calls us with.
     */
    public record Ssu(String baseUrl, String codice, String client) {
    }

    public boolean byPec() {
        return PEC.equalsIgnoreCase(channel);
    }

    public boolean bySsu() {
        return SSU.equalsIgnoreCase(channel);
    }
}
