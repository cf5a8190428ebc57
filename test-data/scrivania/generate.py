#!/usr/bin/env python3
"""Regenerates the scrivania (InfoCamere PddServiceEnte.inviaSUAPEnte) test data.

    python3 test-data/scrivania/generate.py

Writes, next to this script: valid/NN-slug/, hostile/NN-slug/ and README.md (everything under
valid/ and hostile/ is deleted and rebuilt; tools/ is left alone). Deterministic: fixed dates,
fixed seeds, fixed ZIP timestamps. Python 3 standard library only.

All persons and companies are invented. Codici fiscali are computed with the official algorithm
(check character correct) from invented surnames; company codici fiscali / partite IVA are random
10-digit numbers from a fixed seed plus the Luhn check digit. Any match with a real subject is
accidental.
"""
import json
import os
import random
import re
import shutil
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ZIP_DT = (2026, 5, 4, 9, 0, 0)
MiB = 1024 * 1024

NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS_SCR = "http://www.impresainungiorno.gov.it/suap/scrivania"
NS_PS = "http://www.impresainungiorno.gov.it/schema/suap/pratica"

# ---------------------------------------------------------------------------------------------
# Codice fiscale / partita IVA
# ---------------------------------------------------------------------------------------------
_ODD = {c: v for c, v in zip("0123456789", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21])}
_ODD.update({c: v for c, v in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                   [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8,
                                    12, 14, 16, 10, 22, 25, 24, 23])})
