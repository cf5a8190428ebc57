package it.comune.milano.suapgw.model;

/**
 * An ente of the registry (config/enti.yaml). {@code channel}: {@code artemis} (its queue on the gateway's broker,
 * answering as {@code brokerUser}) or {@code pec} (certified e-mail to and from {@code pec}).
 */
public record Ente(String code, String ipaCode, String officeCode, String name, String channel, String queue,
                   int deadlineDays, String brokerUser, String pec) {
    public static final String ARTEMIS = "artemis";
    public static final String PEC = "pec";

    public boolean byPec() {
        return PEC.equalsIgnoreCase(channel);
    }
}
