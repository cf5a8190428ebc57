package it.comune.milano.suapgw.gateway.pareri.ssu;

import it.comune.milano.suapgw.connectors.contract.Uris;
import it.comune.milano.suapgw.gateway.common.ExchangeKeys;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.common.OutboundHttp;
import it.comune.milano.suapgw.gateway.documenti.HashMismatchException;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.security.modi.ModiOutbound;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.Base64;
import java.util.UUID;

/**
 * The calls to an ente terzo's own system (et_to_bo), from the outbox: the instance it is asked to examine
 * ({@code send_instance}), the events it must hear ({@code notify}), and the documents it referred to (its document
 * GET, against the hash it declared). Each body is checked against the official contract before it leaves.
 */
@Component
public class EntiSsuChannelRoute extends GatewayRouteBuilder {
    private static final String INVIO = "etInvio";
    private static final String DOCUMENTO = "etDocumento";

    private final EntiSsuService enti;
    private final ModiOutbound modi;

    public EntiSsuChannelRoute(EntiSsuService enti, ModiOutbound modi) {
        this.enti = enti;
        this.modi = modi;
    }

    @Override
    public void configure() {
        fromOutbox(OutboxKind.ET_SEND_INSTANCE, "ente-ssu-send-instance")
                .process(e -> post(e, enti.sendInstance(UUID.fromString(entry(e).payload())), "/send_instance"))
                .toD(OutboundHttp.TO_URL)
                .convertBodyTo(String.class)
                .process(this::verifyResponse)
                .process(e -> enti.onInstanceSent(UUID.fromString(entry(e).payload()), e.getProperty(ExchangeKeys.SENT_HASH, String.class)));

        fromOutbox(OutboxKind.ET_NOTIFY, "ente-ssu-notify")
                .process(e -> post(e, enti.notifyBody(entry(e).praticaId(), entry(e).payload()), "/notify"))
                .toD(OutboundHttp.TO_URL)
                .convertBodyTo(String.class)
                .process(this::verifyResponse)
                .process(e -> {
                    EntiSsuService.Invio i = e.getProperty(INVIO, EntiSsuService.Invio.class);
                    enti.onNotified(i.praticaId(), i.ente().code(), enti.event(entry(e).payload()),
                            e.getProperty(ExchangeKeys.SENT_HASH, String.class));
                });

        fromOutbox(OutboxKind.FETCH_ENTE_DOCUMENT, "ente-ssu-fetch-document")
                .process(e -> {
                    EntiSsuService.DaScaricare d = enti.toFetch(Long.parseLong(entry(e).payload()));
                    e.setProperty(DOCUMENTO, d);
                    OutboundHttp.get(e, base(d.ente()) + "/instance/" + Uris.segment(d.cuiUuid()) + "/document/"
                            + Uris.segment(d.documento().remoteId()), null);
                    e.getMessage().setHeader("If-Match", d.documento().expectedHash());
                    modi.sign(e, d.ente().ssu().client());
                })
                .toD(OutboundHttp.TO_URL)
                .convertBodyTo(String.class)
                .process(e -> modi.verifyResponse(e, e.getProperty(DOCUMENTO, EntiSsuService.DaScaricare.class).ente().ssu().client()))
                .process(e -> {
                    byte[] content;
                    try {
                        content = Base64.getMimeDecoder().decode(e.getMessage().getBody(String.class).trim());
                    } catch (IllegalArgumentException bad) {
                        throw new HashMismatchException("document body is not base64: " + bad.getMessage());
                    }
                    enti.onFetched(e.getProperty(DOCUMENTO, EntiSsuService.DaScaricare.class).documento().id(), content);
                });
    }

    private void post(Exchange e, EntiSsuService.Invio invio, String operation) throws java.io.IOException {
        e.setProperty(INVIO, invio);
        OutboundHttp.postJson(e, base(invio.ente()) + operation, invio.body());
        modi.sign(e, invio.ente().ssu().client());
    }

    private void verifyResponse(Exchange e) {
        modi.verifyResponse(e, e.getProperty(INVIO, EntiSsuService.Invio.class).ente().ssu().client());
    }

    private static String base(it.comune.milano.suapgw.model.Ente ente) {
        String url = ente.ssu().baseUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
