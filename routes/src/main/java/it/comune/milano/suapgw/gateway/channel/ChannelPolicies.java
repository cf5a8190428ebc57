package it.comune.milano.suapgw.gateway.channel;

import it.comune.milano.suapgw.model.Canale;
import org.springframework.stereotype.Component;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The policy of each channel, one bean each; a channel without one fails the start, not a pratica. */
@Component
public class ChannelPolicies {
    private final Map<Canale, ChannelPolicy> byChannel = new EnumMap<>(Canale.class);

    public ChannelPolicies(List<ChannelPolicy> policies) {
        for (ChannelPolicy p : policies) {
            if (byChannel.put(p.canale(), p) != null) throw new IllegalStateException("two policies for channel " + p.canale());
        }
        for (Canale c : Canale.values()) {
            if (!byChannel.containsKey(c)) throw new IllegalStateException("no ChannelPolicy for channel " + c);
        }
    }

    public ChannelPolicy of(Canale canale) {
        return byChannel.get(canale);
    }
}
