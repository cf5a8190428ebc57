package it.comune.milano.suapgw.connectors.geowork;

import it.comune.milano.suapgw.model.DocumentoVerificato;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.PraticaCanonica;
import it.comune.milano.suapgw.model.VoceChecklist;
import it.comune.milano.suapgw.schemas.geowork.Documento;
import it.comune.milano.suapgw.schemas.geowork.EnteCoinvolto;
import it.comune.milano.suapgw.schemas.geowork.EsitoControllo;
import it.comune.milano.suapgw.schemas.geowork.EsitoVerifica;
import it.comune.milano.suapgw.schemas.geowork.FaseVerifica;
import it.comune.milano.suapgw.schemas.geowork.NotificaVerifica;
import it.comune.milano.suapgw.schemas.geowork.NotificaValidazioneEsito;
import it.comune.milano.suapgw.schemas.geowork.ParereSintesi;
import it.comune.milano.suapgw.schemas.geowork.Pratica;
import it.comune.milano.suapgw.schemas.geowork.ProponiEsito;
import it.comune.milano.suapgw.schemas.geowork.RegistraPratica;
import it.comune.milano.suapgw.schemas.geowork.Richiedente;

import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;
import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;

/**
 * Translation between the canonical model and Geowork's contract (schemas/geowork). Every assumption about
 * the vendor interface lives here.
 */
public class GeoworkMapper {
    private final DatatypeFactory datatypes;