_EVEN = {c: int(c) for c in "0123456789"}
_EVEN.update({c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")})
_MONTHS = "ABCDEHLMPRST"


def _letters(s):
    s = re.sub(r"[^A-Z]", "", s.upper().replace("À", "A").replace("È", "E").replace("É", "E")
               .replace("Ì", "I").replace("Ò", "O").replace("Ù", "U"))
    cons = [c for c in s if c not in "AEIOU"]
    vow = [c for c in s if c in "AEIOU"]
    return cons, vow


def cf_check(cf15):
    s = sum((_ODD if i % 2 == 0 else _EVEN)[c] for i, c in enumerate(cf15))
    return chr(ord("A") + s % 26)


def codice_fiscale(cognome, nome, sesso, nascita, belfiore):
    c, v = _letters(cognome)
    sur = "".join(c + v + ["X"] * 3)[:3]
    c, v = _letters(nome)
    nam = (c[0] + c[2] + c[3]) if len(c) >= 4 else "".join(c + v + ["X"] * 3)[:3]
    y, m, d = nascita.split("-")
    day = int(d) + (40 if sesso == "F" else 0)
    cf15 = f"{sur}{nam}{y[2:]}{_MONTHS[int(m) - 1]}{day:02d}{belfiore}"
    return cf15 + cf_check(cf15)


def luhn_check(d10):
    s = 0
    for i, ch in enumerate(d10):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        s += n
    return str((10 - s % 10) % 10)


assert codice_fiscale("Rossi", "Mario", "M", "1980-01-01", "H501") == "RSSMRA80A01H501U"
assert "1234567890" + luhn_check("1234567890") == "12345678903"

_RNG_CF = random.Random("suap-gw scrivania company codes v1")


def company_cf():
    # first digit 0..1, office code digits random: an invented number with a correct check digit
    d10 = str(_RNG_CF.randint(0, 1)) + "".join(str(_RNG_CF.randint(0, 9)) for _ in range(9))
    return d10 + luhn_check(d10)


# ---------------------------------------------------------------------------------------------
# Minimal XML builder
# ---------------------------------------------------------------------------------------------
def esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc_attr(s):
    return esc(s).replace('"', "&quot;")


class N:
    def __init__(self, tag, attrs=None, *kids, text=None):
        self.tag = tag
        self.attrs = {k: v for k, v in (attrs or {}).items() if v is not None}
        self.kids = []
        for k in kids:
            if k is None:
                continue
            if isinstance(k, (list, tuple)):
                self.kids.extend(x for x in k if x is not None)
            else:
                self.kids.append(k)
        self.text = text


def T(tag, text, attrs=None):
    return N(tag, attrs, text=text)


def render(n, ind=0):
    pad = "  " * ind
    a = "".join(f' {k}="{esc_attr(v)}"' for k, v in n.attrs.items())
    if n.kids:
        out = [f"{pad}<{n.tag}{a}>"]
        for k in n.kids:
            out.extend(render(k, ind + 1))
        out.append(f"{pad}</{n.tag}>")
        return out
    if n.text is not None:
        return [f"{pad}<{n.tag}{a}>{esc(n.text)}</{n.tag}>"]
    return [f"{pad}<{n.tag}{a}/>"]


# ---------------------------------------------------------------------------------------------
# Reference data: SUAP, back office, enti (gateway registry), places
# ---------------------------------------------------------------------------------------------
SUAP = {"codice-amministrazione": "c_f205", "codice-aoo": "SUAP", "identificativo-suap": "1234",
        "codice-catastale": "F205"}
SUAP_TEXT = "SUAP del Comune di Milano"

ENTI = {
    "polizia-locale": ("c_f205", "PLMI", "Polizia Locale - Comune di Milano", None),
    "ats-milano": ("atsmcm", "DIPS", "ATS Milano - Dipartimento Igiene e Prevenzione Sanitaria", None),
    "soprintendenza": ("m_bac", "SABAP-MI", "Soprintendenza ABAP Milano", None),
    "vigili-del-fuoco": ("cnvvf", "COMMI", "Comando Provinciale Vigili del Fuoco di Milano",
                         "com.milano@cert.vigilfuoco.it"),
    "suap": ("c_f205", "SUAP", "SUAP del Comune di Milano", None),  # not consulted
}

COMUNI = {
    "MILANO": ("F205", "MI", "MILANO", "015146"),
    "SESTO SAN GIOVANNI": ("I690", "MI", "MILANO", "015209"),
    "MONZA": ("F704", "MB", "MONZA E DELLA BRIANZA", "108033"),
    "LECCO": ("E507", "LC", "LECCO", None),
    "CREMONA": ("D150", "CR", "CREMONA", None),
    "BERGAMO": ("A794", "BG", "BERGAMO", None),
    "VARESE": ("L682", "VA", "VARESE", None),
    "PAVIA": ("G388", "PV", "PAVIA", None),
    "COMO": ("C933", "CO", "COMO", None),
    "BRESCIA": ("B157", "BS", "BRESCIA", None),
    "LODI": ("E648", "LO", "LODI", None),
    "SONDRIO": ("I829", "SO", "SONDRIO", None),
    "MANTOVA": ("E897", "MN", "MANTOVA", None),
}


def addr(comune, cap, top, den, civ):
    return {"comune": comune, "cap": cap, "top": top, "den": den, "civ": civ}


class Person:
    def __init__(self, cognome, nome, sesso, nascita, luogo, residenza, email, tel):
        self.cognome, self.nome, self.sesso, self.nascita, self.luogo = cognome, nome, sesso, nascita, luogo
        self.residenza, self.email, self.tel = residenza, email, tel
        self.cf = codice_fiscale(cognome, nome, sesso, nascita, COMUNI[luogo][0])

    @property
    def denominazione(self):
        return f"{self.cognome} {self.nome}"


P = {
    "moltrasini": Person("Moltrasini", "Giulia", "F", "1991-04-12", "LECCO",
                         addr("SESTO SAN GIOVANNI", "20099", "VIA", "GIACOMO MATTEOTTI", "41"),
                         "giulia.moltrasini@posta.example.com", "3471234561"),
    "cavalzani": Person("Cavalzani", "Roberto", "M", "1958-09-03", "CREMONA",
                        addr("MILANO", "20127", "VIA", "PADOVA", "88"),
                        "roberto.cavalzani@posta.example.com", "3351234562"),
    "bregnani": Person("Bregnani", "Sara", "F", "1987-01-22", "MONZA",
                       addr("MILANO", "20149", "VIA", "MARGHERA", "18"),
                       "sara.bregnani@posta.example.com", "3281234563"),
    "verdolini": Person("Verdolini", "Marco", "M", "1979-06-14", "MILANO",
                        addr("MILANO", "20135", "CORSO", "LODI", "75"),
                        "marco.verdolini@posta.example.com", "3391234564"),
    "zucchellini": Person("Zucchellini", "Paolo", "M", "1966-02-08", "BERGAMO",
                          addr("MILANO", "20121", "VIA", "SOLFERINO", "11"),
                          "p.zucchellini@posta.example.com", "0255512345"),
    "fittaroli": Person("Fittaroli", "Andrea", "M", "1975-11-30", "VARESE",
                        addr("MILANO", "20143", "RIPA", "DI PORTA TICINESE", "33"),
                        "a.fittaroli@posta.example.com", "0255512346"),
    "lampredi": Person("Lampredi", "Chiara", "F", "1983-07-19", "PAVIA",
                       addr("MILANO", "20146", "VIA", "LORENTEGGIO", "210"),
                       "c.lampredi@posta.example.com", "0255512347"),
    "ortelani": Person("Ortelani", "Davide", "M", "1970-03-27", "COMO",
                       addr("MILANO", "20155", "VIALE", "CERTOSA", "96"),
                       "d.ortelani@posta.example.com", "0255512348"),
    "ghidoni": Person("Ghidoni", "Elena", "F", "1982-10-05", "BRESCIA",
                      addr("MILANO", "20124", "CORSO", "BUENOS AIRES", "45"),
                      "arch.ghidoni@pec-professionisti.example", "0255512349"),
    "sormanelli": Person("Sormanelli", "Luca", "M", "1969-05-16", "LODI",
                         addr("MILANO", "20142", "VIA", "DEI MISSAGLIA", "89"),
                         "l.sormanelli@posta.example.com", "0255512350"),
    "pessinetti": Person("Pessinetti", "Marta", "F", "1989-12-01", "MILANO",
                         addr("MILANO", "20154", "VIA", "PAOLO SARPI", "12"),
                         "m.pessinetti@posta.example.com", "0255512351"),
    "brivonesi": Person("Brivonesi", "Stefano", "M", "1974-08-21", "SONDRIO",
                        addr("MILANO", "20132", "VIA", "PALMANOVA", "120"),
                        "s.brivonesi@posta.example.com", "0255512352"),
    "morandotti": Person("Morandotti", "Ilaria", "F", "1986-02-28", "CREMONA",
                         addr("MILANO", "20144", "VIA", "TORTONA", "27"),
                         "i.morandotti@posta.example.com", "0255512353"),
    "gualtieroni": Person("Gualtieroni", "Giorgio", "M", "1963-04-09", "MANTOVA",
                          addr("MILANO", "20146", "VIA", "GIAMBELLINO", "50"),
                          "g.gualtieroni@posta.example.com", "0255512354"),
    "rampinelli": Person("Rampinelli", "Francesca", "F", "1978-09-17", "MILANO",
                         addr("MILANO", "20126", "VIALE", "FULVIO TESTI", "200"),
                         "geom.rampinelli@pec-professionisti.example", "0255512355"),
    "casiraghini": Person("Casiraghini", "Matteo", "M", "1990-06-03", "LECCO",
                          addr("MILANO", "20153", "VIA", "NOVARA", "300"),
                          "ing.casiraghini@pec-professionisti.example", "0255512356"),
}


class Company:
    def __init__(self, ragione, forma, forma_text, sede, rapp, carica, pec, tel, rea):
        self.ragione, self.forma, self.forma_text, self.sede = ragione, forma, forma_text, sede
        self.rapp, self.carica, self.pec, self.tel, self.rea = rapp, carica, pec, tel, rea
        self.cf = company_cf()


FORME = {"SR": "SOCIETA' A RESPONSABILITA' LIMITATA", "SP": "SOCIETA' PER AZIONI",
         "SN": "SOCIETA' IN NOME COLLETTIVO", "AS": "SOCIETA' IN ACCOMANDITA SEMPLICE"}
CARICHE = {"AUN": "AMMINISTRATORE UNICO", "PCA": "PRESIDENTE CONSIGLIO AMMINISTRAZIONE",
           "SOA": "SOCIO AMMINISTRATORE", "SOL": "SOCIO ACCOMANDATARIO E RAPPRESENTANTE LEGALE",
           "AMD": "AMMINISTRATORE DELEGATO"}


def company(ragione, forma, sede, rapp, carica, pec, tel, rea):
    return Company(ragione, forma, FORME[forma], sede, P[rapp], carica, pec, tel, rea)


C = {
    "trattoria": company("Trattoria Alzaia Naviglio S.r.l.", "SR",
                         addr("MILANO", "20143", "RIPA", "DI PORTA TICINESE", "33"), "fittaroli", "AUN",
                         "trattoria.alzaia@pec-imprese.example", "0258100001", "2701001"),
    "parcheggi": company("Parcheggi Certosa S.p.A.", "SP",
                         addr("MILANO", "20155", "VIALE", "CERTOSA", "96"), "ortelani", "PCA",
                         "parcheggi.certosa@pec-imprese.example", "0258100002", "2701002"),
    "mercato": company("Mercato Fresco Lorenteggio S.r.l.", "SR",
                       addr("MILANO", "20146", "VIA", "LORENTEGGIO", "210"), "lampredi", "AUN",
                       "mercato.fresco@pec-imprese.example", "0258100003", "2701003"),
    "gas": company("Gas Tecnici Missaglia S.n.c. di Sormanelli Luca & C.", "SN",
                   addr("MILANO", "20142", "VIA", "DEI MISSAGLIA", "89"), "sormanelli", "SOA",
                   "gastecnici.missaglia@pec-imprese.example", "0258100004", "2701004"),
    "edicola": company("Sarpi Giornali S.n.c. di Pessinetti Marta & C.", "SN",
                       addr("MILANO", "20154", "VIA", "PAOLO SARPI", "12"), "pessinetti", "SOA",
                       "sarpi.giornali@pec-imprese.example", "0258100005", "2701005"),
    "ottica": company("Ottica Solferino S.a.s. di Zucchellini Paolo & C.", "AS",
                      addr("MILANO", "20121", "VIA", "SOLFERINO", "11"), "zucchellini", "SOL",
                      "ottica.solferino@pec-imprese.example", "0258100006", "2701006"),
    "residenze": company("Residenze Palmanova S.r.l.", "SR",
                         addr("MILANO", "20132", "VIA", "PALMANOVA", "120"), "brivonesi", "AUN",
                         "residenze.palmanova@pec-imprese.example", "0258100007", "2701007"),
    "eventi": company("Officina Eventi Tortona S.r.l.", "SR",
                      addr("MILANO", "20144", "VIA", "TORTONA", "27"), "morandotti", "AUN",
                      "officina.eventi@pec-imprese.example", "0258100008", "2701008"),
    "dolciario": company("Laboratorio Dolciario Giambellino S.r.l.", "SR",
                         addr("MILANO", "20146", "VIA", "GIAMBELLINO", "50"), "gualtieroni", "AUN",
                         "dolciario.giambellino@pec-imprese.example", "0258100009", "2701009"),
    # hostile cases
    "caffe": company("Bottega del Caffe' Marghera S.r.l.", "SR",
                     addr("MILANO", "20149", "VIA", "MARGHERA", "22"), "bregnani", "AUN",
                     "bottega.caffe@pec-imprese.example", "0258100010", "2701010"),
    "ferramenta": company("Ferramenta Corso Lodi S.n.c. di Verdolini Marco & C.", "SN",
                          addr("MILANO", "20135", "CORSO", "LODI", "81"), "verdolini", "SOA",
                          "ferramenta.lodi@pec-imprese.example", "0258100011", "2701011"),
    "panificio": company("Panificio Novara S.r.l.", "SR",
                         addr("MILANO", "20153", "VIA", "NOVARA", "310"), "casiraghini", "AMD",
                         "panificio.novara@pec-imprese.example", "0258100012", "2701012"),
}


# ---------------------------------------------------------------------------------------------
# XML fragments (ps: / pi: types)
# ---------------------------------------------------------------------------------------------
def x_indirizzo(tag, a, email=None, pec=None, tel=None):
    cat, sigla, prov, istat = COMUNI[a["comune"]]
    return N(tag, None,
             T("stato", "ITALIA", {"codice": "IT"}),
             T("provincia", prov, {"sigla": sigla}),
             T("comune", a["comune"], {"codice-catastale": cat, "codice-istat": istat}),
             T("cap", a["cap"]), T("toponimo", a["top"]),
             T("denominazione-stradale", a["den"]), T("numero-civico", a["civ"]),
             T("e-mail", pec, {"tipo": "PEC"}) if pec else None,
             T("e-mail", email) if email else None,
             T("telefono", tel, {"tipo": "Ufficio" if tel and tel.startswith("0") else "Cellulare"}) if tel else None)


def x_impresa(tag, c, bad_cf=None):
    return N(tag, None,
             T("forma-giuridica", c.forma_text, {"codice": c.forma}),
             T("ragione-sociale", c.ragione),
             T("codice-fiscale", bad_cf or c.cf),
             T("partita-iva", c.cf),
             T("codice-REA", c.rea, {"provincia": "MI", "data-iscrizione": "2019-03-15"}),
             x_indirizzo("indirizzo", c.sede, pec=c.pec, tel=c.tel),
             N("legale-rappresentante", None, T("cognome", c.rapp.cognome), T("nome", c.rapp.nome),
               T("codice-fiscale", c.rapp.cf), T("carica", CARICHE[c.carica], {"codice": c.carica})))


def x_impresa_persona(tag, p, bad_cf=None):
    """Envelope `impresa` (ps:AnagraficaImpresa, mandatory) for a persona fisica applicant."""
    return N(tag, None,
             T("forma-giuridica", "NON PRECISATA - PERSONA FISICA", {"codice": "XX"}),
             T("ragione-sociale", p.denominazione),
             T("codice-fiscale", bad_cf or p.cf),
             x_indirizzo("indirizzo", p.residenza, email=p.email, tel=p.tel),
             N("legale-rappresentante", None, T("cognome", p.cognome), T("nome", p.nome),
               T("codice-fiscale", p.cf), T("carica", "TITOLARE", {"codice": "TI"})))


def x_richiedente(p):
    cat, sigla, prov, _ = COMUNI[p.luogo]
    return N("richiedente", None,
             T("cognome", p.cognome), T("nome", p.nome), T("codice-fiscale", p.cf),
             T("sesso", p.sesso),
             N("nascita", None, T("stato", "ITALIA", {"codice": "IT"}), T("provincia", prov, {"sigla": sigla}),
               T("comune", p.luogo, {"codice-catastale": cat}), T("data", p.nascita)),
             x_indirizzo("residenza", p.residenza),
             T("e-mail", p.email), T("telefono", p.tel, {"tipo": "Cellulare"}))


def x_dichiarante(p, qualifica, bad_cf=None, pec=None):
    return N("dichiarante", {"qualifica": qualifica},
             T("cognome", p.cognome), T("nome", p.nome), T("codice-fiscale", bad_cf or p.cf),
             T("pec", pec) if pec else None, T("telefono", p.tel))


def x_ente(key):
    amm, aoo, text, pec = ENTI[key]
    return T("ente-coinvolto", text, {"codice-amministrazione": amm, "codice-aoo": aoo, "pec": pec})


def x_file_body(f):
    return [T("descrizione", f["desc"]) if f.get("desc") else None,
            T("nome-file-originale", f["orig"]) if f.get("orig") else None,
            T("mime", f["mime"]), T("mime-base", f["mime_base"]) if f.get("mime_base") else None,
            T("dimensione", str(f["size"])) if f.get("size") else None,
            T("tipo", f["tipo"][1], {"codice": f["tipo"][0]}) if f.get("tipo") else None]


# ---------------------------------------------------------------------------------------------
# Fake file contents
# ---------------------------------------------------------------------------------------------
P7M_HEAD = bytes([0x30, 0x80, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02, 0xA0, 0x80])


def fake_pdf(label):
    return (f"%PDF-1.4\n% suap-gateway test data - documento fittizio\n% {label}\n"
            f"1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").encode("utf-8")


def fake_p7m(inner):
    return P7M_HEAD + inner + bytes([0x00, 0x00, 0x00, 0x00])


def fake_jpg(label):
    return (bytes([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            + b"\xFF\xFE" + len(label.encode()).to_bytes(2, "big") + label.encode("utf-8") + b"\xFF\xD9")


def fake_svg(label):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="400" '
            f'height="300"><title>{esc(label)}</title><rect x="10" y="10" width="380" height="280" '
            'fill="none" stroke="black"/></svg>\n').encode("utf-8")


def fake_tracciato(cod, nome):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<modello-attivita cod="{esc_attr(cod)}">\n'
            f'  <titolo>{esc(nome)}</titolo>\n  <campo nome="dichiarazione-requisiti">SI</campo>\n'
            '</modello-attivita>\n').encode("utf-8")


DOC_KINDS = {
    # ext, mime, mime-base, content factory
    "pdf": (".pdf", "application/pdf", None, lambda l: fake_pdf(l)),
    "pdf.p7m": (".pdf.p7m", "application/pkcs7-mime", "application/pdf", lambda l: fake_p7m(fake_pdf(l))),
    "jpg": (".jpg", "image/jpeg", None, lambda l: fake_jpg(l)),
    "jpg.p7m": (".jpg.p7m", "application/pkcs7-mime", "image/jpeg", lambda l: fake_p7m(fake_jpg(l))),
    "svg": (".svg", "image/svg+xml", None, lambda l: fake_svg(l)),
}


class Big:
    """Large generated content (hostile ZIP entries): size + chunk generator."""

    def __init__(self, size, gen):
        self.size, self.gen = size, gen


def zeros_after(prefix, size):
    def gen():
        yield prefix
        left = size - len(prefix)
        chunk = bytes(MiB)
        while left > 0:
            n = min(left, MiB)
            yield chunk[:n]
            left -= n
    return Big(size, gen)


def noisy(size, random_per_mib, seed):
    """Per MiB block: `random_per_mib` incompressible bytes then zeros -> ratio ~ MiB/random_per_mib."""
    def gen():
        rng = random.Random(seed)
        off = 0
        while off < size:
            n = min(MiB, size - off)
            r = min(random_per_mib, n)
            yield rng.randbytes(r) + bytes(n - r)
            off += n
    return Big(size, gen)


def content_size(c):
    return c.size if isinstance(c, Big) else len(c)


# ---------------------------------------------------------------------------------------------
# Case model
# ---------------------------------------------------------------------------------------------
class Doc:
    def __init__(self, kind, desc, tipo=None, cod=None, orig=None):
        self.kind, self.desc, self.tipo, self.cod, self.orig = kind, desc, tipo, cod, orig


class Modulo:
    def __init__(self, nome, cod, enti=(), tipologie=(), tracciato=False, docs=()):
        self.nome, self.cod, self.enti, self.tipologie = nome, cod, list(enti), list(tipologie)
        self.tracciato, self.docs = tracciato, list(docs)


class Case:
    def __init__(self, folder, *, company=None, person=None, when, tipo_proc, tipo_int, oggetto,
                 dichiarante, qualifica, procura=None, impianto=None, catasto=None, disponibilita=None,
                 destinazione=None, moduli, form="zip", prot, integration=None, protocollo_ri=False,
                 testo=None):
        self.folder, self.company, self.person = folder, company, person
        self.when = when  # (yyyy, mm, dd, hh, mi)
        self.tipo_proc, self.tipo_int, self.oggetto = tipo_proc, tipo_int, oggetto
        self.dichiarante, self.qualifica, self.procura = dichiarante, qualifica, procura
        self.impianto, self.catasto, self.disponibilita, self.destinazione = impianto, catasto, disponibilita, destinazione
        self.moduli, self.form, self.prot, self.integration = moduli, form, prot, integration
        self.protocollo_ri, self.testo = protocollo_ri, testo
        y, m, d, hh, mi = when
        self.cf = (company.cf if company else person.cf)
        self.cp = f"{self.cf}-{d:02d}{m:02d}{y:04d}-{hh:02d}{mi:02d}"
        self.date = f"{y:04d}-{m:02d}-{d:02d}"

    @property
    def denominazione(self):
        return self.company.ragione if self.company else self.person.denominazione


def build_files(case, cp=None):
    """Returns (riepilogo_tree_factory, files) where files = ordered list of dicts per declared file."""
    cp = cp or case.cp
    files = []
    seq = [0]

    def nextname(suffix):
        seq[0] += 1
        return f"{cp}.{seq[0]:03d}{suffix}"

    procura = None
    if case.procura:
        ext, mime, mime_base, mk = DOC_KINDS[case.procura]
        data = mk(f"Procura speciale - pratica {cp}")
        procura = {"name": nextname(ext), "data": data, "desc": "Procura speciale per la presentazione della pratica",
                   "mime": mime, "mime_base": mime_base, "role": "procura-speciale"}
        files.append(procura)
    mods = []
    for m in case.moduli:
        label = f"Distinta modello attivita' {m.cod or m.nome}"
        dist = {"name": nextname(".MDA.PDF.P7M"), "data": fake_p7m(fake_pdf(label)),
                "desc": f"Distinta del modello di attivita': {m.nome}", "mime": "application/pkcs7-mime",
                "mime_base": "application/pdf", "role": "distinta-modello-attivita"}
        files.append(dist)
        trac = None
        if m.tracciato:
            trac = {"name": nextname(".MDA.XML"), "data": fake_tracciato(m.cod or m.nome, m.nome),
                    "desc": "Tracciato XML del modello di attivita'", "mime": "application/xml",
                    "role": "tracciato-xml"}
            files.append(trac)
        docs = []
        for d in m.docs:
            ext, mime, mime_base, mk = DOC_KINDS[d.kind]
            f = {"name": nextname(ext), "data": mk(d.desc), "desc": d.desc, "mime": mime, "mime_base": mime_base,
                 "tipo": d.tipo, "cod": d.cod, "orig": d.orig, "role": "documento-allegato"}
            files.append(f)
            docs.append(f)
        mods.append((m, dist, trac, docs))
    return procura, mods, files


def riepilogo_tree(case, procura, mods, *, cp=None, drop_dichiarante=False, bad_dich_cf=None):
    cp = cp or case.cp

    def sized(f):
        g = dict(f)
        g["size"] = content_size(f["data"])
        return g

    impianto = None
    if case.impianto:
        impianto = N("impianto-produttivo", None,
                     x_indirizzo("indirizzo", case.impianto),
                     [N("dati-catastali", {"tipo": "fabbricati", "comune-catastale": "F205"},
                        T("foglio", fg), [T("mappale", mp) for mp in mps], [T("subalterno", s) for s in subs])
                      for (fg, mps, subs) in (case.catasto or [])],
                     T("disponibilita-immobile", case.disponibilita) if case.disponibilita else None,
                     T("destinazione-uso", case.destinazione) if case.destinazione else None)
    dich_p, pec = case.dichiarante
    intest = N("intestazione", None,
               T("ufficio-destinatario", SUAP_TEXT, SUAP),
               x_impresa("impresa", case.company) if case.company else x_richiedente(case.person),
               T("oggetto-comunicazione", case.oggetto,
                 {"tipo-procedimento": case.tipo_proc, "tipo-intervento": case.tipo_int}),
               T("codice-pratica", cp),
               N("procura-speciale", {"nome-file": procura["name"]}, x_file_body(sized(procura))) if procura else None,
               None if drop_dichiarante else x_dichiarante(dich_p, case.qualifica, bad_cf=bad_dich_cf, pec=pec),
               T("domicilio-elettronico", case.company.pec if case.company else case.person.email),
               impianto)
    moduli = []
    for (m, dist, trac, docs) in mods:
        tr = N("tracciato-xml", {"nome-file": trac["name"]}, x_file_body(sized(trac))) if trac else None
        moduli.append(N("modulo", {"nome": m.nome, "cod": m.cod},
                        [x_ente(e) for e in m.enti],
                        [T("tipologia", t, {"codice": c}) for (c, t) in m.tipologie],
                        N("distinta-modello-attivita", {"nome-file": dist["name"]}, x_file_body(sized(dist)), tr),
                        [N("documento-allegato", {"nome-file": d["name"], "cod": d["cod"]}, x_file_body(sized(d)))
                         for d in docs]))
    return N("ps:riepilogo-pratica-suap", {"xmlns:ps": NS_PS},
             T("info-schema", None, {"versione": "2.0.0", "data": case.date}),
             intest, N("struttura", None, moduli))


def xml_doc(tree):
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + "\n".join(render(tree)) + "\n"


def prot(num, date):
    return {"codice-amministrazione": "c_f205", "codice-aoo": "SUAP", "data-registrazione": date,
            "numero-registrazione": f"{num:07d}"}


def envelope(case, allegati, *, progressivo=1, totale=1, tipo_coop="condivisione", ogg_com=None, testo=None,
             prot_num=None, date=None, cp=None, bad_impresa_cf=None):
    cp = cp or case.cp
    date = date or case.date
    impresa = (x_impresa("impresa", case.company, bad_cf=bad_impresa_cf) if case.company
               else x_impresa_persona("impresa", case.person, bad_cf=bad_impresa_cf))
    intest = N("intestazione", {"progressivo": str(progressivo), "totale": str(totale)},
               T("suap-competente", SUAP_TEXT, SUAP),
               T("ente-destinatario", "Comune di Milano - Geowork",
                 {"codice-amministrazione": "c_f205", "codice-aoo": "GEOWORK"}),
               T("codice-pratica", cp),
               impresa,
               T("oggetto-pratica", case.oggetto, {"tipo-procedimento": case.tipo_proc, "tipo-intervento": case.tipo_int}),
               T("protocollo-pratica-suap", None, prot(case.prot, case.date)),
               T("protocollo-ri", None, {"ufficio-ri": "MI", "anno": case.date[:4],
                                          "numero-protocollo-ri": str(case.prot + 500000),
                                          "sotto-numero-protocollo-ri": "1",
                                          "data-protocollo-ri": case.date}) if case.protocollo_ri else None,
               T("oggetto-comunicazione", ogg_com or f"Trasmissione pratica SUAP {cp} - {case.oggetto}",
                 {"tipo-cooperazione": tipo_coop}),
               T("testo-comunicazione", testo) if testo else None,
               T("protocollo", None, prot(prot_num if prot_num is not None else case.prot + 1, date)))
    alls = []
    for a in allegati:
        alls.append(N("allegato", {"nome-file": a["name"], "cod": a.get("cod")},
                      T("descrizione", a["desc"]) if a.get("desc") else None,
                      T("mime", a["mime"]), T("mime-base", a["mime_base"]) if a.get("mime_base") else None,
                      T("dimensione", str(a["size"])) if a.get("size") else None,
                      T("embedded-file-ref", a["ref"]) if a.get("ref") else None))
    coop = N("CooperazioneSUAPEnte", None, T("info-schema", None, {"versione": "1.1.1", "data": date}), intest, alls)
    env = N("soapenv:Envelope", {"xmlns:soapenv": NS_SOAP},
            N("soapenv:Body", None, N("scr:inviaSUAPEnte", {"xmlns:scr": NS_SCR}, coop)))
    return xml_doc(env)


def write_zip(path, entries, stored=False):
    """entries: list of (name, bytes|Big). Deterministic (fixed timestamps, fixed attributes)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in entries:
            zi = zipfile.ZipInfo(name, date_time=ZIP_DT)
            zi.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 3
            if isinstance(data, Big):
                zi.file_size = data.size
                with zf.open(zi, "w") as w:
                    for chunk in data.gen():
                        w.write(chunk)
            else:
                zf.writestr(zi, data, compress_type=zi.compress_type, compresslevel=9)


# ---------------------------------------------------------------------------------------------
# Expected outcome (same rules as the simulated enti)
# ---------------------------------------------------------------------------------------------
def answer(ente, code, round_no):
    if round_no == 2:
        return "POSITIVO"
    if ente == "ats-milano" and "ACCONCIATORE_APERTURA" in code:
        return "CONFORMAZIONE"
    if ente == "soprintendenza" and "MEDIA_STRUTTURA_VENDITA" in code:
        return "NEGATIVO"
    if ente == "vigili-del-fuoco" and "DEPOSITO_GPL" in code:
        return "NEGATIVO"
    if ente == "vigili-del-fuoco" and "AUTORIMESSA" in code:
        return "CONFORMAZIONE"
    return "POSITIVO"


def outcome(case):
    code = case.moduli[0].cod or case.moduli[0].nome
    enti = sorted({e for m in case.moduli for e in m.enti if e != "suap"})
    ans = {e: answer(e, code, 1) for e in enti}
    if "NEGATIVO" in ans.values():
        return code, enti, [], "ended_by_negative_outcome", ["rilascio-provvedimento"]
    conf = sorted(e for e, a in ans.items() if a == "CONFORMAZIONE")
    if conf:
        return code, enti, conf, "ended_by_positive_outcome", ["richiesta-integrazione", "rilascio-provvedimento"]
    return code, enti, [], "ended_by_positive_outcome", ["rilascio-provvedimento"]


# ---------------------------------------------------------------------------------------------
# Writing a case
# ---------------------------------------------------------------------------------------------
def att_entry(name, data, desc, mime, mime_base=None, cod=None):
    return {"name": name, "data": data, "desc": desc, "mime": mime, "mime_base": mime_base, "cod": cod,
            "size": len(data), "ref": "cid:" + name}


def write_message(folder, env_text, attachments):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "envelope.xml"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(env_text)
    if attachments:
        ad = os.path.join(folder, "attachments")
        os.makedirs(ad, exist_ok=True)
        for name, data in attachments.items():
            if isinstance(data, str):  # path of an already written file
                continue
            with open(os.path.join(ad, name), "wb") as fh:
                fh.write(data)


def make_package(case, folder, *, riepilogo_text=None, zip_entries_hook=None, zip_bytes_hook=None,
                 files_hook=None, zip_name=None, riepilogo_name=None, cp_riepilogo=None, rtree_kwargs=None):
    """Builds the package. Returns (allegati, attachments dict name->bytes, declared files list)."""
    procura, mods, files = build_files(case, cp=cp_riepilogo)
    if files_hook:
        files_hook(files)
    rtree = riepilogo_tree(case, procura, mods, cp=cp_riepilogo, **(rtree_kwargs or {}))
    rtext = xml_doc(rtree)
    if riepilogo_text:
        rtext = riepilogo_text(rtext)
    rbytes = rtext.encode("utf-8")
    rname = riepilogo_name or f"{case.cp}.SUAP.xml"
    attachments = {}
    allegati = []
    if case.form == "zip":
        entries = [(rname, rbytes)] + [(f["name"], f["data"]) for f in files if not f.get("omit")]
        if zip_entries_hook:
            entries = zip_entries_hook(entries)
        zname = zip_name or f"{case.cp}.SUAP.zip"
        ad = os.path.join(folder, "attachments")
        os.makedirs(ad, exist_ok=True)
        zpath = os.path.join(ad, zname)
        write_zip(zpath, entries, stored=getattr(case, "stored_zip", False))
        if zip_bytes_hook:
            with open(zpath, "rb") as fh:
                zb = fh.read()
            zb = zip_bytes_hook(zb)
            with open(zpath, "wb") as fh:
                fh.write(zb)
        zsize = os.path.getsize(zpath)
        attachments[zname] = zpath
        allegati.append({"name": zname, "desc": "Pacchetto della pratica SUAP (riepilogo e allegati)",
                         "mime": "application/zip", "size": zsize, "ref": "cid:" + zname, "cod": "SUAP-ZIP"})
    else:
        allegati.append(att_entry(rname, rbytes, "Riepilogo della pratica SUAP", "application/xml", cod="SUAP-XML"))
        attachments[rname] = rbytes
        for f in files:
            if f.get("omit"):
                continue
            allegati.append(att_entry(f["name"], f["data"], f["desc"], f["mime"], f.get("mime_base")))
            attachments[f["name"]] = f["data"]
    return allegati, attachments, files


def first_envelope_text(case, allegati, **kw):
    testo = case.testo or ("Si trasmette la pratica in oggetto per la condivisione con il back office comunale "
                           "e l'acquisizione dei pareri degli enti coinvolti.")
    return envelope(case, allegati, testo=testo, **kw)


def write_valid(case):
    folder = os.path.join(HERE, "valid", case.folder)
    allegati, attachments, files = make_package(case, folder)
    write_message(folder, first_envelope_text(case, allegati), attachments)
    code, enti, r2, esito, com = outcome(case)
    assert bool(r2) == bool(case.integration), case.folder
    exp = {"codicePratica": case.cp, "tipoProcedimento": case.tipo_proc, "tipoIntervento": case.tipo_int,
           "soggetto": "impresa" if case.company else "persona-fisica", "codiceFiscale": case.cf,
           "denominazione": case.denominazione, "procedura": code, "moduli": len(case.moduli),
           "documenti": len(files), "enti": enti, "entiRound2": r2, "esitoFinale": esito, "comunicazioni": com}
    with open(os.path.join(folder, "expected.json"), "w", encoding="utf-8", newline="\n") as fh:
        json.dump(exp, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    if case.integration:
        idir = os.path.join(folder, "integration")
        ialleg, iatt = [], {}
        start = 100
        for i, d in enumerate(case.integration["docs"]):
            ext, mime, mime_base, mk = DOC_KINDS[d.kind]
            name = f"{case.cp}.{start + i + 1:03d}{ext}"
            data = mk(d.desc)
            ialleg.append(att_entry(name, data, d.desc, mime, mime_base))
            iatt[name] = data
        y, m, dd, hh, mi = case.when
        idate = case.integration["date"]
        env = envelope(case, ialleg, progressivo=2, totale=2, tipo_coop="integrazione-documentale",
                       ogg_com=f"Integrazione documentale pratica SUAP {case.cp}",
                       testo=case.integration["testo"], prot_num=case.prot + 2, date=idate)
        write_message(idir, env, iatt)
    return exp


# ---------------------------------------------------------------------------------------------
# Valid cases
# ---------------------------------------------------------------------------------------------
CAT_BUILDING = "fabbricati"


def valid_cases():
    cs = []
    cs.append(Case(
        "01-scia-somministrazione-impresa-ats-polizia", company=C["trattoria"], when=(2026, 5, 4, 9, 15),
        tipo_proc="SCIA", tipo_int="apertura",
        oggetto="SCIA di APERTURA esercizio di somministrazione di alimenti e bevande - impresa Trattoria Alzaia Naviglio S.r.l.",
        dichiarante=(P["fittaroli"], "trattoria.alzaia@pec-imprese.example"), qualifica="LEGALE RAPPRESENTANTE",
        impianto=addr("MILANO", "20143", "RIPA", "DI PORTA TICINESE", "33"), catasto=[("470", ["112"], ["3"])],
        disponibilita="Locazione", destinazione="Commerciale - somministrazione",
        protocollo_ri=True,
        moduli=[
            Modulo("SCIA apertura esercizio di somministrazione di alimenti e bevande", "SOMMINISTRAZIONE_APERTURA",
                   enti=["polizia-locale"], tipologie=[("COMMERCIO", "Commercio e pubblici esercizi")], tracciato=True,
                   docs=[Doc("pdf.p7m", "Planimetria dei locali in scala 1:100", ("PLANIMETRIA", "Planimetria")),
                         Doc("pdf", "Relazione tecnica descrittiva dei locali e degli impianti", ("RELAZIONE", "Relazione tecnica"))]),
            Modulo("Notifica sanitaria ai fini della registrazione (Reg. CE 852/2004)", "NOTIFICA_SANITARIA",
                   enti=["ats-milano"], tipologie=[("SANITA", "Igiene e sanita' pubblica")],
                   docs=[Doc("pdf", "Piano di autocontrollo HACCP", ("HACCP", "Piano HACCP"))]),
        ], form="zip", prot=410010))
    cs.append(Case(
        "02-scia-acconciatore-persona-fisica-ats-integrazione", person=P["moltrasini"], when=(2026, 5, 5, 10, 40),
        tipo_proc="SCIA", tipo_int="apertura",
        oggetto="SCIA di APERTURA attivita' di acconciatore in Viale Monza 140 - richiedente Moltrasini Giulia",
        dichiarante=(P["moltrasini"], None), qualifica="TITOLARE",
        impianto=addr("MILANO", "20127", "VIALE", "MONZA", "140"), catasto=[("151", ["203"], ["11"])],
        disponibilita="Locazione", destinazione="Artigianale - servizi alla persona",
        moduli=[Modulo("SCIA per l'avvio dell'attivita' di acconciatore", "ACCONCIATORE_APERTURA",
                       enti=["ats-milano"], tipologie=[("ARTIGIANATO", "Servizi alla persona")],
                       docs=[Doc("jpg", "Planimetria dei locali (scansione)", ("PLANIMETRIA", "Planimetria")),
                             Doc("pdf", "Dichiarazione dei requisiti igienico-sanitari dei locali"),
                             Doc("pdf.p7m", "Attestato di qualificazione professionale di acconciatore",
                                 ("QUALIFICA", "Requisiti professionali"))])],
        form="separate", prot=410020,
        integration={"date": "2026-05-19",
                     "testo": "Integrazione documentale richiesta da ATS Milano (conformazione): relazione sull'impianto di "
                              "aerazione e planimetria aggiornata con indicazione dei lavaggi.",
                     "docs": [Doc("pdf.p7m", "Relazione tecnica sull'impianto di aerazione forzata"),
                              Doc("pdf", "Planimetria aggiornata con posizione dei lavaggi")]}))
    cs.append(Case(
        "03-silenzio-assenso-autorimessa-impresa-vvf-integrazione", company=C["parcheggi"], when=(2026, 5, 6, 11, 5),
        tipo_proc="silenzio-assenso", tipo_int="apertura",
        oggetto="Autorizzazione all'esercizio di autorimessa pubblica (120 posti auto) - impresa Parcheggi Certosa S.p.A.",
        dichiarante=(P["ghidoni"], "arch.ghidoni@pec-professionisti.example"), qualifica="PROFESSIONISTA INCARICATO",
        procura="pdf.p7m",
        impianto=addr("MILANO", "20155", "VIALE", "CERTOSA", "96"), catasto=[("217", ["45", "46"], [])],
        disponibilita="Proprieta'", destinazione="Autorimessa",
        moduli=[Modulo("Autorizzazione all'esercizio di autorimessa pubblica", "AUTORIMESSA_PUBBLICA_ESERCIZIO",
                       enti=["vigili-del-fuoco", "polizia-locale"], tipologie=[("MOBILITA", "Mobilita' e trasporti")],
                       tracciato=True,
                       docs=[Doc("pdf.p7m", "Progetto di prevenzione incendi (DPR 151/2011, attivita' 75)",
                                 ("ANTINCENDIO", "Prevenzione incendi")),
                             Doc("svg", "Planimetria dei posti auto e delle vie di esodo", ("PLANIMETRIA", "Planimetria")),
                             Doc("pdf", "Relazione sulla viabilita' di accesso")])],
        form="zip", prot=410030,
        integration={"date": "2026-05-22",
                     "testo": "Integrazione documentale richiesta dal Comando Provinciale VVF di Milano (conformazione): "
                              "relazione tecnica antincendio integrativa sugli impianti di ventilazione.",
                     "docs": [Doc("pdf.p7m", "Relazione tecnica antincendio integrativa - impianti di ventilazione")]}))
    cs.append(Case(
        "04-ordinario-media-struttura-vendita-negativo", company=C["mercato"], when=(2026, 5, 7, 14, 30),
        tipo_proc="ordinario", tipo_int="apertura",
        oggetto="Autorizzazione all'apertura di media struttura di vendita (1.450 mq, settore alimentare e non alimentare)",
        dichiarante=(P["rampinelli"], "geom.rampinelli@pec-professionisti.example"), qualifica="PROFESSIONISTA INCARICATO",
        procura="jpg.p7m",
        impianto=addr("MILANO", "20146", "VIA", "LORENTEGGIO", "210"), catasto=[("528", ["301"], ["701", "702"])],
        disponibilita="Locazione", destinazione="Commerciale",
        moduli=[
            Modulo("Domanda di autorizzazione per media struttura di vendita", "MEDIA_STRUTTURA_VENDITA_APERTURA",
                   enti=["soprintendenza", "polizia-locale"], tipologie=[("COMMERCIO", "Commercio al dettaglio")],
                   tracciato=True,
                   docs=[Doc("pdf.p7m", "Relazione di impatto sulla viabilita' e sul traffico"),
                         Doc("pdf.p7m", "Progetto architettonico del fronte su strada (edificio in area vincolata)",
                             ("PROGETTO", "Elaborati progettuali")),
                         Doc("jpg", "Documentazione fotografica dello stato di fatto")]),
            Modulo("Notifica sanitaria ai fini della registrazione (Reg. CE 852/2004)", "NOTIFICA_SANITARIA",
                   enti=["ats-milano"], docs=[Doc("pdf", "Scheda dei reparti alimentari")]),
            Modulo("Autorizzazione all'installazione di insegna di esercizio", "INSEGNA_ESERCIZIO",
                   enti=["polizia-locale"], docs=[Doc("pdf", "Bozzetto dell'insegna luminosa")]),
        ], form="zip", prot=410040))
    cs.append(Case(
        "05-ordinario-deposito-gpl-vvf-negativo", company=C["gas"], when=(2026, 5, 8, 8, 50),
        tipo_proc="ordinario", tipo_int="trasformazione",
        oggetto="Autorizzazione all'installazione di deposito di GPL in serbatoio fisso da 5 mc - impresa Gas Tecnici Missaglia S.n.c.",
        dichiarante=(P["sormanelli"], "gastecnici.missaglia@pec-imprese.example"), qualifica="LEGALE RAPPRESENTANTE",
        impianto=addr("MILANO", "20142", "VIA", "DEI MISSAGLIA", "89"), catasto=[("655", ["88"], ["2"])],
        disponibilita="Proprieta'", destinazione="Artigianale - deposito",
        moduli=[Modulo("Installazione di deposito di GPL in serbatoio fisso", "DEPOSITO_GPL_SERBATOIO_FISSO",
                       enti=["vigili-del-fuoco"], tipologie=[("ANTINCENDIO", "Prevenzione incendi")],
                       docs=[Doc("pdf.p7m", "Progetto di prevenzione incendi del deposito GPL", ("ANTINCENDIO", "Prevenzione incendi")),
                             Doc("pdf", "Relazione tecnica sulle distanze di sicurezza")])],
        form="zip", prot=410050))
    cs.append(Case(
        "06-comunicazione-cessazione-persona-fisica-nessun-ente", person=P["cavalzani"], when=(2026, 5, 11, 16, 20),
        tipo_proc="comunicazione", tipo_int="cessazione",
        oggetto="Comunicazione di cessazione dell'attivita' di casa vacanze in forma non imprenditoriale - Cavalzani Roberto",
        dichiarante=(P["cavalzani"], None), qualifica="TITOLARE",
        impianto=addr("MILANO", "20127", "VIA", "PADOVA", "88"), catasto=[("185", ["77"], ["14"])],
        destinazione="Residenziale",
        moduli=[Modulo("Comunicazione di cessazione casa vacanze (gestione non imprenditoriale)",
                       "CAV_NON_IMPRENDITORIALE_CESSAZIONE",
                       docs=[Doc("pdf", "Copia del documento di identita' del dichiarante")])],
        form="separate", prot=410060))
    cs.append(Case(
        "07-comunicazione-subentro-edicola-polizia", company=C["edicola"], when=(2026, 5, 12, 9, 0),
        tipo_proc="comunicazione", tipo_int="subentro",
        oggetto="Comunicazione di SUBENTRO nell'attivita' di rivendita di quotidiani e periodici - impresa Sarpi Giornali S.n.c.",
        dichiarante=(P["pessinetti"], None), qualifica="LEGALE RAPPRESENTANTE",
        impianto=addr("MILANO", "20154", "VIA", "PAOLO SARPI", "12"),
        disponibilita="Concessione di suolo pubblico", destinazione="Chiosco edicola",
        moduli=[Modulo("Comunicazione di subentro in attivita' di edicola", "EDICOLA_SUBENTRO",
                       enti=["polizia-locale"],
                       docs=[Doc("pdf.p7m", "Atto notarile di cessione d'azienda", ("ATTO", "Titolo di subentro"))])],
        form="zip", prot=410070))
    cs.append(Case(
        "08-silenzio-assenso-insegna-soprintendenza", company=C["ottica"], when=(2026, 5, 13, 12, 10),
        tipo_proc="silenzio-assenso", tipo_int="modifiche",
        oggetto="Autorizzazione all'installazione di insegna su edificio vincolato in Via Solferino 11 - impresa Ottica Solferino S.a.s.",
        dichiarante=(P["rampinelli"], "geom.rampinelli@pec-professionisti.example"), qualifica="PROFESSIONISTA INCARICATO",
        procura="pdf",
        impianto=addr("MILANO", "20121", "VIA", "SOLFERINO", "11"), catasto=[("349", ["126"], ["5"])],
        disponibilita="Locazione", destinazione="Commerciale",
        moduli=[Modulo("Autorizzazione installazione insegna di esercizio su immobile vincolato",
                       "INSEGNA_PUBBLICITARIA_INSTALLAZIONE", enti=["soprintendenza"],
                       docs=[Doc("jpg", "Fotoinserimento dell'insegna sulla facciata"),
                             Doc("pdf", "Bozzetto quotato dell'insegna", ("PROGETTO", "Elaborati progettuali"))])],
        form="zip", prot=410080))
    cs.append(Case(
        "09-ordinario-autorimessa-interrata-multi-enti-integrazione", company=C["residenze"], when=(2026, 5, 14, 15, 45),
        tipo_proc="ordinario", tipo_int="trasformazione",
        oggetto="Realizzazione di autorimessa interrata (48 posti auto) a servizio di edificio commerciale in Via Palmanova 120",
        dichiarante=(P["ghidoni"], "arch.ghidoni@pec-professionisti.example"), qualifica="PROFESSIONISTA INCARICATO",
        procura="pdf.p7m",
        impianto=addr("MILANO", "20132", "VIA", "PALMANOVA", "120"), catasto=[("108", ["412", "413"], ["1"])],
        disponibilita="Proprieta'", destinazione="Commerciale con autorimessa pertinenziale",
        moduli=[
            Modulo("Realizzazione di autorimessa interrata", "AUTORIMESSA_INTERRATA_REALIZZAZIONE",
                   enti=["vigili-del-fuoco", "soprintendenza", "suap"], tipologie=[("EDILIZIA", "Edilizia produttiva")],
                   tracciato=True,
                   docs=[Doc("pdf.p7m", "Progetto di prevenzione incendi dell'autorimessa", ("ANTINCENDIO", "Prevenzione incendi")),
                         Doc("pdf.p7m", "Relazione archeologica preventiva (scavi in area a rischio)"),
                         Doc("jpg.p7m", "Tavola delle sezioni e dei prospetti")]),
            Modulo("Autorizzazione all'apertura di passo carrabile", "PASSO_CARRABILE",
                   enti=["polizia-locale"], docs=[Doc("pdf", "Planimetria dell'accesso carrabile")]),
        ], form="separate", prot=410090,
        integration={"date": "2026-06-03",
                     "testo": "Integrazione documentale richiesta dal Comando Provinciale VVF di Milano (conformazione): "
                              "progetto antincendio aggiornato con impianto di spegnimento automatico.",
                     "docs": [Doc("pdf.p7m", "Progetto di prevenzione incendi aggiornato - impianto sprinkler"),
                              Doc("pdf", "Dichiarazione di conformita' del progettista")]}))
    cs.append(Case(
        "10-scia-casa-vacanze-persona-fisica-polizia", person=P["bregnani"], when=(2026, 5, 15, 10, 0),
        tipo_proc="SCIA", tipo_int="apertura",
        oggetto="SCIA di APERTURA di casa vacanze in forma non imprenditoriale in Via Marghera 18 - Bregnani Sara",
        dichiarante=(P["bregnani"], None), qualifica="TITOLARE",
        impianto=addr("MILANO", "20149", "VIA", "MARGHERA", "18"), catasto=[("290", ["55"], ["21"])],
        disponibilita="Proprieta'", destinazione="Residenziale",
        moduli=[Modulo("SCIA casa vacanze - gestione non imprenditoriale", "CAV_NON_IMPRENDITORIALE_APERTURA",
                       enti=["polizia-locale"], tipologie=[("TURISMO", "Strutture ricettive")],
                       docs=[Doc("pdf", "Planimetria dell'unita' immobiliare"),
                             Doc("pdf", "Dichiarazione di conformita' degli impianti")])],
        form="zip", prot=410100))
    cs.append(Case(
        "11-comunicazione-manifestazione-temporanea-vvf-ats-polizia", company=C["eventi"], when=(2026, 5, 18, 17, 30),
        tipo_proc="comunicazione", tipo_int="altro",
        oggetto="Comunicazione di manifestazione temporanea di pubblico spettacolo (fino a 200 persone) con somministrazione",
        dichiarante=(P["morandotti"], "officina.eventi@pec-imprese.example"), qualifica="LEGALE RAPPRESENTANTE",
        impianto=addr("MILANO", "20144", "VIA", "TORTONA", "27"), catasto=[("500", ["17"], ["4"])],
        disponibilita="Comodato d'uso", destinazione="Spazio espositivo",
        moduli=[
            Modulo("Manifestazione temporanea di pubblico spettacolo", "MANIFESTAZIONE_TEMPORANEA_SPETTACOLO",
                   enti=["vigili-del-fuoco", "polizia-locale"], tipologie=[("SPETTACOLO", "Pubblico spettacolo")],
                   docs=[Doc("pdf.p7m", "Relazione tecnica di un professionista abilitato (art. 141 R.D. 635/1940)"),
                         Doc("pdf", "Piano di emergenza ed evacuazione")]),
            Modulo("Somministrazione temporanea di alimenti e bevande", "SOMMINISTRAZIONE_TEMPORANEA",
                   enti=["ats-milano"], docs=[Doc("pdf", "Notifica sanitaria per attivita' temporanea")]),
        ], form="zip", prot=410110))
    cs.append(Case(
        "12-silenzio-assenso-osp-persona-fisica-solo-suap", person=P["verdolini"], when=(2026, 5, 19, 8, 30),
        tipo_proc="silenzio-assenso", tipo_int="altro",
        oggetto="Occupazione temporanea di suolo pubblico per ponteggio di manutenzione facciata in Corso Lodi 75",
        dichiarante=(P["verdolini"], None), qualifica="TITOLARE",
        impianto=addr("MILANO", "20135", "CORSO", "LODI", "75"),
        moduli=[Modulo("Occupazione temporanea di suolo pubblico", "OSP_TEMPORANEA_PONTEGGIO",
                       enti=["suap"],
                       docs=[Doc("pdf", "Planimetria dell'area occupata con misure del ponteggio")])],
        form="zip", prot=410120))
    cs.append(Case(
        "13-ordinario-laboratorio-dolciario-ats-polizia", company=C["dolciario"], when=(2026, 5, 20, 11, 20),
        tipo_proc="ordinario", tipo_int="apertura",
        oggetto="Apertura di laboratorio di produzione dolciaria con vendita diretta - impresa Laboratorio Dolciario Giambellino S.r.l.",
        dichiarante=(P["casiraghini"], "ing.casiraghini@pec-professionisti.example"), qualifica="PROFESSIONISTA INCARICATO",
        procura="pdf.p7m",
        impianto=addr("MILANO", "20146", "VIA", "GIAMBELLINO", "50"), catasto=[("523", ["240"], ["8"])],
        disponibilita="Locazione", destinazione="Artigianale - laboratorio alimentare",
        moduli=[
            Modulo("Apertura laboratorio alimentare artigianale", "LABORATORIO_ALIMENTARE_APERTURA",
                   enti=["ats-milano"], tipologie=[("SANITA", "Igiene degli alimenti")], tracciato=True,
                   docs=[Doc("pdf.p7m", "Relazione tecnico-sanitaria del laboratorio"),
                         Doc("pdf", "Layout delle linee di produzione")]),
            Modulo("Autorizzazione insegna di esercizio", "INSEGNA_ESERCIZIO",
                   enti=["polizia-locale"], docs=[Doc("jpg", "Fotoinserimento dell'insegna")]),
        ], form="separate", prot=410130))
    return cs


# ---------------------------------------------------------------------------------------------
# Hostile cases
# ---------------------------------------------------------------------------------------------
def hostile_base(folder, comp, when, prot_no, form="zip", extra_docs=()):
    return Case(
        folder, company=C[comp], when=when, tipo_proc="SCIA", tipo_int="apertura",
        oggetto=f"SCIA di APERTURA esercizio di vicinato - impresa {C[comp].ragione}",
        dichiarante=(C[comp].rapp, C[comp].pec), qualifica="LEGALE RAPPRESENTANTE",
        impianto=C[comp].sede, catasto=[("300", ["10"], ["1"])], disponibilita="Locazione", destinazione="Commerciale",
        moduli=[Modulo("SCIA apertura esercizio di vicinato", "VICINATO_APERTURA", enti=["polizia-locale"],
                       docs=[Doc("pdf", "Planimetria dei locali"),
                             Doc("pdf.p7m", "Dichiarazione dei requisiti morali e professionali")] + list(extra_docs))],
        form=form, prot=prot_no)


XXE_DOCTYPE_ENV = '<!DOCTYPE soapenv:Envelope [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
XXE_DOCTYPE_RIEP = '<!DOCTYPE ps:riepilogo-pratica-suap [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
LOL = ('<!DOCTYPE ps:riepilogo-pratica-suap [\n  <!ENTITY lol "lol">\n'
       + "".join(f'  <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
       + "]>\n")


def after_decl(text, insert):
    i = text.index("?>\n") + 3
    return text[:i] + insert + text[i:]


def hostile_cases():
    """Returns list of (case, description, expected_fault, kind, hooks)."""
    H = []
    d = lambda n, hh=9, mi=0: (2026, 6, n, hh, mi)  # noqa: E731

    def add(case, desc, fault, source, **hooks):
        H.append((case, desc, fault, source, hooks))

    add(hostile_base("01-xxe-envelope", "caffe", d(1), 420010),
        "Envelope with DOCTYPE declaring an external entity (file:///etc/passwd) used in testo-comunicazione",
        "DTD", "CXF message, to confirm",
        env=lambda t: after_decl(t, XXE_DOCTYPE_ENV).replace(
            "<testo-comunicazione>", "<testo-comunicazione>&xxe; ", 1))
    add(hostile_base("02-namespace-errato-envelope", "caffe", d(2), 420020),
        "inviaSUAPEnte wrapper in a wrong namespace (.../suap/scrivania/v2)", "inviaSUAPEnte",
        "CXF message, to confirm",
        env=lambda t: t.replace(f'xmlns:scr="{NS_SCR}"', f'xmlns:scr="{NS_SCR}/v2"', 1))
    add(hostile_base("03-protocollo-mancante-envelope", "caffe", d(3), 420030),
        "Mandatory element intestazione/protocollo removed from the envelope", "protocollo",
        "CXF message, to confirm",
        env=lambda t: re.sub(r"\n\s*<protocollo codice-amministrazione=[^\n]*/>", "", t, count=1))
    add(hostile_base("04-codice-fiscale-malformato-envelope", "caffe", d(4), 420040),
        "Envelope impresa/codice-fiscale with 10 digits (violates pi:CodiceFiscale)", "cvc-pattern-valid",
        "CXF message, to confirm", bad_impresa_cf=True)
    add(hostile_base("05-xxe-riepilogo", "ferramenta", d(5), 420050),
        "Riepilogo inside the ZIP with DOCTYPE + external entity (file:///etc/passwd) referenced in a descrizione",
        "XML_DTD_FORBIDDEN", "gateway",
        riep=lambda t: after_decl(t, XXE_DOCTYPE_RIEP).replace(
            "<descrizione>Planimetria dei locali</descrizione>", "<descrizione>&xxe;</descrizione>", 1))
    add(hostile_base("06-billion-laughs-riepilogo", "ferramenta", d(6), 420060),
        "Riepilogo with the billion-laughs entity expansion (lol9 = 10^9 'lol')", "XML_DTD_FORBIDDEN", "gateway",
        riep=lambda t: after_decl(t, LOL).replace(
            "<descrizione>Planimetria dei locali</descrizione>", "<descrizione>&lol9;</descrizione>", 1))
    add(hostile_base("07-codice-fiscale-malformato-riepilogo", "ferramenta", d(7), 420070),
        "Riepilogo dichiarante/codice-fiscale truncated to 15 characters (violates pi:CodiceFiscalePersona)",
        "RIEPILOGO_INVALID", "gateway", rtree={"bad_dich_cf": True})
    add(hostile_base("08-namespace-errato-riepilogo", "ferramenta", d(8), 420080),
        "Riepilogo root riepilogo-pratica-suap in a wrong namespace (.../schema/suap/pratica/v3)",
        "RIEPILOGO_INVALID", "gateway",
        riep=lambda t: t.replace(f'xmlns:ps="{NS_PS}"', f'xmlns:ps="{NS_PS}/v3"', 1))
    add(hostile_base("09-dichiarante-mancante-riepilogo", "ferramenta", d(9), 420090),
        "Riepilogo without the mandatory intestazione/dichiarante", "RIEPILOGO_INVALID", "gateway",
        rtree={"drop_dichiarante": True})
    add(hostile_base("10-zip-bomb-200mb", "panificio", d(10), 420100),
        "ZIP bomb: the declared planimetria PDF is 200,000,000 bytes ('%PDF-1.4' + zeros), ~1000:1 compression",
        "ZIP_COMPRESSION_RATIO", "gateway",
        files=lambda fs: _replace_doc(fs, "Planimetria dei locali", zeros_after(b"%PDF-1.4\n", 200_000_000)))
    add(hostile_base("11-zip-ratio-40mib", "panificio", d(11), 420110),
        "Compression-ratio bomb below the entry-size limit: declared PDF of 40 MiB zeros (~1000:1)",
        "ZIP_COMPRESSION_RATIO", "gateway",
        files=lambda fs: _replace_doc(fs, "Planimetria dei locali", zeros_after(b"%PDF-1.4\n", 40 * MiB)))
    add(hostile_base("12-zip-slip", "panificio", d(12), 420120),
        "ZIP contains an extra entry named ../../evil.pdf (path traversal / zip slip)", "ZIP_PATH_TRAVERSAL", "gateway",
        entries=lambda es: es + [("../../evil.pdf", fake_pdf("zip slip"))])
    add(hostile_base("13-zip-percorso-assoluto", "panificio", d(13), 420130),
        "ZIP contains an extra entry with an absolute path /etc/cron.d/suap-evil", "ZIP_PATH_TRAVERSAL", "gateway",
        entries=lambda es: es + [("/etc/cron.d/suap-evil", b"* * * * * root /bin/true\n")])
    add(hostile_base("14-zip-entry-oltre-50mib", "caffe", d(14), 420140),
        "Declared PDF of 50 MiB + 4 KiB uncompressed; ~13 KB random per MiB so the ratio stays ~75 (< 100)",
        "ZIP_ENTRY_TOO_LARGE", "gateway",
        files=lambda fs: _replace_doc(fs, "Planimetria dei locali", noisy(50 * MiB + 4096, 13000, "oversize")))
    add(hostile_base("15-zip-totale-oltre-200mib", "caffe", d(15), 420150),
        "215 extra entries of 1,000,000 zero bytes each (each < 1 MiB so no per-entry ratio check; total ~205 MiB)",
        "ZIP_TOTAL_TOO_LARGE", "gateway",
        entries=lambda es: es + [(f"extra/blocco-{i:03d}.bin", zeros_after(b"", 1_000_000)) for i in range(1, 216)])
    add(hostile_base("16-zip-troppe-entry", "caffe", d(16), 420160),
        "ZIP with 2500 extra tiny entries (limit 2000)", "ZIP_TOO_MANY_ENTRIES", "gateway",
        entries=lambda es: es + [(f"extra/nota-{i:04d}.txt", b"x") for i in range(1, 2501)], stored=True)
    add(hostile_base("17-zip-non-zip", "ferramenta", d(17), 420170),
        "The .SUAP.zip attachment is a PDF, not a ZIP", "ZIP_INVALID", "gateway",
        zipbytes=lambda zb: fake_pdf("questo non e' un archivio ZIP"))
    add(hostile_base("18-zip-troncato", "ferramenta", d(18), 420180),
        "The .SUAP.zip is truncated in the middle of its first entry (no central directory)", "ZIP_INVALID",
        "gateway", zipbytes=_truncate_zip)
    add(hostile_base("19-file-dichiarato-mancante-zip", "panificio", d(19), 420190),
        "Riepilogo declares a documento-allegato that is not in the ZIP", "FILE_MISSING", "gateway",
        files=lambda fs: _omit_doc(fs, "Dichiarazione dei requisiti morali e professionali"))
    add(hostile_base("20-file-dichiarato-mancante-separato", "panificio", d(20), 420200, form="separate"),
        "Separate allegati: the riepilogo declares a documento-allegato that is not sent as allegato/MIME part",
        "FILE_MISSING", "gateway",
        files=lambda fs: _omit_doc(fs, "Dichiarazione dei requisiti morali e professionali"))
    add(hostile_base("21-swaref-file-etc-passwd", "caffe", d(21), 420210),
        "Extra cooperation allegato whose embedded-file-ref is file:///etc/passwd (not a cid: URI)",
        "ATTACHMENT_MISSING", "gateway",
        allegati=lambda al, cp: al + [{"name": f"{cp}.050.pdf", "desc": "Documento aggiuntivo", "mime": "application/pdf",
                                       "ref": "file:///etc/passwd"}])
    add(hostile_base("22-swaref-cid-senza-parte", "caffe", d(22), 420220),
        "Extra cooperation allegato with embedded-file-ref cid:<name> but no such MIME part", "ATTACHMENT_MISSING",
        "gateway",
        allegati=lambda al, cp: al + [{"name": f"{cp}.051.pdf", "desc": "Documento aggiuntivo", "mime": "application/pdf",
                                       "ref": f"cid:{cp}.051.pdf"}])
    add(hostile_base("23-codice-pratica-diverso", "ferramenta", d(23), 420230),
        "Envelope codice-pratica differs from the riepilogo's (riepilogo time 1001 instead of 0900)",
        "CODICE_PRATICA_MISMATCH", "gateway", cp_riepilogo=True)
    add(hostile_base("24-riepilogo-mancante", "ferramenta", d(24), 420240),
        "ZIP holds every declared file but no .SUAP.xml riepilogo", "RIEPILOGO_MISSING", "gateway",
        entries=lambda es: [e for e in es if not e[0].endswith(".SUAP.xml")])
    return H


def _replace_doc(files, desc, big):
    for f in files:
        if f.get("desc") == desc:
            f["data"] = big
            return
    raise KeyError(desc)


def _omit_doc(files, desc):
    for f in files:
        if f.get("desc") == desc:
            f["omit"] = True
            return
    raise KeyError(desc)


def _truncate_zip(zb):
    # local header of the first entry: 30 bytes + name + extra, then compressed data
    assert zb[:4] == b"PK\x03\x04"
    n = int.from_bytes(zb[26:28], "little")
    e = int.from_bytes(zb[28:30], "little")
    csize = int.from_bytes(zb[18:22], "little")
    return zb[:30 + n + e + csize // 2]


def write_hostile(case, desc, fault, source, hooks):
    folder = os.path.join(HERE, "hostile", case.folder)
    if hooks.get("stored"):
        case.stored_zip = True
    cp_r = None
    if hooks.get("cp_riepilogo"):
        cp_r = case.cp[:-4] + "1001"
    allegati, attachments, files = make_package(
        case, folder, riepilogo_text=hooks.get("riep"), zip_entries_hook=hooks.get("entries"),
        zip_bytes_hook=hooks.get("zipbytes"), files_hook=hooks.get("files"), cp_riepilogo=cp_r,
        riepilogo_name=None, rtree_kwargs={k: (case.dichiarante[0].cf[:15] if k == "bad_dich_cf" else v)
                                           for k, v in (hooks.get("rtree") or {}).items()})
    if hooks.get("allegati"):
        allegati = hooks["allegati"](allegati, case.cp)
    kw = {}
    if hooks.get("bad_impresa_cf"):
        kw["bad_impresa_cf"] = case.company.cf[:10]
    env = first_envelope_text(case, allegati, **kw)
    if hooks.get("env"):
        env = hooks["env"](env)
    write_message(folder, env, attachments)
    with open(os.path.join(folder, "expected-fault.txt"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(fault + "\n")
    return (case.folder, desc, fault, source)


# ---------------------------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------------------------
README_HEAD = """# Scrivania SUAP test data (`PddServiceEnte.inviaSUAPEnte`)

Messages that the InfoCamere "scrivania SUAP" would send to the gateway's SOAP endpoint
`http://127.0.0.1:8080/services/PddServiceEnte` (SOAP 1.1, document/literal, `SOAPAction: "inviaSUAPEnte"`).
Contracts: `schemas/src/main/resources/infocamere/` (`PddServiceEnte.wsdl`, `SUAP-ente-1.1.1.xsd`,
`pratica_suap-2.0.0.xsd`, `impresainungiorno.gov_tipi_elementari-1.0.0.xsd`, `swaref.xsd`).

Everything here is generated by `generate.py` (Python 3 stdlib, deterministic: fixed dates, seeds and ZIP
timestamps) and checked by `tools/ValidateScrivaniaTestData.java`:

    python3 test-data/scrivania/generate.py
    java test-data/scrivania/tools/ValidateScrivaniaTestData.java /work/main    # or the repository root

All persons and companies are invented. Codici fiscali are computed with the official algorithm (valid
check character) from invented surnames; company codici fiscali / partite IVA are seeded random numbers
with a valid check digit. Any match with a real subject is accidental. E-mail domains are `*.example`
/ `example.com` (reserved, RFC 2606), except the real institutional PEC of the VVF command that the
gateway registry also uses.

## Message format

Each case is a folder `valid/NN-slug/` or `hostile/NN-slug/`:

- `envelope.xml` - complete SOAP 1.1 envelope:
  `soapenv:Envelope/soapenv:Body/scr:inviaSUAPEnte/CooperazioneSUAPEnte` (`scr` =
  `http://www.impresainungiorno.gov.it/suap/scrivania`; `CooperazioneSUAPEnte` and all its descendants are
  unqualified, as `elementFormDefault="unqualified"` in the WSDL schema and in SUAP-ente-1.1.1.xsd require).
- `attachments/` - the SOAP-with-Attachments MIME parts. The poster sends `multipart/related` with the
  envelope as root part and every file of `attachments/` as a part with `Content-ID: <file name>`.
  Every cooperation `allegato` has `nome-file` = file name and `embedded-file-ref` = `cid:<file name>`
  (swaRef), plus `mime` and `dimensione` (= real byte size). No `attachments/` folder -> post the envelope
  alone as `text/xml`.
- The pratica package is either
  - **zip**: one allegato `<codice-pratica>.SUAP.zip` (`application/zip`, `cod="SUAP-ZIP"`) holding, at the
    ZIP root, the riepilogo `<codice-pratica>.SUAP.xml` (root `ps:riepilogo-pratica-suap`) first and then every
    file the riepilogo declares (`procura-speciale/@nome-file`, `distinta-modello-attivita/@nome-file`,
    `tracciato-xml/@nome-file`, `documento-allegato/@nome-file`) with exactly those names; or
  - **separate**: allegato `<codice-pratica>.SUAP.xml` (`application/xml`, `cod="SUAP-XML"`) plus one
    allegato per declared file.
- Declared file names follow the xs:pattern facets of pratica_suap-2.0.0.xsd:
  `<codice-pratica>.NNN.MDA.PDF.P7M` (distinta), `<codice-pratica>.NNN.MDA.XML` (tracciato),
  `<codice-pratica>.NNN.pdf|pdf.p7m|jpg|jpg.p7m|svg` (documenti, procura: pdf, pdf.p7m, jpg.p7m). NNN is a
  progressive per pratica (001...); integration documents start at 101. Every riepilogo file element
  carries `mime` (+`mime-base` for `.p7m`) and `dimensione` = real byte size. Fake contents: PDF =
  small `%PDF-1.4` text, `.p7m` = bytes `30 80 06 09 2A 86 48 86 F7 0D 01 07 02 A0 80` + the inner file,
  JPEG = `FF D8 FF E0 ... FF D9`, SVG = tiny SVG, tracciato = tiny XML without DTD.
- `codice-pratica` = `CF-GGMMAAAA-HHMM`, unique per case; the envelope's `codice-pratica` equals the
  riepilogo's `intestazione/codice-pratica`.
- Envelope `intestazione @progressivo="1" @totale="1"`; `suap-competente` = SUAP del Comune di Milano
  (`c_f205` / `SUAP`, identificativo-suap `1234`, codice-catastale `F205`); `ente-destinatario` = "Comune di
  Milano - Geowork" (`c_f205` / `GEOWORK`); `oggetto-pratica` = the riepilogo's oggetto-comunicazione (with
  `@tipo-procedimento`, `@tipo-intervento`); `protocollo-pratica-suap` = SUAP protocol of the pratica;
  `oggetto-comunicazione @tipo-cooperazione="condivisione"`; `testo-comunicazione`; `protocollo` = protocol of
  this message. Numbers: valid case NN uses `protocollo-pratica-suap` 04100N0, `protocollo` +1,
  integration `protocollo` +2; hostile cases use 04200N0 / +1. All `numero-registrazione` are unique.
- Enti consulted = union of `modulo/ente-coinvolto` (`@codice-amministrazione` + `@codice-aoo`) over all moduli,
  matched against the gateway registry: `c_f205/PLMI` polizia-locale, `atsmcm/DIPS` ats-milano,
  `m_bac/SABAP-MI` soprintendenza, `cnvvf/COMMI` vigili-del-fuoco (with `@pec`). An ente-coinvolto equal to the
  SUAP itself (`c_f205/SUAP`) is not consulted (cases 09 and 12 contain one).
- Procedure code = first modulo `@cod`. Simulated answers: ats-milano CONFORMAZIONE if the code contains
  `ACCONCIATORE_APERTURA`; soprintendenza NEGATIVO if `MEDIA_STRUTTURA_VENDITA`; vigili-del-fuoco NEGATIVO if
  `DEPOSITO_GPL`, CONFORMAZIONE if `AUTORIMESSA`; otherwise POSITIVO; round 2 always POSITIVO.
- Integration (`integration/` subfolder, only where an ente answers CONFORMAZIONE): same codice-pratica,
  `@progressivo="2" @totale="2"`, new `protocollo`, `oggetto-comunicazione @tipo-cooperazione="integrazione-documentale"`,
  allegati = the integrated documents (pdf / pdf.p7m), no riepilogo.
- `expected.json` (valid cases): `codicePratica`, `tipoProcedimento`, `tipoIntervento`, `soggetto`
  (`impresa`|`persona-fisica`), `codiceFiscale`, `denominazione` (ragione sociale, or `Cognome Nome`),
  `procedura` (first modulo @cod), `moduli`, `documenti` (files of the pratica other than riepilogo and ZIP),
  `enti`, `entiRound2`, `esitoFinale`, `comunicazioni`.
- `expected-fault.txt` (hostile cases): one line, a case-insensitive substring of the SOAP faultstring.

### Persona fisica in the envelope

`pratica_suap-2.0.0.xsd` lets the riepilogo use `intestazione/richiedente` (ps:AnagraficaPersona) instead of
`impresa`, but `SUAP-ente-1.1.1.xsd` group `RiferimentoPratica` still makes `impresa` (ps:AnagraficaImpresa)
mandatory in the cooperation envelope. For a persona fisica the envelope carries:

```xml
<impresa>
  <forma-giuridica codice="XX">NON PRECISATA - PERSONA FISICA</forma-giuridica>
  <ragione-sociale>Cognome Nome</ragione-sociale>          <!-- same string as expected.json denominazione -->
  <codice-fiscale>16-char personal CF</codice-fiscale>     <!-- pi:CodiceFiscale accepts the 16-char form -->
  <indirizzo>... residenza (stato, provincia, comune, cap, toponimo, via, civico, e-mail, telefono) ...</indirizzo>
  <legale-rappresentante>
    <cognome>Cognome</cognome><nome>Nome</nome><codice-fiscale>same CF</codice-fiscale>
    <carica codice="TI">TITOLARE</carica>
  </legale-rappresentante>
</impresa>
```

(`XX` = "NON PRECISATA" is the only neutral value of the forma-giuridica enumeration; no `partita-iva`, no
`codice-REA`.) The gateway should take the applicant from the riepilogo (`richiedente`) and use the envelope
`impresa` only as a fallback.

"""


def readme(valid_rows, hostile_rows):
    out = [README_HEAD, "## Valid cases\n",
           "| folder | tipo-procedimento | soggetto | moduli | enti | outcome | integration | package |",
           "|---|---|---|---|---|---|---|---|"]
    out += valid_rows
    out += ["", "## Hostile cases\n",
            "Each is otherwise valid (built like a valid case, own codice-pratica and protocol numbers) so that exactly "
            "one defect triggers. Gateway codes come from the gateway's own checks; rows marked *CXF message, to confirm* "
            "are rejected by the SOAP stack (parser / schema validation) before the route, and the substring is a guess.\n",
            "| folder | defect | expected fault | source |", "|---|---|---|---|"]
    out += hostile_rows
    out += ["", """## Notes

- ZIP limits assumed by the hostile ZIPs: > 2000 entries; entry > 50 MiB uncompressed; total > 200 MiB
  uncompressed; an entry expanding more than 100x once past 1 MiB. `10-zip-bomb-200mb` breaks both the ratio
  and the entry-size limit: a streaming check reports the ratio at ~1 MiB, long before 50 MiB (a gateway that
  first trusts the central-directory size would answer `ZIP_ENTRY_TOO_LARGE`). `11-zip-ratio-40mib` breaks
  only the ratio, `14` only the entry size, `15` only the total (it relies on the ratio check being per entry
  and starting past 1 MiB: its entries are 1,000,000 bytes).
- `05`/`06`: the riepilogo is the only defective part; a parser with DTDs disabled must reject it before any
  entity is expanded or resolved.
- `21`/`22`: the extra allegato is not declared by the riepilogo; the pratica itself is complete.
- `23`: the ZIP and the riepilogo entry are named after the envelope's codice-pratica, only the riepilogo's
  `codice-pratica` element (and its declared file names) differ.
- Cross-checked (read only) against the in-progress `PraticaPackageReader`: its ratio check divides by the
  entry's compressed size from the local header (all ZIPs here carry sizes in the local headers, no data
  descriptors), so `10` trips `ZIP_COMPRESSION_RATIO` at ~19.5 MB of output, `11` at ~4 MB, `14` ends at ratio
  ~70; `16`'s filler entries live under `extra/` (the reader uses the base name).
