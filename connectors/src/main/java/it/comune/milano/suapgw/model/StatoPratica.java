package it.comune.milano.suapgw.model;

/**
 * Lifecycle of a pratica. The SSU instance states (instance-descriptor-schema.yaml) plus the gateway's own
 * phases inside the SSU state "presented", each mapped to the SSU state it reports.
 */
public enum StatoPratica {
    PRESENTED("presented", false),
    /** SSU: documents verified, the operator's formal check is due (a KO asks the applicant for corrections) */
    FORMAL_CHECK("presented", false),
    /** SSU: formally correct (or corrected), the operator's admissibility check is due (a KO refuses the instance) */
    ADMISSIBILITY_CHECK("presented", false),
    /** documents verified; delivered to Geowork and pareri requested from the enti */
    IN_ISTRUTTORIA("presented", false),
    /** every ente answered; outcome proposed to Geowork, waiting for the funzionario */
    OUTCOME_PROPOSED("presented", false),
    CORRECTION_REQUESTED("correction_requested", false),
    CORRECTED("corrected", false),
    REFUSED("refused", true),
    INTEGRATION_REQUESTED("integration_requested", false),
    INTEGRATED("integrated", false),
    /** an ente asked for a conferenza dei servizi: the SUAP's operator convenes it */
    CDSS_REQUESTED("presented", false),
    /** the conferenza is convened: its determination is the outcome proposed */
    CDSS_CONVENED("cdss_convened", false),
    ENDED_BY_INTEGRATION_TIMES_EXPIRED("ended_by_integration_times_expired", true),
    ENDED_BY_SUSPENSION_REQUESTED("ended_by_suspension_requested", true),
    ENDED_BY_CONFORMATION_REQUESTED("ended_by_conformation_requested", true),
    ENDED_BY_PROCEEDING_TIME_EXPIRED("ended_by_proceeding_time_expired", true),
    ENDED_BY_POSITIVE_OUTCOME("ended_by_positive_outcome", true),
    ENDED_BY_NEGATIVE_OUTCOME("ended_by_negative_outcome", true),
    ENDED_BY_SUBMITTER_CANCEL_REQUESTED("ended_by_submitter_cancel_requested", true);

    private final String ssuState;
    private final boolean fin;

    StatoPratica(String ssuState, boolean fin) {
        this.ssuState = ssuState;
        this.fin = fin;
    }

    public String ssuState() { return ssuState; }

    public boolean isFinal() { return fin; }

    /** The gateway's own name, as shown by its API: the SSU name for SSU states, lower-case otherwise. */
    public String apiName() { return name().toLowerCase(); }

    public static StatoPratica fromApiName(String s) { return valueOf(s.toUpperCase()); }
}
