package it.comune.milano.suapgw.gateway.api;

/** An answer of the gateway's own API that is not a success, sent as RFC 9457 problem details (ApiResponses). */
public class ApiProblem extends RuntimeException {
    private final int status;

    public ApiProblem(int status, String detail) {
        super(detail);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(404, detail);
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, detail);
    }

    public static ApiProblem forbidden(String detail) {
        return new ApiProblem(403, detail);
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(409, detail);
    }
}