- `21` relies on CXF not following non-`cid:` swaRefs: CXF 4.x opens such URLs only when the system property
  `org.apache.cxf.attachment.xop.follow.urls=true` (default `false`); keep it unset.
- `01`: with DTDs disabled the JAXP message is `DOCTYPE is disallowed ...`; CXF/Woodstox may word it differently
  (hence `DTD`, to confirm against the running endpoint).
- Every case has its own codice-pratica: re-posting a valid case to the same database is answered from the
  stored reply (same codice-pratica + progressivo + protocollo); a new condivisione with the same codice-pratica
  would be refused as already existing.
- Size budget: the largest committed file is `14`'s ZIP (~0.75 MB); the whole folder is ~2.6 MB.

## Schema quirks met

- `SUAP-ente-1.1.1.xsd:125-136`: group `RiferimentoPratica` makes `impresa` (ps:AnagraficaImpresa) mandatory
  although `pratica_suap-2.0.0.xsd:50-53` allows a `richiedente` persona fisica -> see "Persona fisica" above.
- `impresainungiorno.gov_tipi_elementari-1.0.0.xsd:18-20`: pi:CodiceFiscale has two xs:pattern facets in one
  restriction (OR-ed): 11 digits or the 16-char personal form, so a personal CF is valid in AnagraficaImpresa.
