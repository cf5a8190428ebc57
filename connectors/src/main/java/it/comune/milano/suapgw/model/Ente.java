package it.comune.milano.suapgw.model;

/** An ente of the registry (config/enti.yaml). */
public record Ente(String code, String ipaCode, String officeCode, String name, String channel, String queue,
                   int deadlineDays, String brokerUser) {
}
