package it.comune.milano.suapgw.connectors.ssu;

import it.comune.milano.suapgw.model.StatoPratica;

/**
 * The SSU's two vocabularies for what happened to an instance: the {@code event} of fo_to_bo {@code notify} and the
 * {@code message} of the Catalogo's {@code audit}. They differ (a refusal is notified and audited as
 * {@code end_by_instance_refused}, not as its state {@code refused}; an expired integration is notified as
 * {@code end_by_integration_times_expired} but audited as {@code end_by_integration_request_time_expired}).
 */
public final class SsuEvents {
    public static final String INSTANCE_RETRIEVED = "instance_retrived";
    public static final String CORRECTION_REQUESTED = "correction_requested";
    public static final String CORRECTED_INSTANCE_RETRIEVED = "corrected_instance_retrived";
    public static final String INTEGRATION_REQUESTED = "integration_requested";
    public static final String INTEGRATION_REQUEST_TIME_EXPIRED = "integration_request_time_expired";
    public static final String INSTANCE_INTEGRATED_RETRIEVED = "instance_integrated_retrived";
    public static final String RETRY_REQUESTED_FOR_SEND_INSTANCE = "retry_requested_for_send_instance";

    private SsuEvents() {
    }

    /** The notify event announcing the state, or null when the state is not announced by a notify. */
    public static String notifyEvent(StatoPratica s) {
        return switch (s) {
            case REFUSED -> "end_by_instance_refused";
            case CDSS_CONVENED -> "cdss_convened";
            case ENDED_BY_INTEGRATION_TIMES_EXPIRED, ENDED_BY_SUSPENSION_REQUESTED, ENDED_BY_CONFORMATION_REQUESTED,
                 ENDED_BY_PROCEEDING_TIME_EXPIRED, ENDED_BY_POSITIVE_OUTCOME, ENDED_BY_NEGATIVE_OUTCOME,
                 ENDED_BY_SUBMITTER_CANCEL_REQUESTED -> "end_by_" + s.ssuState().substring("ended_by_".length());
            default -> null;
        };
    }

    /** The audit message of the state, or null when the state is not audited. */
    public static String auditMessage(StatoPratica s) {
        return s == StatoPratica.ENDED_BY_INTEGRATION_TIMES_EXPIRED ? "end_by_integration_request_time_expired" : notifyEvent(s);
    }

    /** Whether a notify with this event carries the act (TransferOutcomeNotifyMessage) or not (NotifyMessage). */
    public static boolean carriesAct(String event) {
        return switch (event) {
            case "end_by_suspension_requested", "end_by_conformation_requested", "end_by_positive_outcome",
                 "end_by_negative_outcome" -> true;
            default -> false;
        };
    }
}
