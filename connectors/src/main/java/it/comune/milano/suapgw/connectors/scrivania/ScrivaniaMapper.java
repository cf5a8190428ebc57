package it.comune.milano.suapgw.connectors.scrivania;

import it.comune.milano.suapgw.schemas.infocamere.base.Indirizzo;
import it.comune.milano.suapgw.schemas.infocamere.ente.CooperazioneEnteSUAP;
import it.comune.milano.suapgw.schemas.infocamere.ente.CooperazioneSUAPEnte;
import it.comune.milano.suapgw.schemas.infocamere.ente.OggettoCooperazione;
import it.comune.milano.suapgw.schemas.infocamere.pratica.AdempimentoSUAP;
import it.comune.milano.suapgw.schemas.infocamere.pratica.AnagraficaImpresa;
import it.comune.milano.suapgw.schemas.infocamere.pratica.AnagraficaPersona;
import it.comune.milano.suapgw.schemas.infocamere.pratica.EstremiDichiarante;
import it.comune.milano.suapgw.schemas.infocamere.pratica.EstremiEnte;
import it.comune.milano.suapgw.schemas.infocamere.pratica.ImpiantoProduttivo;
import it.comune.milano.suapgw.schemas.infocamere.pratica.Intestazione;
import it.comune.milano.suapgw.schemas.infocamere.pratica.ProtocolloSUAP;
import it.comune.milano.suapgw.schemas.infocamere.pratica.RiepilogoPraticaSUAP;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;

import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.namespace.QName;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Translation between the InfoCamere cooperation messages (SUAP-ente-1.1.1, pratica_suap-2.0.0) and the canonical model. */
public class ScrivaniaMapper {
    public static final String ENTE_NS = "http://www.impresainungiorno.gov.it/schema/suap/ente";
    public static final String SCHEMA_VERSION = "1.1.0";

    private final JAXBContext jaxb;
    private final DatatypeFactory dates;

