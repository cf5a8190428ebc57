package it.comune.milano.suapgw.gateway.registroimprese;

import it.comune.milano.suapgw.gateway.common.ExchangeKeys;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.common.OutboundHttp;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.security.modi.ModiOutbound;
import org.springframework.stereotype.Component;

/** The calls to the Registro Imprese (ri_to_bo {@code send_instance}, {@code notify}), from the outbox. */
@Component
public class RegistroImpreseChannelRoute extends GatewayRouteBuilder {
    private final RegistroImpreseService ri;
    private final GatewayProperties props;

    private final ModiOutbound modi;

    public RegistroImpreseChannelRoute(RegistroImpreseService ri, GatewayProperties props, ModiOutbound modi) {
        this.modi = modi;
        this.ri = ri;
        this.props = props;
    }

    @Override
    public void configure() {
        fromOutbox(OutboxKind.RI_SEND_INSTANCE, "registro-imprese-send-instance")
                .process(e -> OutboundHttp.postJson(e, base() + "/send_instance", ri.sendInstanceBody(entry(e).praticaId())))
                .process(e -> modi.sign(e, client()))
                .toD(OutboundHttp.TO_URL)
                .convertBodyTo(String.class)
                .process(e -> modi.verifyResponse(e, client()))
                .process(e -> ri.onDelivered(entry(e).praticaId(), "send_instance", "version " + entry(e).payload(),
                        e.getProperty(ExchangeKeys.SENT_HASH, String.class)));

        fromOutbox(OutboxKind.RI_NOTIFY, "registro-imprese-notify")
                .process(e -> OutboundHttp.postJson(e, base() + "/notify", ri.notifyBody(entry(e).praticaId(), entry(e).payload())))
                .process(e -> modi.sign(e, client()))
                .toD(OutboundHttp.TO_URL)
                .convertBodyTo(String.class)
                .process(e -> modi.verifyResponse(e, client()))
                .process(e -> ri.onDelivered(entry(e).praticaId(), "notify", ri.event(entry(e).payload()),
                        e.getProperty(ExchangeKeys.SENT_HASH, String.class)));

    }

    private String client() {
        return props.ssu().registroImprese().client();
    }

    private String base() {
        String url = props.ssu().registroImprese().baseUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
