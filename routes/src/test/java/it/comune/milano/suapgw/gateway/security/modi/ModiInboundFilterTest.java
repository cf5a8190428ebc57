package it.comune.milano.suapgw.gateway.security.modi;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** The filter in front of the SSU e-services when what it needs of ours fails: an SSU answer, signed, never Spring's 500. */
class ModiInboundFilterTest {
    static final String AUD = "suapgw-milano/bo_to_fo";

    @Test
    void aCallWhileTheJtiStoreIsUnreachableIsASigned503001TheFrontOfficeRetries() throws Exception {
        ModiService modi = mock(ModiService.class);
        when(modi.verifyVoucher(any(), eq(AUD), any())).thenReturn("frontoffice");
        doThrow(new DataAccessResourceFailureException("terminating connection due to administrator command"))
                .when(modi).verifyRequestSignature(any(), eq(AUD), eq("frontoffice"), any(), any(), any());
        when(modi.sign(eq(AUD), anyString(), eq("application/json"))).thenReturn("signed");
        ModiProperties props = new ModiProperties("suapgw-milano", "k", null, null, Map.of("bo_to_fo", AUD), "frontoffice",
                "catalogo", Map.of(), null, null, 0);
        SsuMapper ssu = mock(SsuMapper.class);
        when(ssu.error(SsuErrorCode.ERROR_503_001, "the service cannot take the request now")).thenReturn(
                new ObjectMapper().createObjectNode().put("code", "ERROR_503_001").put("message", "operation unavailable"));
        ModiInboundFilter filter = new ModiInboundFilter(modi, props, mock(GatewayProperties.class), ssu);

        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/ssu/fo/send_instance");
        request.setContent("{}".getBytes(StandardCharsets.UTF_8));
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);

        assertThat(chain.getRequest()).as("the routes never see the call").isNull();
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getContentAsString()).contains("\"ERROR_503_001\"");
        assertThat(response.getHeader("Agid-JWT-Signature")).isEqualTo("signed");
        assertThat(response.getHeader("Retry-After")).isNotBlank();
    }
}