    public ScrivaniaMapper() {
        try {
            jaxb = JAXBContext.newInstance(CooperazioneSUAPEnte.class, CooperazioneEnteSUAP.class);
            dates = DatatypeFactory.newInstance();
        } catch (JAXBException | DatatypeConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    public PraticaScrivania toCanonical(CooperazioneSUAPEnte c, RiepilogoPraticaSUAP r) {
        CooperazioneSUAPEnte.Intestazione h = c.getIntestazione();
        String tipo = h.getOggettoComunicazione().getTipoCooperazione();
        String procedimento = null, intervento = null, oggettoPratica = null;
        if (h.getOggettoPratica() != null) {
            oggettoPratica = trim(h.getOggettoPratica().getValue());
            procedimento = h.getOggettoPratica().getTipoProcedimento();
            intervento = h.getOggettoPratica().getTipoIntervento() == null ? null : h.getOggettoPratica().getTipoIntervento().value();
        }
        String soggetto = "impresa";
        String cf = h.getImpresa() == null ? null : h.getImpresa().getCodiceFiscale();
        String denominazione = h.getImpresa() == null ? null : trim(h.getImpresa().getRagioneSociale());
        String dichiarante = null, qualifica = null, indirizzo = null, comuneCatastale = null;
        List<PraticaScrivania.Modulo> moduli = List.of();
        if (r != null) {
            Intestazione ri = r.getIntestazione();
            if (ri.getOggettoComunicazione() != null) {
                oggettoPratica = trim(ri.getOggettoComunicazione().getValue());
                procedimento = ri.getOggettoComunicazione().getTipoProcedimento();
                intervento = ri.getOggettoComunicazione().getTipoIntervento() == null ? intervento
                        : ri.getOggettoComunicazione().getTipoIntervento().value();
            }
            if (ri.getImpresa() != null) {
                AnagraficaImpresa i = ri.getImpresa();
                cf = i.getCodiceFiscale() != null ? i.getCodiceFiscale() : i.getIdentificativoLegale();
                denominazione = trim(i.getRagioneSociale());
            } else if (ri.getRichiedente() != null) {
                AnagraficaPersona p = ri.getRichiedente();
                soggetto = "persona-fisica";
                cf = p.getCodiceFiscale();
                denominazione = join(" ", p.getCognome(), p.getNome());
            }
            EstremiDichiarante d = ri.getDichiarante();
            if (d != null) {
                dichiarante = join(" ", d.getCognome(), d.getNome());
                qualifica = d.getQualifica();
            }
            ImpiantoProduttivo ip = ri.getImpiantoProduttivo();
            if (ip != null) {
                indirizzo = indirizzo(ip.getIndirizzo());
                comuneCatastale = ip.getDatiCatastali().stream().map(ImpiantoProduttivo.DatiCatastali::getComuneCatastale)
                        .filter(Objects::nonNull).findFirst().orElse(null);
            }
            moduli = r.getStruttura().getModulo().stream().map(ScrivaniaMapper::modulo).toList();
        }
        return new PraticaScrivania(h.getCodicePratica(), tipo, trim(h.getOggettoComunicazione().getValue()),
                trim(h.getTestoComunicazione()), h.getProgressivo() == null ? 1 : h.getProgressivo(),
                protocollo(h.getProtocollo()), protocollo(h.getProtocolloPraticaSuap()),
                h.getProtocolloRi() == null ? null : h.getProtocolloRi().getUfficioRi() + "/" + h.getProtocolloRi().getAnno().getYear()
                        + "/" + h.getProtocolloRi().getNumeroProtocolloRi() + "/" + h.getProtocolloRi().getSottoNumeroProtocolloRi(),
                trim(h.getSuapCompetente().getValue()),
                h.getSuapCompetente().getIdentificativoSuap() == null ? null : h.getSuapCompetente().getIdentificativoSuap().toString(),
                oggettoPratica, procedimento, intervento, soggetto, cf, denominazione, dichiarante, qualifica, indirizzo,
                comuneCatastale, moduli);
    }

    /** The mime type of a file of the package, from its name (the cooperation messages carry none). */
    public static String mimeType(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".p7m")) return "application/pkcs7-mime";
        if (n.endsWith(".pdf")) return "application/pdf";
        if (n.endsWith(".xml")) return "application/xml";
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) return "image/jpeg";
        if (n.endsWith(".svg")) return "image/svg+xml";
        if (n.endsWith(".dwf")) return "model/vnd.dwf";
        return "application/octet-stream";
    }

    /** Every ente named by the moduli, each once, in the order they appear. */
    public static List<PraticaScrivania.EnteCoinvolto> entiCoinvolti(PraticaScrivania p) {
        List<PraticaScrivania.EnteCoinvolto> out = new ArrayList<>();
        for (PraticaScrivania.Modulo m : p.moduli()) {
            for (PraticaScrivania.EnteCoinvolto e : m.enti()) {
                boolean seen = out.stream().anyMatch(o -> Objects.equals(o.codiceAmministrazione(), e.codiceAmministrazione())
                        && Objects.equals(o.codiceAoo(), e.codiceAoo()) && Objects.equals(o.pec(), e.pec()));
                if (!seen) out.add(e);
            }
        }
        return out;
    }

    private static PraticaScrivania.Modulo modulo(AdempimentoSUAP m) {
        return new PraticaScrivania.Modulo(m.getNome(), m.getCod(), m.getEnteCoinvolto().stream().map(ScrivaniaMapper::ente).toList());
    }

    private static PraticaScrivania.EnteCoinvolto ente(EstremiEnte e) {
        return new PraticaScrivania.EnteCoinvolto(trim(e.getValue()), e.getCodiceAmministrazione(), e.getCodiceAoo(), e.getPec());
    }

    private static PraticaScrivania.Protocollo protocollo(ProtocolloSUAP p) {
        if (p == null) return null;
        return new PraticaScrivania.Protocollo(p.getCodiceAmministrazione(), p.getCodiceAoo(), p.getNumeroRegistrazione(),
                p.getDataRegistrazione() == null ? null : LocalDate.of(p.getDataRegistrazione().getYear(),
                        p.getDataRegistrazione().getMonth(), p.getDataRegistrazione().getDay()));
    }

    private static String indirizzo(Indirizzo i) {
        if (i == null) return null;
        return join(" ", i.getToponimo(), i.getDenominazioneStradale(), i.getNumeroCivico(),
                i.getCap() == null ? null : "- " + i.getCap(), i.getComune() == null ? null : trim(i.getComune().getValue()));
    }

    private static String join(String sep, String... parts) {
        String s = Stream.of(parts).filter(x -> x != null && !x.isBlank()).map(String::trim).collect(Collectors.joining(sep));
        return s.isEmpty() ? null : s;
    }

    private static String trim(String s) {
        return s == null ? null : s.trim().replaceAll("\\s+", " ");
    }

    // ---------------------------------------------------------------- the message as received, kept for the answers

    /** The message without its attachments' content, as XML: the answers repeat its RiferimentoPratica. */
    public String toXml(CooperazioneSUAPEnte c) {
        try {
            c.getAllegato().forEach(a -> a.setEmbeddedFileRef(null));
            Marshaller m = jaxb.createMarshaller();
            StringWriter w = new StringWriter();
            m.marshal(new JAXBElement<>(new QName(ENTE_NS, "cooperazione-suap-ente"), CooperazioneSUAPEnte.class, c), w);
            return w.toString();
        } catch (JAXBException e) {
            throw new IllegalStateException(e);
        }
    }

    public CooperazioneSUAPEnte fromXml(String xml) {
        try {
            return jaxb.createUnmarshaller().unmarshal(SecureXml.inputFactory().createXMLStreamReader(new StringReader(xml)),
                    CooperazioneSUAPEnte.class).getValue();
        } catch (JAXBException | javax.xml.stream.XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A communication of the Comune (as ente) to the SUAP about a pratica, repeating the pratica's references from the
     * message that forwarded it.
     */
    public CooperazioneEnteSUAP communication(CooperazioneSUAPEnte original, EstremiEnte mittente, String tipoCooperazione,
                                              String oggetto, String testo, PraticaScrivania.Protocollo protocollo) {
        CooperazioneSUAPEnte.Intestazione o = original.getIntestazione();
        CooperazioneEnteSUAP c = new CooperazioneEnteSUAP();
        CooperazioneEnteSUAP.InfoSchema info = new CooperazioneEnteSUAP.InfoSchema();
        info.setVersione(SCHEMA_VERSION);
        info.setData(date(LocalDate.now()));
        c.setInfoSchema(info);
        CooperazioneEnteSUAP.Intestazione h = new CooperazioneEnteSUAP.Intestazione();
        h.setEnteMittente(mittente);
        h.setSuapCompetente(o.getSuapCompetente());
        h.setCodicePratica(o.getCodicePratica());
        h.setImpresa(o.getImpresa());
        h.setOggettoPratica(o.getOggettoPratica());
        h.setProtocolloPraticaSuap(o.getProtocolloPraticaSuap());
        h.setProtocolloRi(o.getProtocolloRi());
        OggettoCooperazione oc = new OggettoCooperazione();
        oc.setTipoCooperazione(tipoCooperazione);
        oc.setValue(oggetto);
        h.setOggettoComunicazione(oc);
        h.setTestoComunicazione(testo);
        ProtocolloSUAP p = new ProtocolloSUAP();
        p.setCodiceAmministrazione(protocollo.codiceAmministrazione());
        p.setCodiceAoo(protocollo.codiceAoo());
        p.setNumeroRegistrazione(protocollo.numero());
        p.setDataRegistrazione(date(protocollo.data()));
        h.setProtocollo(p);
        h.setProgressivo(1);
        h.setTotale(1);
        c.setIntestazione(h);
        return c;
    }

    private XMLGregorianCalendar date(LocalDate d) {
        return dates.newXMLGregorianCalendar(d.toString());
    }
}