    public GeoworkMapper() {
        try {
            datatypes = DatatypeFactory.newInstance();
        } catch (DatatypeConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The act released to the applicant, filed in Geowork's dossier; idempotent on the communication's id. */
    public it.comune.milano.suapgw.schemas.geowork.RegistraAtto registraAtto(String praticaId, String idComunicazione,
            String tipoAtto, String numeroConcessione, String testo, String validatoDa, String validataIl) {
        var atto = new it.comune.milano.suapgw.schemas.geowork.RegistraAtto();
        atto.setIdempotencyKey("atto-" + idComunicazione);
        atto.setIdPratica(praticaId);
        atto.setTipoAtto(tipoAtto);
        atto.setNumeroConcessione(numeroConcessione);
        atto.setTesto(testo);
        atto.setValidatoDa(validatoDa);
        atto.setDataValidazione(datatypes.newXMLGregorianCalendar(validataIl));
        return atto;
    }

    /** A summary of one ente's parere for the funzionario. */
    public record SintesiParere(String ente, String esito, List<String> prescrizioni, String motivazione) {
    }

    /** The idempotency key of the proposal of a round; Geowork names it when it validates. */
    public static String proposalKey(String praticaId, int round) {
        return "esito-" + praticaId + "-" + round;
    }

    /** The answer of the funzionario, in canonical terms, with the act concluding the pratica when Geowork sends it. */
    public record Validazione(String praticaId, Esito esito, String funzionario, String note, String idProposta,
                              Provvedimento provvedimento) {
    }

    /** The act as Geowork sends it. */
    public record Provvedimento(String nomeFile, String mimeType, byte[] contenuto) {
    }

    /** The operator's preliminary check of an SSU pratica: FORMALE or AMMISSIBILITA, OK or KO. */
    public record Verifica(String praticaId, String fase, boolean ok, String funzionario,
                           List<it.comune.milano.suapgw.model.Correzione> correzioni, String motivazione) {
    }

    public static final String FORMALE = "FORMALE", AMMISSIBILITA = "AMMISSIBILITA";

    public Verifica verifica(NotificaVerifica n) {
        return new Verifica(n.getIdPratica(), n.getFase().value(), n.getEsito() == EsitoControllo.OK, n.getFunzionario(),
                n.getCorrezione().stream().map(c -> new it.comune.milano.suapgw.model.Correzione(c.getCodice(),
                        c.getRiferimento(), c.getTesto())).toList(), n.getMotivazione());
    }

    /**
     * The pratica for Geowork. {@code controllo}: the preliminary check the operator is to perform now (SSU), or null;
     * a registration of a later version of the instance carries its own idempotency key.
     */
    public RegistraPratica registraPratica(PraticaCanonica p, Function<DocumentoVerificato, String> downloadUrl,
                                           String controllo, String versione) {
        RegistraPratica req = registraPratica(p, downloadUrl);
        if (controllo != null) req.getPratica().setControlloPreliminare(FaseVerifica.fromValue(controllo));
        if (versione != null) {
            req.getPratica().setVersioneIstanza(versione);
            if (!"1".equals(versione)) req.setIdempotencyKey("registra-" + p.id() + "-v" + versione);
        }
        return req;
    }

    public RegistraPratica registraPratica(PraticaCanonica p, Function<DocumentoVerificato, String> downloadUrl) {
        Pratica gp = new Pratica();
        gp.setIdPratica(p.id().toString());
        gp.setCui(p.cuiUuid());
        gp.setCanale(p.canale().name());
        gp.setProcedimento(p.procedureCode());
        gp.setRegime(p.regime());
        gp.setComune(p.municipality());
        Richiedente r = new Richiedente();
        r.setCodiceFiscale(p.applicantCf());
        gp.setRichiedente(r);
        XMLGregorianCalendar presented = datatypes.newXMLGregorianCalendar(
                p.presentedAt().atZoneSameInstant(ZoneOffset.UTC).toLocalDateTime().toString() + "Z");
        gp.setDataPresentazione(presented);
        for (VoceChecklist v : p.checklist()) {
            it.comune.milano.suapgw.schemas.geowork.VoceChecklist gv = new it.comune.milano.suapgw.schemas.geowork.VoceChecklist();
            gv.setCodice(v.codice());
            gv.setDescrizione(v.descrizione());
            gv.setEsito(EsitoVerifica.fromValue(v.esito()));
            gv.setEvidenza(v.evidenza());
            gp.getChecklist().add(gv);
        }
        for (DocumentoVerificato d : p.documenti()) {
            Documento gd = new Documento();
            gd.setIdDocumento(d.sha256());
            gd.setNome(d.name());
            gd.setMimeType(d.mimeType() == null ? "application/octet-stream" : d.mimeType());
            gd.setDimensione(d.size());
            gd.setSha256(d.sha256());
            gd.setUrlDownload(downloadUrl.apply(d));
            gp.getDocumento().add(gd);
        }
        for (Ente e : p.enti()) {
            EnteCoinvolto ge = new EnteCoinvolto();
            ge.setCodice(e.code());
            ge.setDenominazione(e.name());
            gp.getEnte().add(ge);
        }
        RegistraPratica req = new RegistraPratica();
        req.setIdempotencyKey("registra-" + p.id());
        req.setPratica(gp);
        return req;
    }

    public ProponiEsito proponiEsito(String praticaId, int round, Esito esito, List<SintesiParere> pareri) {
        ProponiEsito req = new ProponiEsito();
        req.setIdempotencyKey(proposalKey(praticaId, round));
        req.setIdPratica(praticaId);
        req.setEsitoProposto(it.comune.milano.suapgw.schemas.geowork.Esito.fromValue(esito.name()));
        for (SintesiParere s : pareri) {
            ParereSintesi ps = new ParereSintesi();
            ps.setEnte(s.ente());
            ps.setEsito(s.esito());
            ps.getPrescrizione().addAll(s.prescrizioni());
            ps.setMotivazione(s.motivazione());
            req.getParere().add(ps);
        }
        return req;
    }

    public Validazione validazione(NotificaValidazioneEsito n) {
        Provvedimento atto = n.getProvvedimento() == null ? null : new Provvedimento(n.getProvvedimento().getNomeFile(),
                n.getProvvedimento().getMimeType(), n.getProvvedimento().getContenuto());
        return new Validazione(n.getIdPratica(), Esito.valueOf(n.getEsitoValidato().value()), n.getFunzionario(),
                n.getNote(), n.getIdProposta(), atto);
    }

    /** An ente that asked for the conferenza dei servizi, and when. */
    public record RichiedenteConferenza(String ente, String codiceIpa, String codiceUfficio, String denominazione,
                                        java.time.LocalDate dataRichiesta) {
    }

    /** convocaConferenza: the operator is to convene the conferenza the enti asked for; one request per pratica. */
    public it.comune.milano.suapgw.schemas.geowork.ConvocaConferenza convocaConferenza(String praticaId,
                                                                                       List<RichiedenteConferenza> richiedenti) {
        var req = new it.comune.milano.suapgw.schemas.geowork.ConvocaConferenza();
        req.setIdempotencyKey("conferenza-" + praticaId);
        req.setIdPratica(praticaId);
        for (RichiedenteConferenza r : richiedenti) {
            var x = new it.comune.milano.suapgw.schemas.geowork.EnteRichiedente();
            x.setEnte(r.ente());
            x.setCodiceIpa(r.codiceIpa());
            x.setCodiceUfficio(r.codiceUfficio());
            x.setDenominazione(r.denominazione());
            x.setDataRichiesta(date(r.dataRichiesta()));
            req.getRichiedente().add(x);
        }
        return req;
    }

    /**
     * The operator's news of the conferenza: CONVOCAZIONE (how, when, where, the act) or DETERMINAZIONE (the outcome it
     * determined, proposed to the funzionario).
     */
    public record Conferenza(String praticaId, String fase, String funzionario, String modalita, java.time.LocalDate dataConvocazione,
                             String canale, Provvedimento atto, Esito esito, String motivazione) {
        public boolean convocazione() {
            return "CONVOCAZIONE".equals(fase);
        }
    }

    public Conferenza conferenza(it.comune.milano.suapgw.schemas.geowork.NotificaConferenza n) {
        Provvedimento atto = n.getAtto() == null ? null
                : new Provvedimento(n.getAtto().getNomeFile(), n.getAtto().getMimeType(), n.getAtto().getContenuto());
        return new Conferenza(n.getIdPratica(), n.getFase().value(), n.getFunzionario(),
                n.getModalita() == null ? null : n.getModalita().value(),
                n.getDataConvocazione() == null ? null : java.time.LocalDate.of(n.getDataConvocazione().getYear(),
                        n.getDataConvocazione().getMonth(), n.getDataConvocazione().getDay()),
                n.getCanale(), atto, n.getEsito() == null ? null : Esito.valueOf(n.getEsito().value()), n.getMotivazione());
    }

    private javax.xml.datatype.XMLGregorianCalendar date(java.time.LocalDate d) {
        return datatypes.newXMLGregorianCalendarDate(d.getYear(), d.getMonthValue(), d.getDayOfMonth(),
                javax.xml.datatype.DatatypeConstants.FIELD_UNDEFINED);
    }
}