- `pratica_suap-2.0.0.xsd:176`: the impresa `codice-fiscale` is optional (pratiche contestuali a ComUnica).
- `SUAP-ente-1.1.1.xsd:107`: `@tipo-cooperazione` is pi:Stringa, not an enumeration: the XSD accepts any value.
- `pratica_suap-2.0.0.xsd:123-131`: every attribute of EstremiEnte (ente-coinvolto) is optional.
- `swaref.xsd:57`: swaRef is a bare xs:anyURI: `file:///etc/passwd` is schema-valid and must be refused in code.
- `SUAP-ente-1.1.1.xsd:176`: TipoFileAllegatoCooperazione is `[\.\dA-Za-z\-]*\.(ext)`: no `_`, no structure check
  (even `.pdf` passes); the riepilogo's file-name patterns are much stricter.
- `SUAP-ente-1.1.1.xsd:33,67`, `pratica_suap-2.0.0.xsd:2863`: `(\d+.)?\d+.\d+` uses an unescaped `.`.
- `pratica_suap-2.0.0.xsd:497`: `dimensione` is xs:positiveInteger (an empty file cannot declare its size).
- `pratica_suap-2.0.0.xsd:150,244`: `residenza` and the impianto `indirizzo` are pi:Indirizzo (no e-mail /
  telefono), while impresa `indirizzo` is pi:IndirizzoConRecapiti.
