package it.comune.milano.suapgw.connectors.ssu;

/**
 * Where the SSU messages are defined in the official contracts as published (copies in schemas/ssu, fixes listed in
 * schemas/README.md): each operation's schema inside its OpenAPI file, by JSON pointer.
 */
public final class SsuContract {
    public static final String BO_TO_FO = "classpath:ssu/openapi/bo_to_fo.yaml";
    public static final String FO_TO_BO = "classpath:ssu/openapi/fo_to_bo.yaml";
    public static final String CATALOGO_TO_BO = "classpath:ssu/openapi/catalogo-ssu_to_bo.yaml";

    public static final String SEND_INSTANCE = BO_TO_FO + "#/components/schemas/SendInstanceRequest";
    public static final String NOTIFY_RECEIPT = BO_TO_FO + "#/paths/~1notify_receipt/post/requestBody/content/application~1json/schema";
    public static final String BO_RETRY = BO_TO_FO + "#/paths/~1retry/post/requestBody/content/application~1json/schema";
    public static final String INSTANCE_DESCRIPTOR = CATALOGO_TO_BO + "#/components/schemas/InstanceDescriptor";
    public static final String AUDIT_RESPONSE = CATALOGO_TO_BO + "#/components/schemas/AuditResponse";
    public static final String CANCEL_INSTANCE = BO_TO_FO + "#/paths/~1cancel_instance/post/requestBody/content/application~1json/schema";

    // what the back-office sends: checked before it leaves
    public static final String NOTIFY = FO_TO_BO + "#/paths/~1notify/post/requestBody/content/application~1json/schema";
    public static final String REQUEST_CORRECTION = FO_TO_BO + "#/components/schemas/RequestCorrectionRequest";
    public static final String REQUEST_INTEGRATION = FO_TO_BO + "#/components/schemas/RequestIntegrationRequest";
    public static final String FO_RETRY = FO_TO_BO + "#/paths/~1retry/post/requestBody/content/application~1json/schema";
    public static final String AUDIT = CATALOGO_TO_BO + "#/components/schemas/AuditMessage";
    public static final String UPDATE_TIMES = CATALOGO_TO_BO + "#/components/schemas/UpdateTimesRequest";

    // the enti terzi and the Registro Imprese
    public static final String BO_TO_ET = "classpath:ssu/openapi/bo_to_et.yaml";
    public static final String ET_TO_BO = "classpath:ssu/openapi/et_to_bo.yaml";
    public static final String BO_TO_RI = "classpath:ssu/openapi/bo_to_ri.yaml";
    public static final String RI_TO_BO = "classpath:ssu/openapi/ri_to_bo.yaml";
    public static final String SEND_CONCLUSIONS = BO_TO_ET + "#/components/schemas/SendConclusionRequests";
    public static final String ET_REQUEST_INTEGRATION = BO_TO_ET + "#/components/schemas/RequestIntegrationRequest";
    public static final String REQUEST_CDSS = BO_TO_ET + "#/paths/~1request_cdss/post/requestBody/content/application~1json/schema";
    public static final String ET_BO_RETRY = BO_TO_ET + "#/paths/~1retry/post/requestBody/content/application~1json/schema";
    public static final String RI_BO_RETRY = BO_TO_RI + "#/paths/~1retry/post/requestBody/content/application~1json/schema";
    public static final String ET_SEND_INSTANCE = ET_TO_BO + "#/components/schemas/SendInstanceRequest";
    public static final String ET_NOTIFY = ET_TO_BO + "#/paths/~1notify/post/requestBody/content/application~1json/schema";
    public static final String ET_RETRY = ET_TO_BO + "#/paths/~1retry/post/requestBody/content/application~1json/schema";
    public static final String RI_SEND_INSTANCE = RI_TO_BO + "#/components/schemas/SendInstanceRequest";
    public static final String RI_NOTIFY = RI_TO_BO + "#/paths/~1notify/post/requestBody/content/application~1json/schema";

    private SsuContract() {
    }
}
