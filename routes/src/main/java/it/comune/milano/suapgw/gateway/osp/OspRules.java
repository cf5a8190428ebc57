package it.comune.milano.suapgw.gateway.osp;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The rules of config/osp/regole.yaml (docs/osp-workflow.md §5-§7). */
@JsonIgnoreProperties(ignoreUnknown = false)
public record OspRules(List<String> esenti, List<String> richiedonoScia, List<AllegatoObbligatorio> allegatiObbligatori,
                       List<Consultazione> consultazioni, List<String> motiviDiniego, List<String> motiviIntegrazione,
                       double canoneTemporaneaEuroMqGiorno) {

    /** A mandatory attachment; applies when the istanza is of one of {@code tipiIstanza} and has one of {@code elementi}. */
    public record AllegatoObbligatorio(String tipo, List<String> tipiIstanza, List<String> elementi) {
        public boolean appliesTo(IstanzaOsp i) {
            return (tipiIstanza == null || tipiIstanza.contains(i.tipo()))
                    && (elementi == null || elementi.stream().anyMatch(i.elementi()::containsKey));
        }
    }

    /** Consult {@code ente} always, or when checklist item {@code voce} has {@code esito}, or when the carriageway is taken. */
    public record Consultazione(String ente, Boolean sempre, String voce, String esito, Boolean occupaCarreggiata) {
    }

    public static OspRules load(Path yaml) {
        try {
            return new ObjectMapper(new YAMLFactory()).readValue(yaml.toFile(), OspRules.class);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read OSP rules " + yaml + ": " + e.getMessage(), e);
        }
    }
}