- `PddServiceEnte.wsdl:9`: the wrapper child is `CooperazioneSUAPEnte` (unqualified, type se:CooperazioneSUAPEnte),
  not the XSD's global element `se:cooperazione-suap-ente`.
"""]
    return "\n".join(out)


def main():
    for sub in ("valid", "hostile"):
        p = os.path.join(HERE, sub)
        if os.path.isdir(p):
            shutil.rmtree(p)
    vrows = []
    for case in valid_cases():
        exp = write_valid(case)
        vrows.append(f"| `{case.folder}` | {case.tipo_proc} | {exp['soggetto']} | {exp['moduli']} | "
                     f"{', '.join(exp['enti']) or '-'} | {exp['esitoFinale']}"
                     f"{' (round 2: ' + ', '.join(exp['entiRound2']) + ')' if exp['entiRound2'] else ''} | "
                     f"{'y' if case.integration else 'n'} | {case.form} |")
    hrows = []
    for (case, desc, fault, source, hooks) in hostile_cases():
        folder, desc, fault, source = write_hostile(case, desc, fault, source, hooks)
        hrows.append(f"| `{folder}` | {desc} | `{fault}` | {source if source != 'gateway' else 'gateway'} |")
    with open(os.path.join(HERE, "README.md"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(readme(vrows, hrows))
    print(f"generated {len(vrows)} valid and {len(hrows)} hostile cases in {HERE}")


if __name__ == "__main__":
    main()
