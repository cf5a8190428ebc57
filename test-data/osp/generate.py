#!/usr/bin/env python3
"""Regenerates the OSP (occupazione di suolo pubblico) test data.

    python3 test-data/osp/generate.py
    python3 test-data/osp/tools/check_zones.py

Writes (deterministically, Python 3 standard library only):
  - config/osp/zone-milano.geojson        sample zones (NOT the Comune's official perimeters)
  - test-data/osp/istanze/NN-slug.json    the GEOPOST "Istanza" of every case (docs/osp-workflow.md §1.1)
  - test-data/osp/istanze/NN-slug.integrazione-K.json   the "Integrazione" sent at the K-th RICHIESTA_INTEGRAZIONE
  - test-data/osp/fixtures/{osapi,ermes,geri,pareri}.json   what the simulators answer
  - test-data/osp/expected.json           computed here by a model of docs/osp-workflow.md §5-§7 (never by hand)
  - test-data/osp/README.md

Everything under istanze/ and fixtures/ is deleted and rebuilt; tools/ is left alone.

All persons and companies are invented. Personal codici fiscali are computed with the official algorithm
from invented names; company codici fiscali / partite IVA are seeded random numbers with the official
check digit. Any match with a real subject is accidental. E-mail domains are `*.example` (RFC 2606).
Coordinates are best-effort approximations of real Milan streets (WGS84, [lon, lat]); the zones are sample
polygons drawn around those places, not the official layers of the Comune or of the Soprintendenza.
"""
import base64
import hashlib
import json
import math
import os
import random
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
ZONES_FILE = os.path.join(ROOT, "config", "osp", "zone-milano.geojson")
ISTANZE_DIR = os.path.join(HERE, "istanze")
FIXTURES_DIR = os.path.join(HERE, "fixtures")

# ---------------------------------------------------------------------------------------------
# Rules (config/osp/regole.yaml, docs/osp-workflow.md §5-§7), mirrored here for the model
# ---------------------------------------------------------------------------------------------
ESENTI = {"FIORIERE", "LAVAGNA_MENU", "PORTABICICLETTE", "CESTINO"}
RICHIEDONO_SCIA = {"TAVOLI", "SEDIE", "PEDANA", "STRUTTURA_LEGGERA", "STRUTTURA_SEMIRIGIDA"}
STRUTTURE = {"STRUTTURA_LEGGERA", "STRUTTURA_SEMIRIGIDA"}
MOTIVI_DINIEGO = ["OSAPI_PRECEDENTI", "SCIA_SOMMINISTRAZIONE", "MOROSITA_CANONE"]
MOTIVI_INTEGRAZIONE = ["ALLEGATI_OBBLIGATORI", "IMPATTO_ACUSTICO"]
CHECK_CODES = ["OSAPI_PRECEDENTI", "VINCOLO_SOPRINTENDENZA", "AREA_MERCATALE", "DECORO_URBANO",
               "ELEMENTI_ESENTI", "IMPATTO_ACUSTICO", "SCIA_SOMMINISTRAZIONE", "MOROSITA_CANONE",
               "ALLEGATI_OBBLIGATORI"]
ZONE_TYPES = ["VINCOLO_SOPRINTENDENZA", "AREA_MERCATALE", "DECORO_URBANO"]
ROUTING = [("soprintendenza", "VINCOLO_SOPRINTENDENZA"), ("mercati", "AREA_MERCATALE"),
           ("arredo-urbano", "DECORO_URBANO")]
ACUSTICA_DEFAULT = {"classeAcustica": "IV", "relazioneRichiesta": False, "condizioni": []}
RADIUS_M = 50.0          # OSAPI / ERMES simulators: "within 50 m" (haversine)
MIN_BORDER_M = 30.0      # every istanza geometry keeps at least this distance from every zone border

# ---------------------------------------------------------------------------------------------
# Geometry: local equirectangular projection (error far below a metre at this scale)
# ---------------------------------------------------------------------------------------------
LAT0 = 45.465
KX = 111320.0 * math.cos(math.radians(LAT0))   # metres per degree of longitude
KY = 111132.0                                  # metres per degree of latitude


def to_xy(lon, lat):
    return ((lon - 9.19) * KX, (lat - LAT0) * KY)


def to_lonlat(x, y):
    return (round(9.19 + x / KX, 7), round(LAT0 + y / KY, 7))


def offset(lon, lat, dx, dy):
    """(lon, lat) moved dx metres east and dy metres north."""
    x, y = to_xy(lon, lat)
    return to_lonlat(x + dx, y + dy)


def haversine(lon1, lat1, lon2, lat2):
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def signed_area(ring):
    pts = [to_xy(*p) for p in ring]
    return sum(pts[i][0] * pts[i + 1][1] - pts[i + 1][0] * pts[i][1] for i in range(len(pts) - 1)) / 2


def close_ccw(pts):
    ring = [list(p) for p in pts]
    if ring[0] != ring[-1]:
        ring.append(list(ring[0]))
    if signed_area(ring) < 0:
        ring = list(reversed(ring))
    return ring


def point_in_ring(lon, lat, ring):
    x, y = to_xy(lon, lat)
    pts = [to_xy(*p) for p in ring]
    inside = False
    for i in range(len(pts) - 1):
        (x1, y1), (x2, y2) = pts[i], pts[i + 1]
        if (y1 > y) != (y2 > y):
            xc = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if xc > x:
                inside = not inside
    return inside


def _seg_point_dist(p, a, b):
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _segs_cross(a, b, c, d):
    def orient(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    return (o1 > 0) != (o2 > 0) and (o3 > 0) != (o4 > 0)


def border_distance(geom_pts, ring):
    """Minimum distance in metres between a point / closed ring and the border of ring (0 if they cross)."""
    z = [to_xy(*p) for p in ring]
    g = [to_xy(*p) for p in geom_pts]
    best = float("inf")
    gsegs = [(g[i], g[i + 1]) for i in range(len(g) - 1)] if len(g) > 1 else []
    for i in range(len(z) - 1):
        for p in g:
            best = min(best, _seg_point_dist(p, z[i], z[i + 1]))
        for a, b in gsegs:
            if _segs_cross(a, b, z[i], z[i + 1]):
                return 0.0
    for p in z:
        for a, b in gsegs:
            best = min(best, _seg_point_dist(p, a, b))
    return best


def is_simple(ring):
    pts = [to_xy(*p) for p in ring]
    n = len(pts) - 1
    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue
            if _segs_cross(pts[i], pts[i + 1], pts[j], pts[j + 1]):
                return False
    return True


def corridor(polyline, half_width_m):
    """Polygon around a polyline (mitred offsets), for streets and canals."""
    pts = [to_xy(*p) for p in polyline]
    n = len(pts)
    normals = []
    for i in range(n - 1):
        dx, dy = pts[i + 1][0] - pts[i][0], pts[i + 1][1] - pts[i][1]
        ln = math.hypot(dx, dy)
        normals.append((-dy / ln, dx / ln))
    left, right = [], []
    for i in range(n):
        if i == 0:
            nx, ny = normals[0]
            k = 1.0
        elif i == n - 1:
            nx, ny = normals[-1]
            k = 1.0
        else:
            ax, ay = normals[i - 1]
            bx, by = normals[i]
            nx, ny = ax + bx, ay + by
            ln = math.hypot(nx, ny)
            nx, ny = nx / ln, ny / ln
            k = 1.0 / (nx * ax + ny * ay)
        w = half_width_m * k
        left.append(to_lonlat(pts[i][0] + nx * w, pts[i][1] + ny * w))
        right.append(to_lonlat(pts[i][0] - nx * w, pts[i][1] - ny * w))
    return close_ccw(right + list(reversed(left)))


def along(lon, lat, bearing_deg, dist_m):
    b = math.radians(bearing_deg)
    return offset(lon, lat, dist_m * math.sin(b), dist_m * math.cos(b))


def footprint(lon, lat, w, h, angle_deg=0.0):
    """Rectangle w x h metres centred on the point, rotated angle_deg counter-clockwise from east."""
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    x0, y0 = to_xy(lon, lat)
    corners = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    return close_ccw([to_lonlat(x0 + cx * ca - cy * sa, y0 + cx * sa + cy * ca) for cx, cy in corners])


def ring_area_m2(ring):
    return abs(signed_area(ring))


# ---------------------------------------------------------------------------------------------
# Zones (sample polygons placed on real places; coordinates from best knowledge, approximate)
# ---------------------------------------------------------------------------------------------
NOTA = "poligono di esempio, non è il perimetro ufficiale"

# Reference points (approximate)
P_BMARCELLO_MERCATO = (9.20909, 45.48195)   # Via Benedetto Marcello, tratto via Vitruvio - via Scarlatti
BMARCELLO_BEARING = 35.0                     # the street runs NE-SW, parallel to Corso Buenos Aires
PAPINIANO_LINE = [(9.1682, 45.4598), (9.17007, 45.4581), (9.1738, 45.4556)]   # p.za Sant'Agostino -> p.le Cantore
NAVIGLIO_GRANDE_LINE = [(9.1772, 45.45325), (9.1747, 45.45227), (9.1717, 45.4511), (9.1687, 45.4499),
                        (9.1662, 45.4489)]                                         # Darsena -> via Valenza
CORSO_VE_LINE = [(9.1944, 45.46497), (9.19524, 45.46535), (9.1966, 45.4660)]    # p.za Duomo -> San Babila

ZONES = [
    {"id": "VS-DUOMO", "nome": "Piazza del Duomo e Cattedrale", "tipo": "VINCOLO_SOPRINTENDENZA",
     "dove": "piazza del Duomo, Duomo, Palazzo Reale (lato piazza), imbocco della Galleria",
     "ring": close_ccw([(9.1876, 45.4628), (9.1905, 45.4622), (9.1936, 45.4626), (9.1938, 45.4650),
                        (9.1922, 45.4659), (9.1890, 45.4660), (9.1874, 45.4652)])},
    {"id": "DU-DUOMO", "nome": "Piazza del Duomo e Galleria Vittorio Emanuele II", "tipo": "DECORO_URBANO",
     "dove": "lato nord e ovest di piazza del Duomo e Galleria fino a piazza della Scala",
     "ring": close_ccw([(9.1878, 45.4635), (9.1906, 45.4635), (9.1906, 45.4662), (9.1912, 45.4673),
                        (9.1888, 45.4674), (9.1884, 45.4662), (9.1876, 45.4648)])},
    {"id": "DU-CORSOVE", "nome": "Corso Vittorio Emanuele II", "tipo": "DECORO_URBANO",
     "dove": "il corso pedonale da dietro il Duomo a piazza San Babila",
     "ring": corridor(CORSO_VE_LINE, 40)},
    {"id": "VS-BRERA", "nome": "Brera - via Brera e via Fiori Chiari", "tipo": "VINCOLO_SOPRINTENDENZA",
     "dove": "Palazzo di Brera, via Brera, via Fiori Chiari, via Madonnina",
     "ring": close_ccw([(9.1836, 45.4702), (9.1872, 45.4698), (9.1902, 45.4704), (9.1903, 45.4736),
                        (9.1868, 45.4742), (9.1838, 45.4737)])},
    {"id": "VS-SANTAMBROGIO", "nome": "Piazza Sant'Ambrogio e Basilica", "tipo": "VINCOLO_SOPRINTENDENZA",
     "dove": "basilica di Sant'Ambrogio e piazza antistante",
     "ring": close_ccw([(9.1738, 45.4611), (9.1781, 45.4609), (9.1784, 45.4638), (9.1758, 45.4643),
                        (9.1736, 45.4636)])},
    {"id": "VS-DARSENA", "nome": "Darsena e avvio del Naviglio Pavese", "tipo": "VINCOLO_SOPRINTENDENZA",
     "dove": "bacino della Darsena tra viale D'Annunzio e viale Gorizia, primo tratto del Naviglio Pavese",
     "ring": close_ccw([(9.1745, 45.4546), (9.1790, 45.4542), (9.1813, 45.4536), (9.1814, 45.4520),
                        (9.1809, 45.4512), (9.1808, 45.4470), (9.1780, 45.4470), (9.1781, 45.4508),
                        (9.1760, 45.4512), (9.1744, 45.4508), (9.1743, 45.4530)])},
    {"id": "DU-NAVIGLI", "nome": "Navigli - primo tratto dell'Alzaia Naviglio Grande", "tipo": "DECORO_URBANO",
     "dove": "Naviglio Grande dalla Darsena a via Valenza, alzaia e Ripa di Porta Ticinese",
     "ring": corridor(NAVIGLIO_GRANDE_LINE, 60)},
    {"id": "DU-CORSOCOMO", "nome": "Corso Como e Piazza Gae Aulenti", "tipo": "DECORO_URBANO",
     "dove": "corso Como da piazza XXV Aprile alla stazione Garibaldi, piazza Gae Aulenti",
     "ring": close_ccw([(9.1858, 45.4806), (9.1890, 45.4806), (9.1912, 45.4828), (9.1912, 45.4852),
                        (9.1880, 45.4853), (9.1862, 45.4838)])},
    {"id": "AM-PAPINIANO", "nome": "Mercato di viale Papiniano", "tipo": "AREA_MERCATALE",
     "dove": "viale Papiniano tra piazza Sant'Agostino e piazzale Cantore (mercato del martedì e del sabato)",
     "ring": corridor(PAPINIANO_LINE, 45)},
    {"id": "AM-BMARCELLO", "nome": "Mercato di via Benedetto Marcello", "tipo": "AREA_MERCATALE",
     "dove": "via Benedetto Marcello, tratto via Vitruvio - via Scarlatti (mercato del martedì e del sabato)",
     "ring": corridor([along(*P_BMARCELLO_MERCATO, BMARCELLO_BEARING, -230),
                       along(*P_BMARCELLO_MERCATO, BMARCELLO_BEARING, 170)], 45)},
    {"id": "AM-WAGNER", "nome": "Piazza Wagner - mercato comunale coperto", "tipo": "AREA_MERCATALE",
     "dove": "piazza Wagner, mercato coperto e sagrato di San Pietro in Sala",
     "ring": close_ccw([(9.1553, 45.4669), (9.1580, 45.4668), (9.1585, 45.4685), (9.1566, 45.4691),
                        (9.1550, 45.4682)])},
]
ZONE_BY_ID = {z["id"]: z for z in ZONES}

# ---------------------------------------------------------------------------------------------
# Codice fiscale / partita IVA
# ---------------------------------------------------------------------------------------------
_ODD = dict(zip("0123456789", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]))
_ODD.update(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]))
_EVEN = {c: int(c) for c in "0123456789"}
_EVEN.update({c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")})
_MONTHS = "ABCDEHLMPRST"


def _letters(s):
    s = re.sub(r"[^A-Z]", "", s.upper())
    return [c for c in s if c not in "AEIOU"], [c for c in s if c in "AEIOU"]


def cf_check(cf15):
    return chr(ord("A") + sum((_ODD if i % 2 == 0 else _EVEN)[c] for i, c in enumerate(cf15)) % 26)


def codice_fiscale(cognome, nome, sesso, nascita, belfiore="F205"):
    c, v = _letters(cognome)
    sur = "".join(c + v + ["X"] * 3)[:3]
    c, v = _letters(nome)
    nam = (c[0] + c[2] + c[3]) if len(c) >= 4 else "".join(c + v + ["X"] * 3)[:3]
    y, m, d = nascita.split("-")
    cf15 = f"{sur}{nam}{y[2:]}{_MONTHS[int(m) - 1]}{int(d) + (40 if sesso == 'F' else 0):02d}{belfiore}"
    return cf15 + cf_check(cf15)


def piva_check(d10):
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
assert "0119925015" + piva_check("0119925015") == "01199250158"   # Comune di Milano

_RNG = random.Random(20260501)


def new_piva(prefix=""):
    """11 digits: matricola (7) + ufficio 015 (Milano) + check digit; prefix '9' style for associations."""
    while True:
        body = prefix + "".join(str(_RNG.randint(0, 9)) for _ in range(7 - len(prefix)))
        if body.strip("0"):
            d10 = body + "015"
            return d10 + piva_check(d10)


CF_RE = re.compile(r"^([0-9]{11}|[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z])$")

# ---------------------------------------------------------------------------------------------
# Fake attachments
# ---------------------------------------------------------------------------------------------


def fake_pdf(label):
    body = (f"%PDF-1.4\n% suap-gateway test data - documento fittizio\n% {label}\n"
            "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
            "trailer << /Root 1 0 R >>\n%%EOF\n")
    return body.encode("utf-8")


def fake_jpg(label):
    text = label.encode("utf-8")
    filler = bytes((i * 37 + len(text)) % 251 for i in range(256))
    return (bytes([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            + b"\xFF\xFE" + (len(text) + 2).to_bytes(2, "big") + text
            + b"\xFF\xDB\x00\x43\x00" + filler[:64] + b"\xFF\xDA\x00\x08" + filler[64:] + b"\xFF\xD9")


NOME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,199}$")


def allegato(tipo, nome, label):
    assert NOME_RE.match(nome), nome
    if nome.endswith(".pdf"):
        data, mime = fake_pdf(label), "application/pdf"
    elif nome.endswith(".jpg"):
        data, mime = fake_jpg(label), "image/jpeg"
    else:
        raise ValueError(nome)
    return {"tipo": tipo, "nome": nome, "mimeType": mime, "sha256": hashlib.sha256(data).hexdigest(),
            "contenuto": base64.b64encode(data).decode("ascii")}


def default_allegati(case):
    """Mandatory + usual allegati for a case, minus the ones the case leaves out."""
    den = case["soggetto"][1]
    out = [("PLANIMETRIA", "planimetria-occupazione.pdf", f"Planimetria dell'occupazione - {case['indirizzo']}"),
           ("DOCUMENTO_IDENTITA", "documento-identita-legale-rappresentante.pdf",
            f"Documento d'identita del legale rappresentante di {den}")]
    if case["tipo"] == "NUOVA":
        out.append(("FOTO", "foto-stato-di-fatto.jpg", f"Foto dello stato di fatto - {case['indirizzo']}"))
    if any(t in STRUTTURE for t, _ in case["elementi"]):
        out.append(("RELAZIONE_TECNICA", "relazione-tecnica-struttura.pdf",
                    f"Relazione tecnica e calcolo della struttura - {den}"))
    ac = case.get("acustica")
    if ac and ac["relazioneRichiesta"]:
        out.append(("RELAZIONE_ACUSTICA", "relazione-previsionale-impatto-acustico.pdf",
                    f"Relazione previsionale di impatto acustico - {den}"))
    out += case.get("allegatiExtra", [])
    omit = set(case.get("omit", []))
    return [allegato(*a) for a in out if a[0] not in omit]


# ---------------------------------------------------------------------------------------------
# Italian texts used by several simulated enti
# ---------------------------------------------------------------------------------------------
PL_PASSAGGIO = "Lasciare libero un passaggio pedonale di almeno 2 m"


def pos(*prescrizioni):
    return {"esito": "positivo", "prescrizioni": list(prescrizioni), "integrazioni": []}


def conf(prescrizioni=(), integrazioni=()):
    return {"esito": "conformazione", "prescrizioni": list(prescrizioni), "integrazioni": list(integrazioni)}


def neg(motivazione):
    return {"esito": "negativo", "prescrizioni": [], "integrazioni": [], "motivazione": motivazione}


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------
# A case: what the applicant files (istanza + integrazioni) and what the simulated systems hold about it.
# Fixture positions are given in metres from the istanza point (dx east, dy north); `cf` in a fixture entry
# means "another business" (a distractor that the simulators must filter out by codiceFiscale).
STAGIONE = ("STAGIONALE", "2026-04-15", "2026-10-15")
ESTATE = ("STAGIONALE", "2026-05-01", "2026-10-31")
SCIA_OK = [{"stato": "EFFICACE", "data": "2023-03-14", "dx": 3, "dy": 2}]


def osapi_attiva(dx=3, dy=1, scadenza="2026-12-31"):
    return [{"stato": "ATTIVA", "scadenza": scadenza, "dx": dx, "dy": dy}]


CASES = [
    dict(nn=1, slug="duomo-dehors-due-zone-prescrizioni",
         covers="NUOVA, STAGIONALE, poligono in due zone (vincolo + decoro: piazza del Duomo); soprintendenza "
                "conformazione con sole prescrizioni, arredo e polizia positivi con prescrizioni -> concessione "
                "con prescrizioni",
         tipo="NUOVA", soggetto=("company", "Caffè Portici del Duomo S.r.l."),
         indirizzo="Piazza del Duomo 21", municipio=1, punto=(9.1894, 45.4647), zone={"VS-DUOMO", "DU-DUOMO"},
         poligono=(8, 4, 0), elementi=[("TAVOLI", 8), ("SEDIE", 24), ("OMBRELLONI", 4)], superficie=32,
         periodo=STAGIONE, scia=SCIA_OK,
         pareri={"soprintendenza": {1: conf(["Ombrelloni a telo unico in tessuto color écru, senza scritte "
                                             "pubblicitarie", "Arredi in metallo verniciato grigio antracite; "
                                             "esclusi arredi in plastica"])},
                 "arredo-urbano": {1: pos("Modello di ombrellone conforme al Piano dell'arredo urbano del centro "
                                          "storico (telo quadrato, palo centrale)")},
                 "polizia-locale": {1: pos(PL_PASSAGGIO + " lungo i portici settentrionali")}}),
    dict(nn=2, slug="corso-como-positivo-senza-rilievi",
         covers="NUOVA, PERMANENTE, poligono in zona decoro (corso Como); ERMES chiede la relazione acustica ed "
                "e presente; occupazione ATTIVA di un'altra impresa nello stesso punto (da ignorare) -> "
                "concessione senza rilievi",
         tipo="NUOVA", soggetto=("company", "Bistrot Porta Comasina S.r.l."),
         indirizzo="Corso Como 9", municipio=9, punto=(9.1874, 45.4818), zone={"DU-CORSOCOMO"},
         poligono=(6, 3.5, 90), elementi=[("TAVOLI", 5), ("SEDIE", 10)], superficie=21,
         periodo=("PERMANENTE", "2026-05-01", None), scia=SCIA_OK,
         acustica={"classeAcustica": "IV", "relazioneRichiesta": True,
                   "condizioni": ["Nessuna diffusione sonora all'esterno del locale",
                                  "Ritiro degli arredi entro le ore 24:00"]},
         osapi=[{"stato": "ATTIVA", "scadenza": "2027-03-31", "dx": 2, "dy": 1, "cf": "other"}]),
    dict(nn=3, slug="sarpi-rinnovo-positivo-senza-rilievi",
         covers="RINNOVO con precedente SCADUTA (PASS), ditta individuale (CF di 16 caratteri), PERMANENTE, "
                "fuori da ogni zona -> concessione senza rilievi",
         tipo="RINNOVO", soggetto=("person", "Gelateria Sarpi di Ferraresi Marta", ("Ferraresi", "Marta", "F", "1984-07-12")),
         indirizzo="Via Paolo Sarpi 22", municipio=8, punto=(9.1738, 45.4791), zone=set(),
         elementi=[("TAVOLI", 3), ("SEDIE", 6)], superficie=9, periodo=("PERMANENTE", "2026-03-01", None),
         scia=SCIA_OK, osapi=[{"stato": "SCADUTA", "scadenza": "2025-12-31", "dx": 4, "dy": 0}],
         geri={"moroso": False, "importoScaduto": 0.00, "annualita": []}, pec=True),
    dict(nn=4, slug="darsena-ripa-due-zone-integrazione-soprintendenza",
         covers="NUOVA in due zone (Darsena vincolata + Navigli decoro), relazione acustica richiesta e presente; "
                "soprintendenza conformazione con integrazioni -> integrazione, round 2 solo soprintendenza -> "
                "positivo con prescrizioni",
         tipo="NUOVA", soggetto=("company", "Osteria della Ripa S.r.l."),
         indirizzo="Ripa di Porta Ticinese 7", municipio=6, punto=(9.1757, 45.45282),
         zone={"VS-DARSENA", "DU-NAVIGLI"},
         elementi=[("TAVOLI", 6), ("SEDIE", 18), ("OMBRELLONI", 3), ("PEDANA", 1)], superficie=28,
         periodo=STAGIONE, scia=SCIA_OK,
         acustica={"classeAcustica": "IV", "relazioneRichiesta": True,
                   "condizioni": ["Chiusura del dehors entro le ore 24:00", "Nessuna diffusione sonora all'esterno"]},
         pareri={"soprintendenza": {1: conf(integrazioni=["Fotoinserimento del dehors sul fronte della Darsena",
                                                          "Campionatura dei materiali della pedana"]),
                                    2: pos("Pedana in legno di larice naturale, altezza massima 15 cm")},
                 "arredo-urbano": {1: pos()}},
         integrazioni=[[("ALTRO", "fotoinserimento-dehors-darsena.pdf", "Fotoinserimento del dehors sul fronte della Darsena"),
                        ("FOTO", "campionatura-pedana.jpg", "Campionatura dei materiali della pedana")]]),
    dict(nn=5, slug="papiniano-mercato-negativo",
         covers="NUOVA TEMPORANEA in area mercatale (viale Papiniano), solo espositori e ombrelloni (SCIA non "
                "richiesta); Ufficio Mercati negativo -> diniego",
         tipo="NUOVA", soggetto=("company", "Fiori di Porta Genova S.n.c."),
         indirizzo="Viale Papiniano 36", municipio=6, punto=(9.17007, 45.4581), zone={"AM-PAPINIANO"},
         elementi=[("ESPOSITORE", 3), ("OMBRELLONI", 1)], superficie=9,
         periodo=("TEMPORANEA", "2026-05-02", "2026-05-31"),
         pareri={"mercati": {1: neg("L'area richiesta ricade nei posteggi del mercato settimanale di viale "
                                    "Papiniano (martedì e sabato): l'occupazione interferirebbe con i banchi del "
                                    "mercato e con i percorsi di esodo.")}}),
    dict(nn=6, slug="benedetto-marcello-prescrizioni-mercati",
         covers="NUOVA, poligono in area mercatale (via Benedetto Marcello); Mercati conformazione con sole "
                "prescrizioni (non e un'integrazione) -> concessione con prescrizioni",
         tipo="NUOVA", soggetto=("company", "Caffè Vitruvio S.r.l."),
         indirizzo="Via Benedetto Marcello 42", municipio=3,
         punto=along(*P_BMARCELLO_MERCATO, BMARCELLO_BEARING, -40), zone={"AM-BMARCELLO"},
         poligono=(7, 4, 90 - BMARCELLO_BEARING), elementi=[("TAVOLI", 4), ("SEDIE", 8), ("OMBRELLONI", 2)],
         superficie=28, periodo=("STAGIONALE", "2026-04-01", "2026-09-30"), scia=SCIA_OK,
         pareri={"mercati": {1: conf(["Rimozione completa di tavoli e ombrelloni il martedì e il sabato entro le "
                                      "ore 6:30, per lo svolgimento del mercato",
                                      "Nessun ancoraggio al suolo del parterre"])}}),
    dict(nn=7, slug="wagner-rinnovo-integrazione-mercati",
         covers="RINNOVO con precedente ATTIVA, PERMANENTE, area mercatale (piazza Wagner); Mercati chiede "
                "integrazioni -> round 2 solo Mercati, conformazione con sole prescrizioni -> concessione",
         tipo="RINNOVO", soggetto=("company", "Pasticceria San Pietro in Sala S.r.l."),
         indirizzo="Piazza Wagner 4", municipio=7, punto=(9.1567, 45.4678), zone={"AM-WAGNER"},
         elementi=[("TAVOLI", 4), ("SEDIE", 8)], superficie=14, periodo=("PERMANENTE", "2026-07-01", None),
         scia=SCIA_OK, osapi=osapi_attiva(scadenza="2026-06-30"),
         pareri={"mercati": {1: conf(integrazioni=["Planimetria quotata con le distanze dagli accessi del mercato "
                                                   "comunale coperto"]),
                             2: conf(["Mantenere sgombro l'accesso carrabile del mercato coperto dalle 5:00 alle "
                                      "8:00"])}},
         integrazioni=[[("PLANIMETRIA", "planimetria-quotata-rev1.pdf",
                         "Planimetria quotata con le distanze dagli accessi del mercato coperto")]]),
    dict(nn=8, slug="via-padova-carreggiata-prescrizioni-mobilita",
         covers="NUOVA fuori zona con occupazione della carreggiata (pedana sugli stalli di sosta); Mobilita "
                "conformazione con sole prescrizioni (corsia ciclabile) -> concessione",
         tipo="NUOVA", soggetto=("person", "Osteria del Trotter di Colombo Davide", ("Colombo", "Davide", "M", "1979-11-03")),
         indirizzo="Via Padova 36", municipio=2, punto=(9.2190, 45.4872), zone=set(), carreggiata=True,
         elementi=[("PEDANA", 1), ("TAVOLI", 4), ("SEDIE", 8)], superficie=18, periodo=ESTATE, scia=SCIA_OK,
         pareri={"mobilita": {1: conf(["Pedana sugli stalli di sosta con delimitazione catarifrangente e distanza "
                                       "minima di 1 m dalla corsia ciclabile"])},
                 "polizia-locale": {1: pos(PL_PASSAGGIO + " sul marciapiede")}}),
    dict(nn=9, slug="ventidue-marzo-carreggiata-negativo-mobilita",
         covers="NUOVA fuori zona in carreggiata; Mobilita negativo (corsia ciclabile e fermata) -> diniego",
         tipo="NUOVA", soggetto=("company", "Pizzeria Porta Vittoria S.r.l."),
         indirizzo="Corso XXII Marzo 19", municipio=4, punto=(9.2140, 45.4630), zone=set(), carreggiata=True,
         elementi=[("PEDANA", 1), ("TAVOLI", 6), ("SEDIE", 12)], superficie=24, periodo=ESTATE, scia=SCIA_OK,
         pareri={"mobilita": {1: neg("La pedana occuperebbe la corsia ciclabile e l'area della fermata del "
                                     "trasporto pubblico: occupazione della carreggiata non compatibile con la "
                                     "circolazione.")}}),
    dict(nn=10, slug="san-gottardo-scia-assente-negativo",
         covers="NUOVA fuori zona con tavoli e sedie, nessuna SCIA di somministrazione in ERMES -> "
                "SCIA_SOMMINISTRAZIONE FAIL -> diniego",
         tipo="NUOVA", soggetto=("company", "Bar Ticinese S.r.l."),
         indirizzo="Corso San Gottardo 21", municipio=5, punto=(9.1836, 45.4445), zone=set(),
         elementi=[("TAVOLI", 3), ("SEDIE", 6)], superficie=8, periodo=("PERMANENTE", "2026-04-01", None)),
    dict(nn=11, slug="brera-rinnovo-scia-sospesa-negativo",
         covers="RINNOVO in zona vincolata (via Fiori Chiari): la sua SCIA e SOSPESA, quella EFFICACE accanto e di "
                "un'altra impresa -> SCIA FAIL -> diniego (soprintendenza comunque consultata)",
         tipo="RINNOVO", soggetto=("company", "Enoteca Fiori Chiari S.r.l."),
         indirizzo="Via Fiori Chiari 8", municipio=1, punto=(9.1862, 45.4722), zone={"VS-BRERA"},
         elementi=[("TAVOLI", 4), ("SEDIE", 8), ("OMBRELLONI", 2)], superficie=14,
         periodo=("PERMANENTE", "2026-04-01", None), osapi=osapi_attiva(),
         scia=[{"stato": "SOSPESA", "data": "2021-09-20", "dx": 2, "dy": 0},
               {"stato": "EFFICACE", "data": "2022-02-11", "dx": 5, "dy": -3, "cf": "other"}],
         pareri={"soprintendenza": {1: pos()}}),
    dict(nn=12, slug="porta-romana-moroso-negativo",
         covers="NUOVA fuori zona, ditta individuale morosa sul canone (GERI) -> MOROSITA_CANONE FAIL -> diniego",
         tipo="NUOVA", soggetto=("person", "Caffetteria Crocetta di Brambilla Chiara", ("Brambilla", "Chiara", "F", "1990-02-25")),
         indirizzo="Corso di Porta Romana 90", municipio=1, punto=(9.1968, 45.4574), zone=set(),
         elementi=[("TAVOLI", 2), ("SEDIE", 4)], superficie=5, periodo=STAGIONE, scia=SCIA_OK,
         geri={"moroso": True, "importoScaduto": 1250.00, "annualita": ["2025"]}),
    dict(nn=13, slug="corso-ve-rinnovo-moroso-negativo",
         covers="RINNOVO in zona decoro (corso Vittorio Emanuele II), moroso per due annualita -> diniego "
                "(arredo urbano consultato, positivo)",
         tipo="RINNOVO", soggetto=("company", "Gelateria del Corso S.r.l."),
         indirizzo="Corso Vittorio Emanuele II 15", municipio=1, punto=(9.19524, 45.46535), zone={"DU-CORSOVE"},
         elementi=[("TAVOLI", 3), ("SEDIE", 6), ("FIORIERE", 2)], superficie=10,
         periodo=("PERMANENTE", "2026-03-01", None), osapi=osapi_attiva(), scia=SCIA_OK,
         geri={"moroso": True, "importoScaduto": 3480.50, "annualita": ["2024", "2025"]},
         pareri={"arredo-urbano": {1: pos()}}),
    dict(nn=14, slug="isola-rinnovo-senza-concessione-negativo",
         covers="RINNOVO senza alcuna concessione precedente in OSAPI -> OSAPI_PRECEDENTI FAIL -> diniego",
         tipo="RINNOVO", soggetto=("company", "Birreria Borsieri S.r.l."),
         indirizzo="Via Pietro Borsieri 14", municipio=9, punto=(9.1885, 45.4893), zone=set(),
         elementi=[("TAVOLI", 4), ("SEDIE", 8)], superficie=12, periodo=("PERMANENTE", "2026-04-01", None),
         scia=SCIA_OK),
    dict(nn=15, slug="piazzetta-reale-adeguamento-revocata-negativo",
         covers="ADEGUAMENTO_STRAORDINARIA in zona vincolata (solo vincolo): l'unica concessione precedente e "
                "REVOCATA -> OSAPI_PRECEDENTI FAIL -> diniego",
         tipo="ADEGUAMENTO_STRAORDINARIA", soggetto=("company", "Caffè Piazzetta Reale S.r.l."),
         indirizzo="Piazzetta Reale 1", municipio=1, punto=(9.1914, 45.4633), zone={"VS-DUOMO"},
         elementi=[("TAVOLI", 4), ("SEDIE", 8), ("RISCALDATORI", 2)], superficie=14, periodo=STAGIONE,
         scia=SCIA_OK, osapi=[{"stato": "REVOCATA", "scadenza": "2026-06-30", "dx": 3, "dy": 0}],
         pareri={"soprintendenza": {1: pos()}}),
    dict(nn=16, slug="brera-nuova-con-attiva-warn",
         covers="NUOVA con una occupazione ATTIVA della stessa impresa a pochi metri -> OSAPI_PRECEDENTI WARN "
                "(prosegue), poligono in zona vincolata; soprintendenza conformazione con sole prescrizioni -> "
                "concessione",
         tipo="NUOVA", soggetto=("company", "Ristorante Pinacoteca S.r.l."),
         indirizzo="Via Brera 14", municipio=1, punto=(9.1876, 45.4710), zone={"VS-BRERA"},
         poligono=(5, 3, 90), elementi=[("TAVOLI", 3), ("SEDIE", 6)], superficie=15, periodo=STAGIONE,
         scia=SCIA_OK, osapi=osapi_attiva(dx=6, dy=-2),
         pareri={"soprintendenza": {1: conf(["Arredi e ombrelloni nei colori del piano del colore di Brera "
                                             "(toni neutri, niente colori saturi)"])}}),
    dict(nn=17, slug="galleria-adeguamento-positivo",
         covers="ADEGUAMENTO_STRAORDINARIA con concessione ATTIVA, solo zona decoro (Galleria verso la Scala); "
                "arredo urbano positivo con prescrizioni -> concessione",
         tipo="ADEGUAMENTO_STRAORDINARIA", soggetto=("company", "Caffè Ottagono S.r.l."),
         indirizzo="Galleria Vittorio Emanuele II 12", municipio=1, punto=(9.1898, 45.4666), zone={"DU-DUOMO"},
         elementi=[("TAVOLI", 6), ("SEDIE", 12)], superficie=20, periodo=("PERMANENTE", "2026-06-01", None),
         scia=SCIA_OK, osapi=osapi_attiva(),
         pareri={"arredo-urbano": {1: pos("Tavoli e sedie del modello già autorizzato per la Galleria (metallo "
                                          "nero e seduta in paglia di Vienna)")}},
         senza_poligono=True),
    dict(nn=18, slug="sempione-foto-mancante-integrazione",
         covers="NUOVA fuori zona senza FOTO -> ALLEGATI_OBBLIGATORI FAIL -> integrazione; l'integrazione porta la "
                "foto, round 2 senza enti (nessuno aveva chiesto) -> concessione",
         tipo="NUOVA", soggetto=("company", "Panetteria Arco della Pace S.r.l."),
         indirizzo="Corso Sempione 36", municipio=8, punto=(9.1640, 45.4813), zone=set(),
         elementi=[("TAVOLI", 2), ("SEDIE", 4), ("LAVAGNA_MENU", 1)], superficie=6, periodo=STAGIONE,
         scia=SCIA_OK, omit=["FOTO"],
         integrazioni=[[("FOTO", "foto-stato-di-fatto.jpg", "Foto dello stato di fatto - Corso Sempione 36")]]),
    dict(nn=19, slug="pavese-struttura-allegati-e-soprintendenza",
         covers="NUOVA con struttura leggera nel primo tratto del Naviglio Pavese (vincolo): mancano RELAZIONE_TECNICA "
                "e DOCUMENTO_IDENTITA e la soprintendenza chiede integrazioni -> lista unica; round 2 solo "
                "soprintendenza, conformazione con prescrizioni -> concessione",
         tipo="NUOVA", soggetto=("company", "Trattoria Alzaia Pavese S.r.l."),
         indirizzo="Alzaia Naviglio Pavese 2", municipio=6, punto=(9.1793, 45.4495), zone={"VS-DARSENA"},
         elementi=[("STRUTTURA_LEGGERA", 1), ("TAVOLI", 6), ("SEDIE", 18)], superficie=36, periodo=ESTATE,
         scia=SCIA_OK, omit=["RELAZIONE_TECNICA", "DOCUMENTO_IDENTITA"],
         pareri={"soprintendenza": {1: conf(integrazioni=["Prospetti e sezioni della struttura leggera in scala 1:50",
                                                          "Scheda tecnica dei materiali di copertura"]),
                                    2: conf(["Copertura in telo chiaro non riflettente; struttura in acciaio "
                                             "verniciato grigio ferro micaceo"])}},
         integrazioni=[[("RELAZIONE_TECNICA", "relazione-tecnica-struttura.pdf", "Relazione tecnica della struttura leggera"),
                        ("DOCUMENTO_IDENTITA", "documento-identita-legale-rappresentante.pdf", "Documento d'identita del legale rappresentante"),
                        ("ALTRO", "prospetti-sezioni-1-50.pdf", "Prospetti e sezioni della struttura in scala 1:50"),
                        ("ALTRO", "scheda-tecnica-copertura.pdf", "Scheda tecnica dei materiali di copertura")]]),
    dict(nn=20, slug="navigli-relazione-acustica-mancante",
         covers="NUOVA sull'Alzaia Naviglio Grande (decoro): ERMES chiede la relazione acustica, assente -> "
                "IMPATTO_ACUSTICO FAIL -> integrazione; round 2 senza enti -> concessione",
         tipo="NUOVA", soggetto=("company", "Cocktail Bar Alzaia S.r.l."),
         indirizzo="Alzaia Naviglio Grande 46", municipio=6, punto=(9.1705, 45.45046), zone={"DU-NAVIGLI"},
         elementi=[("TAVOLI", 5), ("SEDIE", 10), ("OMBRELLONI", 2)], superficie=16, periodo=STAGIONE,
         scia=SCIA_OK, omit=["RELAZIONE_ACUSTICA"],
         acustica={"classeAcustica": "IV", "relazioneRichiesta": True,
                   "condizioni": ["Nessuna diffusione sonora all'esterno", "Chiusura del dehors entro le ore 24:00"]},
         pareri={"arredo-urbano": {1: pos("Ombrelloni a braccio laterale color sabbia, senza scritte")}},
         integrazioni=[[("RELAZIONE_ACUSTICA", "relazione-previsionale-impatto-acustico.pdf",
                         "Relazione previsionale di impatto acustico - Cocktail Bar Alzaia")]]),
    dict(nn=21, slug="ripa-acustica-due-integrazioni-round3",
         covers="NUOVA sulla Ripa di Porta Ticinese (decoro), ditta individuale: mancano FOTO e relazione acustica; "
                "la prima integrazione porta solo la foto (checklist rifatta: IMPATTO_ACUSTICO ancora FAIL) -> "
                "seconda richiesta; la seconda porta la relazione -> round 3 -> concessione",
         tipo="NUOVA", soggetto=("person", "Vineria della Ripa di Sala Federico", ("Sala", "Federico", "M", "1986-05-30")),
         indirizzo="Ripa di Porta Ticinese 33", municipio=6, punto=(9.1728, 45.4517), zone={"DU-NAVIGLI"},
         elementi=[("TAVOLI", 3), ("SEDIE", 6)], superficie=8, periodo=STAGIONE, scia=SCIA_OK,
         omit=["RELAZIONE_ACUSTICA", "FOTO"],
         acustica={"classeAcustica": "IV", "relazioneRichiesta": True,
                   "condizioni": ["Nessuna diffusione sonora all'esterno"]},
         pareri={"polizia-locale": {1: pos(PL_PASSAGGIO + " lungo la Ripa")}},
         integrazioni=[[("FOTO", "foto-stato-di-fatto.jpg", "Foto dello stato di fatto - Ripa di Porta Ticinese 33")],
                       [("RELAZIONE_ACUSTICA", "relazione-previsionale-impatto-acustico.pdf",
                         "Relazione previsionale di impatto acustico - Vineria della Ripa")]],
         note_integrazioni=["Si trasmette la foto dello stato di fatto; la relazione acustica e in corso di redazione.",
                            "Si trasmette la relazione previsionale di impatto acustico."]),
    dict(nn=22, slug="duomo-due-enti-integrazioni",
         covers="NUOVA in piazza del Duomo (vincolo + decoro): soprintendenza e arredo urbano chiedono integrazioni "
                "nello stesso round -> lista unica; round 2 solo quei due enti -> positivi -> concessione",
         tipo="NUOVA", soggetto=("company", "Ristorante Mercanti S.r.l."),
         indirizzo="Piazza del Duomo 17", municipio=1, punto=(9.1888, 45.4639), zone={"VS-DUOMO", "DU-DUOMO"},
         elementi=[("TAVOLI", 6), ("SEDIE", 12), ("OMBRELLONI", 3), ("FIORIERE", 4)], superficie=24,
         periodo=STAGIONE, scia=SCIA_OK,
         pareri={"soprintendenza": {1: conf(["Fioriere in pietra o metallo brunito, senza essenze rampicanti"],
                                            ["Fotoinserimento dell'allestimento con vista verso la facciata del Duomo"]),
                                    2: pos("Fioriere in pietra o metallo brunito, senza essenze rampicanti")},
                 "arredo-urbano": {1: conf(integrazioni=["Scheda tecnica del modello di ombrellone proposto"]),
                                   2: pos("Ombrellone a palo centrale, telo color écru")}},
         integrazioni=[[("ALTRO", "fotoinserimento-piazza-duomo.pdf", "Fotoinserimento con vista verso la facciata del Duomo"),
                        ("ALTRO", "scheda-tecnica-ombrellone.pdf", "Scheda tecnica del modello di ombrellone")]]),
    dict(nn=23, slug="darsena-alzaia-adeguamento-carreggiata-round3",
         covers="ADEGUAMENTO_STRAORDINARIA in due zone (Darsena + Navigli) e in carreggiata: soprintendenza e "
                "Mobilita chiedono integrazioni insieme; al round 2 Mobilita ne chiede altre -> round 3 solo "
                "Mobilita -> concessione",
         tipo="ADEGUAMENTO_STRAORDINARIA", soggetto=("company", "Ristorante Darsena Alzaia S.r.l."),
         indirizzo="Alzaia Naviglio Grande 2", municipio=6, punto=(9.1760, 45.45262),
         zone={"VS-DARSENA", "DU-NAVIGLI"}, carreggiata=True,
         elementi=[("PEDANA", 1), ("TAVOLI", 8), ("SEDIE", 24), ("OMBRELLONI", 4)], superficie=40,
         periodo=STAGIONE, scia=SCIA_OK, osapi=osapi_attiva(),
         pareri={"soprintendenza": {1: conf(integrazioni=["Relazione paesaggistica semplificata per la pedana "
                                                          "sull'alzaia"]),
                                    2: pos("Pedana in legno naturale, senza parapetti in vetro")},
                 "mobilita": {1: conf(integrazioni=["Planimetria della sosta con gli stalli sottratti e il percorso "
                                                    "dei mezzi di soccorso"]),
                              2: conf(integrazioni=["Verifica del raggio di manovra dei mezzi per la raccolta "
                                                    "rifiuti sull'alzaia"]),
                              3: pos("Delimitazione della pedana con elementi catarifrangenti")},
                 "arredo-urbano": {1: pos()}},
         integrazioni=[[("ALTRO", "relazione-paesaggistica-semplificata.pdf", "Relazione paesaggistica semplificata"),
                        ("PLANIMETRIA", "planimetria-sosta-e-soccorso.pdf", "Planimetria della sosta e dei mezzi di soccorso")],
                       [("ALTRO", "verifica-manovra-mezzi-raccolta-rifiuti.pdf", "Verifica del raggio di manovra dei mezzi")]]),
    dict(nn=24, slug="brera-struttura-round3-negativo-soprintendenza",
         covers="NUOVA con struttura semirigida in via Madonnina (vincolo), PERMANENTE: la soprintendenza chiede "
                "integrazioni due volte e al round 3 da parere negativo -> diniego",
         tipo="NUOVA", soggetto=("company", "Caffè Madonnina S.r.l."),
         indirizzo="Via Madonnina 10", municipio=1, punto=(9.1852, 45.4716), zone={"VS-BRERA"},
         elementi=[("STRUTTURA_SEMIRIGIDA", 1), ("TAVOLI", 4), ("SEDIE", 8)], superficie=22,
         periodo=("PERMANENTE", "2026-06-01", None), scia=SCIA_OK,
         pareri={"soprintendenza": {1: conf(integrazioni=["Elaborati grafici della struttura semirigida con "
                                                          "prospetto sulla via"]),
                                    2: conf(integrazioni=["Soluzione alternativa senza tamponamenti laterali, che "
                                                          "lasci leggibile il fronte dell'edificio vincolato"]),
                                    3: neg("La struttura semirigida, anche nella soluzione alternativa, altera la "
                                           "percezione del fronte storico di via Madonnina ed è incompatibile con "
                                           "il vincolo.")}},
         integrazioni=[[("ALTRO", "elaborati-grafici-struttura.pdf", "Elaborati grafici della struttura semirigida")],
                       [("ALTRO", "soluzione-alternativa-struttura.pdf", "Soluzione alternativa senza tamponamenti")]]),
    dict(nn=25, slug="wagner-integrazione-poi-negativo",
         covers="NUOVA TEMPORANEA in piazza Wagner (area mercatale), espositori di frutta (SCIA non richiesta): "
                "Mercati chiede integrazioni e al round 2 da parere negativo -> diniego (niente canone)",
         tipo="NUOVA", soggetto=("company", "Frutta e Verdura Belfiore S.n.c."),
         indirizzo="Piazza Wagner 7", municipio=7, punto=(9.1572, 45.4681), zone={"AM-WAGNER"},
         elementi=[("ESPOSITORE", 4), ("OMBRELLONI", 2)], superficie=10,
         periodo=("TEMPORANEA", "2026-06-01", "2026-06-30"),
         pareri={"mercati": {1: conf(integrazioni=["Orari di esposizione rispetto all'apertura del mercato comunale "
                                                   "coperto"]),
                             2: neg("Le esposizioni coincidono con l'orario di carico e scarico del mercato coperto e "
                                    "restringono il passaggio dei clienti: occupazione non compatibile.")}},
         integrazioni=[[("ALTRO", "orari-esposizione.pdf", "Orari di esposizione proposti")]]),
    dict(nn=26, slug="galleria-negativo-prevale-su-integrazioni",
         covers="NUOVA all'imbocco della Galleria (vincolo + decoro): soprintendenza negativo e arredo urbano chiede "
                "integrazioni nello stesso round -> prevale il negativo: diniego al round 1",
         tipo="NUOVA", soggetto=("company", "Bar Galleria Duomo S.r.l."),
         indirizzo="Galleria Vittorio Emanuele II 2", municipio=1, punto=(9.1900, 45.4652),
         zone={"VS-DUOMO", "DU-DUOMO"},
         elementi=[("TAVOLI", 4), ("SEDIE", 8), ("RISCALDATORI", 2)], superficie=12, periodo=STAGIONE,
         scia=SCIA_OK,
         pareri={"soprintendenza": {1: neg("Riscaldatori a fungo e arredi non sono ammessi davanti all'ingresso "
                                           "monumentale della Galleria Vittorio Emanuele II.")},
                 "arredo-urbano": {1: conf(integrazioni=["Scheda tecnica dei riscaldatori"])}}),
    dict(nn=27, slug="leonardo-moroso-e-allegati-mancanti",
         covers="NUOVA fuori zona: moroso e mancano FOTO e DOCUMENTO_IDENTITA -> il motivo di diniego prevale: "
                "diniego al round 1, nessuna integrazione",
         tipo="NUOVA", soggetto=("company", "Tavola Calda Leonardo S.r.l."),
         indirizzo="Piazza Leonardo da Vinci 7", municipio=3, punto=(9.2268, 45.4778), zone=set(),
         elementi=[("TAVOLI", 3), ("SEDIE", 6)], superficie=8, periodo=STAGIONE, scia=SCIA_OK,
         omit=["FOTO", "DOCUMENTO_IDENTITA"],
         geri={"moroso": True, "importoScaduto": 640.00, "annualita": ["2025"]}),
    dict(nn=28, slug="viale-monza-fioriere-lavagna-esenti",
         covers="NUOVA fuori zona, poligono, solo fioriere e lavagna (tutti esenti: ELEMENTI_ESENTI WARN, SCIA non "
                "richiesta) -> concessione senza rilievi",
         tipo="NUOVA", soggetto=("person", "Fioreria Monza di Galli Roberta", ("Galli", "Roberta", "F", "1975-09-18")),
         indirizzo="Viale Monza 45", municipio=2, punto=(9.2195, 45.4896), zone=set(), poligono=(3, 1.2, 60),
         elementi=[("FIORIERE", 3), ("LAVAGNA_MENU", 1)], superficie=3.6,
         periodo=("PERMANENTE", "2026-03-16", None)),
    dict(nn=29, slug="gae-aulenti-rastrelliere-temporanea",
         covers="NUOVA TEMPORANEA in piazza Gae Aulenti (decoro), solo portabiciclette e cestini (tutti esenti) -> "
                "concessione con prescrizioni e canone GERI",
         tipo="NUOVA", soggetto=("company", "Porta Nuova Eventi S.r.l."),
         indirizzo="Piazza Gae Aulenti 4", municipio=9, punto=(9.1893, 45.4838), zone={"DU-CORSOCOMO"},
         elementi=[("PORTABICICLETTE", 2), ("CESTINO", 2)], superficie=6,
         periodo=("TEMPORANEA", "2026-09-14", "2026-09-20"),
         pareri={"arredo-urbano": {1: pos("Rastrelliere del modello comunale, rimosse al termine dell'evento")}}),
    dict(nn=30, slug="corso-ve-espositori-temporanea",
         covers="NUOVA TEMPORANEA in corso Vittorio Emanuele II (decoro), espositori e fioriere (SCIA non "
                "richiesta); arredo urbano conformazione con sole prescrizioni -> concessione e canone GERI",
         tipo="NUOVA", soggetto=("company", "Libreria del Corso S.r.l."),
         indirizzo="Corso Vittorio Emanuele II 30", municipio=1, punto=(9.1958, 45.46562), zone={"DU-CORSOVE"},
         elementi=[("ESPOSITORE", 2), ("FIORIERE", 2)], superficie=4,
         periodo=("TEMPORANEA", "2026-12-01", "2026-12-31"),
         pareri={"arredo-urbano": {1: conf(["Espositori in legno naturale, altezza massima 1,60 m, addossati alla "
                                            "vetrina"])}}),
    dict(nn=31, slug="sant-ambrogio-adeguamento-prescrizioni",
         covers="ADEGUAMENTO_STRAORDINARIA con concessione ATTIVA in piazza Sant'Ambrogio (vincolo): soprintendenza "
                "conformazione con sole prescrizioni -> concessione",
         tipo="ADEGUAMENTO_STRAORDINARIA", soggetto=("company", "Caffè Sant'Ambrogio S.r.l."),
         indirizzo="Piazza Sant'Ambrogio 6", municipio=1, punto=(9.1750, 45.4627), zone={"VS-SANTAMBROGIO"},
         elementi=[("TAVOLI", 5), ("SEDIE", 10), ("RISCALDATORI", 2), ("OMBRELLONI", 2)], superficie=18,
         periodo=STAGIONE, scia=SCIA_OK, osapi=osapi_attiva(),
         acustica={"classeAcustica": "II", "relazioneRichiesta": False,
                   "condizioni": ["Area con ricettori sensibili (Università Cattolica): nessuna musica all'esterno"]},
         pareri={"soprintendenza": {1: conf(["Ammessi solo riscaldatori a piantana in acciaio brunito",
                                             "Nessun elemento addossato alle murature della basilica"])}}),
    dict(nn=32, slug="wagner-mercatino-temporaneo-associazione",
         covers="NUOVA TEMPORANEA di un'associazione (CF numerico senza partita IVA) in piazza Wagner (area "
                "mercatale): panchine ed espositori, SCIA non richiesta; Mercati conformazione con sole prescrizioni "
                "-> concessione e canone GERI",
         tipo="NUOVA", soggetto=("association", "Associazione Commercianti di Piazza Wagner"),
         indirizzo="Piazza Wagner 1", municipio=7, punto=(9.1563, 45.4676), zone={"AM-WAGNER"},
         elementi=[("PANCHINA", 4), ("ESPOSITORE", 6), ("OMBRELLONI", 6)], superficie=45,
         periodo=("TEMPORANEA", "2026-11-28", "2026-12-06"),
         allegatiExtra=[("DELEGA", "delega-presidente.pdf", "Delega del presidente dell'associazione")],
         pareri={"mercati": {1: conf(["Nessun banco fuori dal perimetro indicato in planimetria negli orari di "
                                      "apertura del mercato comunale coperto"])}}),
    dict(nn=33, slug="papiniano-poligono-integrazione-polizia",
         covers="NUOVA con poligono in viale Papiniano (area mercatale): la Polizia Locale chiede la planimetria "
                "quotata (passaggio pedonale di 2 m), Mercati da sole prescrizioni -> round 2 solo Polizia Locale "
                "-> concessione",
         tipo="NUOVA", soggetto=("company", "Caffè Sant'Agostino S.r.l."),
         indirizzo="Viale Papiniano 13", municipio=6, punto=(9.1690, 45.45907), zone={"AM-PAPINIANO"},
         poligono=(6, 3, -52), elementi=[("TAVOLI", 3), ("SEDIE", 6)], superficie=18,
         periodo=("PERMANENTE", "2026-05-01", None), scia=SCIA_OK,
         pareri={"polizia-locale": {1: conf(integrazioni=["Planimetria quotata con il passaggio pedonale residuo di "
                                                          "almeno 2 m"]),
                                    2: pos(PL_PASSAGGIO)},
                 "mercati": {1: conf(["Rimozione degli arredi il martedì e il sabato entro le ore 6:30"])}},
         integrazioni=[[("PLANIMETRIA", "planimetria-quotata-passaggio-pedonale.pdf",
                         "Planimetria quotata con il passaggio pedonale residuo")]]),
    dict(nn=34, slug="sant-ambrogio-nuova-attiva-planimetria-mancante",
         covers="NUOVA in piazza Sant'Ambrogio (vincolo) con una occupazione ATTIVA della stessa impresa (WARN, "
                "prosegue) e senza PLANIMETRIA -> integrazione, round 2 senza enti -> concessione",
         tipo="NUOVA", soggetto=("company", "Pizzeria Lanzone S.r.l."),
         indirizzo="Piazza Sant'Ambrogio 9", municipio=1, punto=(9.1772, 45.4619), zone={"VS-SANTAMBROGIO"},
         elementi=[("TAVOLI", 4), ("SEDIE", 8)], superficie=12, periodo=STAGIONE, scia=SCIA_OK,
         osapi=osapi_attiva(dx=-8, dy=3, scadenza="2027-12-31"), omit=["PLANIMETRIA"],
         pareri={"soprintendenza": {1: pos()}},
         integrazioni=[[("PLANIMETRIA", "planimetria-occupazione.pdf", "Planimetria dell'occupazione - Piazza Sant'Ambrogio 9")]]),
    dict(nn=35, slug="isola-scia-lontana-negativo",
         covers="NUOVA fuori zona: la SCIA EFFICACE dell'impresa e a circa 140 m (altra sede), oltre i 50 m -> "
                "SCIA_SOMMINISTRAZIONE FAIL -> diniego",
         tipo="NUOVA", soggetto=("company", "Bottega del Caffè Isola S.r.l."),
         indirizzo="Via Pietro Borsieri 30", municipio=9, punto=(9.1884, 45.4905), zone=set(),
         elementi=[("TAVOLI", 2), ("SEDIE", 4), ("OMBRELLONI", 1)], superficie=6, periodo=ESTATE,
         scia=[{"stato": "EFFICACE", "data": "2019-06-03", "dx": 0, "dy": -140, "indirizzo": "Via Pietro Borsieri 16"}],
         senza_poligono=True),
    dict(nn=36, slug="ventidue-marzo-rinnovo-concessione-lontana",
         covers="RINNOVO fuori zona: la concessione ATTIVA dell'impresa e a circa 160 m (altro indirizzo), oltre i "
                "50 m -> OSAPI_PRECEDENTI FAIL -> diniego",
         tipo="RINNOVO", soggetto=("company", "Trattoria Corsica S.r.l."),
         indirizzo="Corso XXII Marzo 40", municipio=4, punto=(9.2165, 45.4634), zone=set(),
         elementi=[("TAVOLI", 4), ("SEDIE", 8)], superficie=12, periodo=("PERMANENTE", "2026-04-01", None),
         scia=SCIA_OK, osapi=[{"stato": "ATTIVA", "scadenza": "2026-12-31", "dx": 160, "dy": 0, "indirizzo": "Corso XXII Marzo 52"}],
         senza_poligono=True),
]

# ---------------------------------------------------------------------------------------------
# Build subjects
# ---------------------------------------------------------------------------------------------


def slugmail(den):
    s = re.sub(r"[^a-z0-9]+", "", den.lower().replace("à", "a").replace("è", "e"))
    return s[:28]


def build_subject(case):
    kind, den = case["soggetto"][0], case["soggetto"][1]
    if kind == "company":
        piva = new_piva()
        ric = {"codiceFiscale": piva, "partitaIva": piva, "denominazione": den}
    elif kind == "person":
        cognome, nome, sesso, nascita = case["soggetto"][2]
        ric = {"codiceFiscale": codice_fiscale(cognome, nome, sesso, nascita), "partitaIva": new_piva(),
               "denominazione": den}
    else:  # association: numeric CF starting with 97, no partita IVA
        ric = {"codiceFiscale": new_piva("97"), "denominazione": den}
    if kind != "person" or case.get("pec"):
        ric["pec"] = f"{slugmail(den)}@pec.example"
    assert CF_RE.match(ric["codiceFiscale"]), ric
    if len(ric["codiceFiscale"]) == 11:
        assert piva_check(ric["codiceFiscale"][:10]) == ric["codiceFiscale"][10]
    if "partitaIva" in ric:
        assert piva_check(ric["partitaIva"][:10]) == ric["partitaIva"][10]
    return ric


# ---------------------------------------------------------------------------------------------
# Model of docs/osp-workflow.md §5-§7
# ---------------------------------------------------------------------------------------------


def zones_hit(punto, poligono):
    geom = poligono if poligono else [list(punto)]
    hits = set()
    for z in ZONES:
        if poligono:
            inside = [point_in_ring(lon, lat, z["ring"]) for lon, lat in poligono]
            assert all(inside) or not any(inside), f"polygon straddles {z['id']}"
            if any(inside):
                hits.add(z["id"])
        elif point_in_ring(punto[0], punto[1], z["ring"]):
            hits.add(z["id"])
        assert border_distance(geom, z["ring"]) >= MIN_BORDER_M, (punto, z["id"], border_distance(geom, z["ring"]))
    return hits


def checklist(ist, allegati_tipi, fx):
    cf = ist["richiedente"]["codiceFiscale"]
    lon, lat = ist["luogo"]["punto"]["lon"], ist["luogo"]["punto"]["lat"]
    res = {}
    occ = [o for o in fx["osapi"]["occupazioni"] if o["codiceFiscale"] == cf
           and haversine(lon, lat, o["lon"], o["lat"]) <= RADIUS_M]
    if ist["tipo"] == "NUOVA":
        res["OSAPI_PRECEDENTI"] = "WARN" if any(o["stato"] == "ATTIVA" for o in occ) else "PASS"
    else:
        res["OSAPI_PRECEDENTI"] = "PASS" if any(o["stato"] in ("ATTIVA", "SCADUTA") for o in occ) else "FAIL"
    hit_types = {ZONE_BY_ID[z]["tipo"] for z in ist["_zone"]}
    for t in ZONE_TYPES:
        res[t] = "WARN" if t in hit_types else "PASS"
    tipi_el = {e["tipo"] for e in ist["elementi"]}
    res["ELEMENTI_ESENTI"] = "WARN" if tipi_el <= ESENTI else "PASS"
    ac = fx["ermes"]["acustica"].get(cf, fx["ermes"]["acusticaDefault"])
    res["IMPATTO_ACUSTICO"] = ("PASS" if "RELAZIONE_ACUSTICA" in allegati_tipi else "FAIL") \
        if ac["relazioneRichiesta"] else "PASS"
    if tipi_el & RICHIEDONO_SCIA:
        scia = [s for s in fx["ermes"]["scia"] if s["codiceFiscale"] == cf
                and haversine(lon, lat, s["lon"], s["lat"]) <= RADIUS_M]
        res["SCIA_SOMMINISTRAZIONE"] = "PASS" if any(s["stato"] == "EFFICACE" for s in scia) else "FAIL"
    else:
        res["SCIA_SOMMINISTRAZIONE"] = "PASS"
    res["MOROSITA_CANONE"] = "FAIL" if fx["geri"]["posizioni"].get(cf, {}).get("moroso") else "PASS"
    richiesti = {"PLANIMETRIA", "DOCUMENTO_IDENTITA"}
    if ist["tipo"] == "NUOVA":
        richiesti.add("FOTO")
    if tipi_el & STRUTTURE:
        richiesti.add("RELAZIONE_TECNICA")
    res["ALLEGATI_OBBLIGATORI"] = "FAIL" if richiesti - set(allegati_tipi) else "PASS"
    return {c: res[c] for c in CHECK_CODES}


def routing(cl, ist):
    enti = {"polizia-locale"}
    for ente, voce in ROUTING:
        if cl[voce] == "WARN":
            enti.add(ente)
    if ist["occupaCarreggiata"]:
        enti.add("mobilita")
    return enti


POSITIVO_VUOTO = {"esito": "positivo", "prescrizioni": [], "integrazioni": []}


def simulate(ist, integrazioni, fx):
    pareri = fx["pareri"].get(ist["idIstanza"], {})
    allegati = [a["tipo"] for a in ist["allegati"]]
    latest = {}
    enti = None
    rnd, first_cl = 1, None
    enti_per_round, comunicazioni, trace = [], [], []
    while True:
        cl = checklist(ist, allegati, fx)
        if first_cl is None:
            first_cl = cl
            enti = routing(cl, ist)
        enti_per_round.append(sorted(enti))
        asked = set()
        for e in sorted(enti):
            p = pareri.get(e, {}).get(str(rnd), POSITIVO_VUOTO)
            latest[e] = p
            if p.get("integrazioni"):
                asked.add(e)
        negativo = any(p["esito"] == "negativo" for p in latest.values())
        diniego_fail = [c for c in MOTIVI_DINIEGO if cl[c] == "FAIL"]
        integ_fail = [c for c in MOTIVI_INTEGRAZIONE if cl[c] == "FAIL"]
        if negativo or diniego_fail:
            comunicazioni.append("DINIEGO")
            trace.append({"round": rnd, "esito": "negativo", "checklist": cl})
            break
        if asked or integ_fail:
            comunicazioni.append("RICHIESTA_INTEGRAZIONE")
            trace.append({"round": rnd, "esito": "integrazione", "checklist": cl,
                          "richiesteDa": sorted(asked) + integ_fail})
            k = len([c for c in comunicazioni if c == "RICHIESTA_INTEGRAZIONE"])
            assert k <= len(integrazioni), f"{ist['idIstanza']}: integrazione-{k} missing"
            allegati += [a["tipo"] for a in integrazioni[k - 1]["allegati"]]
            enti = asked
            rnd += 1
            continue
        comunicazioni.append("CONCESSIONE")
        trace.append({"round": rnd, "esito": "positivo", "checklist": cl})
        break
    k = comunicazioni.count("RICHIESTA_INTEGRAZIONE")
    assert k == len(integrazioni), f"{ist['idIstanza']}: {len(integrazioni)} integrazioni, {k} used"
    prescrizioni = [x for e in sorted(latest) for x in latest[e].get("prescrizioni", [])]
    return first_cl, enti_per_round, comunicazioni, trace, prescrizioni


# ---------------------------------------------------------------------------------------------
# Write everything
# ---------------------------------------------------------------------------------------------


_PAIR_RE = re.compile(r"\[\s*(-?[0-9.]+),\s*(-?[0-9.]+)\s*\]")


def dump(path, obj):
    text = json.dumps(obj, ensure_ascii=False, indent=2)
    text = _PAIR_RE.sub(r"[\1, \2]", text)      # coordinate pairs on one line
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text + "\n")


def iso(day_of_year_offset, hh, mm):
    # 2026-01-12 + offset days, UTC
    import datetime
    d = datetime.datetime(2026, 1, 12, hh, mm) + datetime.timedelta(days=day_of_year_offset)
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    for d in (ISTANZE_DIR, FIXTURES_DIR):
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)

    # zones
    features = []
    for z in ZONES:
        assert z["ring"][0] == z["ring"][-1] and signed_area(z["ring"]) > 0 and is_simple(z["ring"]), z["id"]
        features.append({"type": "Feature",
                         "properties": {"id": z["id"], "nome": z["nome"], "tipo": z["tipo"], "campione": True,
                                        "nota": NOTA},
                         "geometry": {"type": "Polygon", "coordinates": [z["ring"]]}})
    os.makedirs(os.path.dirname(ZONES_FILE), exist_ok=True)
    dump(ZONES_FILE, {"type": "FeatureCollection", "features": features})

    fx = {"osapi": {"occupazioni": []},
          "ermes": {"acusticaDefault": ACUSTICA_DEFAULT, "acustica": {}, "scia": []},
          "geri": {"posizioni": {}},
          "pareri": {}}
    built = []
    other_seq = [0]
    osapi_seq, scia_seq = [10], [4100]

    def other_cf():
        other_seq[0] += 1
        return new_piva()

    for i, c in enumerate(CASES):
        nn = c["nn"]
        assert nn == i + 1
        id_istanza = f"GP-2026-0001{nn:02d}"
        ric = build_subject(c)
        cf = ric["codiceFiscale"]
        lon, lat = c["punto"]
        lon, lat = round(lon, 7), round(lat, 7)
        poligono = footprint(lon, lat, *c["poligono"]) if c.get("poligono") else None
        if poligono:
            area = ring_area_m2(poligono)
            assert 3 <= area <= 60, (nn, area)
            assert abs(area - c["superficie"]) < 0.5, (nn, area, c["superficie"])
            assert point_in_ring(lon, lat, poligono)
        hits = zones_hit((lon, lat), poligono)
        assert hits == c["zone"], (nn, hits, c["zone"])
        ptipo, dal, al = c["periodo"]
        periodo = {"tipo": ptipo, "dal": dal}
        if al:
            periodo["al"] = al
        ist = {
            "idIstanza": id_istanza,
            "tipo": c["tipo"],
            "richiedente": ric,
            "luogo": {"indirizzo": c["indirizzo"], "municipio": c["municipio"],
                      "punto": {"lon": lon, "lat": lat}},
            "elementi": [{"tipo": t, "quantita": q} for t, q in c["elementi"]],
            "superficieMq": c["superficie"],
            "occupaCarreggiata": bool(c.get("carreggiata")),
            "periodo": periodo,
            "allegati": default_allegati(c),
            "presentataIl": iso(i, 8 + i % 9, (i * 7) % 60),
        }
        if poligono:
            ist["luogo"]["poligono"] = poligono
        elif not c.get("senza_poligono"):
            ist["luogo"]["poligono"] = None
        file_base = f"{nn:02d}-{c['slug']}"
        dump(os.path.join(ISTANZE_DIR, file_base + ".json"), ist)
        integrazioni = []
        notes = c.get("note_integrazioni", [])
        for k, alls in enumerate(c.get("integrazioni", []), start=1):
            integ = {"idIntegrazione": f"{id_istanza}-I{k}", "idIstanza": id_istanza,
                     "note": notes[k - 1] if k <= len(notes) else
                     "Integrazione documentale richiesta dal Comune, come da comunicazione ricevuta.",
                     "allegati": [allegato(*a) for a in alls],
                     "presentataIl": iso(i + 20 * k, 10, 0)}
            integrazioni.append(integ)
            dump(os.path.join(ISTANZE_DIR, f"{file_base}.integrazione-{k}.json"), integ)

        # fixtures
        for o in c.get("osapi", []):
            olon, olat = offset(lon, lat, o["dx"], o["dy"])
            osapi_seq[0] += 7
            anno = {"ATTIVA": 2024, "SCADUTA": 2021, "REVOCATA": 2023}[o["stato"]]
            fx["osapi"]["occupazioni"].append({
                "numeroConcessione": f"OSP-{anno}-{osapi_seq[0]:06d}",
                "codiceFiscale": other_cf() if o.get("cf") == "other" else cf,
                "indirizzo": o.get("indirizzo", c["indirizzo"]),
                "stato": o["stato"], "scadenza": o["scadenza"], "lon": olon, "lat": olat})
        for s in c.get("scia", []):
            slon, slat = offset(lon, lat, s["dx"], s["dy"])
            scia_seq[0] += 13
            fx["ermes"]["scia"].append({
                "codiceFiscale": other_cf() if s.get("cf") == "other" else cf,
                "lon": slon, "lat": slat, "protocollo": f"PG {scia_seq[0]}/{s['data'][:4]}",
                "indirizzo": s.get("indirizzo", c["indirizzo"]),
                "data": s["data"], "stato": s["stato"]})
        if c.get("acustica"):
            fx["ermes"]["acustica"][cf] = c["acustica"]
        if c.get("geri"):
            fx["geri"]["posizioni"][cf] = c["geri"]
        if c.get("pareri"):
            fx["pareri"][id_istanza] = {e: {str(r): p for r, p in sorted(rs.items())}
                                        for e, rs in sorted(c["pareri"].items())}
        ist["_zone"] = hits
        built.append((c, ist, integrazioni, file_base))

    dump(os.path.join(FIXTURES_DIR, "osapi.json"), fx["osapi"])
    dump(os.path.join(FIXTURES_DIR, "ermes.json"), fx["ermes"])
    dump(os.path.join(FIXTURES_DIR, "geri.json"), fx["geri"])
    dump(os.path.join(FIXTURES_DIR, "pareri.json"), fx["pareri"])

    expected, rows = [], []
    for c, ist, integrazioni, file_base in built:
        cl, epr, com, trace, prescr = simulate(ist, integrazioni, fx)
        finale = com[-1]
        # every ente named in the pareri fixture for a round must actually be consulted in that round
        for e, rs in fx["pareri"].get(ist["idIstanza"], {}).items():
            for r in rs:
                assert int(r) <= len(epr) and e in epr[int(r) - 1], (ist["idIstanza"], e, r, epr)
        expected.append({
            "idIstanza": ist["idIstanza"], "file": f"{file_base}.json", "checklist": cl,
            "entiPerRound": epr, "rounds": len(epr), "comunicazioni": com,
            "esitoFinale": "ended_by_positive_outcome" if finale == "CONCESSIONE" else "ended_by_negative_outcome",
            "concessioneOsapi": finale == "CONCESSIONE",
            "canoneGeri": finale == "CONCESSIONE" and ist["periodo"]["tipo"] == "TEMPORANEA"})
        rows.append((c, ist, cl, epr, com, trace, prescr, file_base))
    dump(os.path.join(HERE, "expected.json"), expected)
    check_coverage(rows, fx)
    write_readme(rows)
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(HERE) for f in fs)
    assert total < 2 * 1024 * 1024, total
    print(f"{len(rows)} istanze, {sum(len(r[5]) - 1 for r in rows)} integrazioni, "
          f"{len(ZONES)} zone; test-data/osp = {total} bytes")


# ---------------------------------------------------------------------------------------------
# Coverage: every branch of the brief at least twice
# ---------------------------------------------------------------------------------------------


def check_coverage(rows, fx):
    cov = {}

    def add(key, nn):
        cov.setdefault(key, []).append(nn)

    for c, ist, cl, epr, com, trace, prescr, _ in rows:
        nn = c["nn"]
        pid = ist["idIstanza"]
        add("tipo " + ist["tipo"], nn)
        add("periodo " + ist["periodo"]["tipo"], nn)
        types = {ZONE_BY_ID[z]["tipo"] for z in ist["_zone"]}
        for t in types:
            add("zona " + t, nn)
        if not types:
            add("fuori da ogni zona", nn)
        if len(ist["_zone"]) >= 2:
            add("due zone insieme", nn)
        if ist["luogo"].get("poligono"):
            add("poligono", nn)
        if ist["occupaCarreggiata"]:
            add("occupaCarreggiata", nn)
        if cl["ELEMENTI_ESENTI"] == "WARN":
            add("tutti esenti (WARN)", nn)
        cf = ist["richiedente"]["codiceFiscale"]
        ac = fx["ermes"]["acustica"].get(cf, fx["ermes"]["acusticaDefault"])
        if ac["relazioneRichiesta"]:
            add("relazione acustica richiesta " + ("e presente" if cl["IMPATTO_ACUSTICO"] == "PASS" else "e mancante"), nn)
        el = {e["tipo"] for e in ist["elementi"]}
        if el & RICHIEDONO_SCIA:
            if cl["SCIA_SOMMINISTRAZIONE"] == "FAIL":
                add("SCIA richiesta e mancante -> diniego", nn)
        else:
            add("SCIA non richiesta", nn)
        if cl["MOROSITA_CANONE"] == "FAIL":
            add("moroso -> diniego", nn)
        if ist["tipo"] != "NUOVA" and cl["OSAPI_PRECEDENTI"] == "FAIL":
            add("rinnovo/adeguamento senza precedente -> diniego", nn)
        if cl["OSAPI_PRECEDENTI"] == "WARN" and com[-1] == "CONCESSIONE":
            add("NUOVA con occupazione ATTIVA (WARN, prosegue)", nn)
        if cl["ALLEGATI_OBBLIGATORI"] == "FAIL" and com[0] == "RICHIESTA_INTEGRAZIONE":
            add("allegati mancanti -> integrazione", nn)
        pareri = fx["pareri"].get(pid, {})
        if any(p["esito"] == "negativo" for rs in pareri.values() for p in rs.values()):
            add("ente negativo -> diniego", nn)
        if com[-1] == "CONCESSIONE":
            last = {e: rs[max(rs, key=int)] for e, rs in pareri.items()}
            if any(p["esito"] == "conformazione" and not p["integrazioni"] for p in last.values()):
                add("conformazione con sole prescrizioni -> positivo", nn)
            if not prescr:
                add("positivo senza rilievi", nn)
        if any(p["integrazioni"] for rs in pareri.values() for p in rs.values()) and len(epr) > 1 \
                and epr[1] and set(epr[1]) < set(epr[0]):
            add("ente chiede integrazioni -> solo lui al round 2", nn)
        for r in range(1, len(epr) + 1):
            askers = [e for e, rs in pareri.items() if rs.get(str(r), {}).get("integrazioni")]
            if len(askers) >= 2:
                add("due enti chiedono integrazioni insieme", nn)
                break
        if len(epr) >= 3:
            add("round 3 (due integrazioni di fila)", nn)
        if "RICHIESTA_INTEGRAZIONE" in com:
            add("almeno una integrazione", nn)
        if com[-1] == "CONCESSIONE" and ist["periodo"]["tipo"] == "TEMPORANEA":
            add("canone GERI (TEMPORANEA concessa)", nn)
        if [] in epr:
            add("round senza enti (solo allegati)", nn)
    minimum = {"almeno una integrazione": 8}
    for key, nns in sorted(cov.items()):
        need = minimum.get(key, 2)
        assert len(nns) >= need, (key, nns)
    required = ["tipo NUOVA", "tipo RINNOVO", "tipo ADEGUAMENTO_STRAORDINARIA", "periodo PERMANENTE",
                "periodo STAGIONALE", "periodo TEMPORANEA", "zona VINCOLO_SOPRINTENDENZA", "zona AREA_MERCATALE",
                "zona DECORO_URBANO", "fuori da ogni zona", "due zone insieme", "occupaCarreggiata",
                "tutti esenti (WARN)", "relazione acustica richiesta e presente",
                "relazione acustica richiesta e mancante", "SCIA richiesta e mancante -> diniego",
                "SCIA non richiesta", "moroso -> diniego", "rinnovo/adeguamento senza precedente -> diniego",
                "NUOVA con occupazione ATTIVA (WARN, prosegue)", "allegati mancanti -> integrazione",
                "ente negativo -> diniego", "conformazione con sole prescrizioni -> positivo",
                "ente chiede integrazioni -> solo lui al round 2", "due enti chiedono integrazioni insieme",
                "round 3 (due integrazioni di fila)", "positivo senza rilievi", "almeno una integrazione",
                "canone GERI (TEMPORANEA concessa)", "round senza enti (solo allegati)", "poligono"]
    for key in required:
        assert key in cov, key
    global COVERAGE
    COVERAGE = cov


COVERAGE = {}

# ---------------------------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------------------------
ABBR = {"PASS": "P", "WARN": "W", "FAIL": "F", "UNAVAILABLE": "U"}
CODE_ABBR = ["OSAPI", "VS", "AM", "DU", "ESE", "ACU", "SCIA", "MOR", "ALL"]
ENTE_ABBR = {"polizia-locale": "PL", "soprintendenza": "SOPR", "mercati": "MERC", "arredo-urbano": "ARR",
             "mobilita": "MOB"}
COM_ABBR = {"RICHIESTA_INTEGRAZIONE": "RI", "CONCESSIONE": "CONCESSIONE", "DINIEGO": "DINIEGO"}


def write_readme(rows):
    L = []
    w = L.append
    w("# OSP test data (GEOPOST istanze, OSAPI / ERMES / GERI fixtures, pareri, expected outcomes)")
    w("")
    w("Test data for the OSP workflow of `docs/osp-workflow.md` (occupazione di suolo pubblico: GEOPOST istanze,")
    w("pre-istruttoria checklist §5, routing to the enti §6, outcome of each round §7). Everything here and")
    w("`config/osp/zone-milano.geojson` is generated by `generate.py` (Python 3 stdlib, deterministic):")
    w("")
    w("    python3 test-data/osp/generate.py")
    w("    python3 test-data/osp/tools/check_zones.py")
    w("")
    w("All persons and companies are invented: personal codici fiscali are computed with the official algorithm")
    w("(valid check character) from invented names, company codici fiscali / partite IVA are seeded random")
    w("numbers (ufficio `015`) with a valid check digit, the association's CF starts with `97` and has no")
    w("partita IVA. E-mail domains are `*.example`. Attachments are a few hundred bytes of fake content")
    w("(`%PDF-1.4` text, `FF D8 FF E0 ... FF D9` JPEG) with the right lowercase hex `sha256` of the decoded bytes.")
    w("")
    w("## Files")
    w("")
    w("- `istanze/NN-slug.json` - the GEOPOST `Istanza` (§1.1), `idIstanza` = `GP-2026-0001NN`.")
    w("- `istanze/NN-slug.integrazione-K.json` - the `Integrazione` (`idIntegrazione` = `<idIstanza>-I<K>`) that")
    w("  the GEOPOST simulator sends when it receives the K-th `RICHIESTA_INTEGRAZIONE` for that istanza.")
    w("- `fixtures/osapi.json` - `{\"occupazioni\": [...]}`: the simulator returns those of the queried")
    w("  codiceFiscale within 50 m (haversine) of the queried point, adding `distanzaMetri`.")
    w("- `fixtures/ermes.json` - `acusticaDefault`, `acustica` by codiceFiscale, `scia` (returned within 50 m).")
    w("- `fixtures/geri.json` - `posizioni` by codiceFiscale; absent = not moroso, `importoScaduto` 0.")
    w("- `fixtures/pareri.json` - `{idIstanza: {ente: {round: parere}}}`; absent = `positivo` with nothing.")
    w("- `expected.json` - one object per istanza: `file` (its name under `istanze/`), checklist of the FIRST round,")
    w("  `entiPerRound` (sorted codes),")
    w("  `rounds`, `comunicazioni`, `esitoFinale`, `concessioneOsapi`, `canoneGeri`.")
    w("- `tools/check_zones.py` - independent check that every istanza's point/polygon lies in exactly the zones")
    w("  that `expected.json` says (VINCOLO_SOPRINTENDENZA / AREA_MERCATALE / DECORO_URBANO WARN) and at least")
    w(f"  {int(MIN_BORDER_M)} m from every zone border; also checks the zone rings (closed, counter-clockwise, simple).")
    w("")
    w("Fixture distances are chosen far from the 50 m radius (matches within ~10 m, misses beyond 120 m), and every")
    w(f"geometry is at least {int(MIN_BORDER_M)} m from every zone border, so tiny differences of projection or earth radius")
    w("cannot change a result. Polygons of the istanze are small rectangles (3.6-32 m²) around the point, entirely")
    w("inside or entirely outside each zone; `superficieMq` equals their area.")
    w("")
    w("## How `expected.json` is computed (model of §5-§7 in `generate.py`)")
    w("")
    w("1. Checklist (§5) with the allegati accumulated so far (istanza + integrazioni received); OSAPI / ERMES / GERI")
    w("   answers come from the fixtures, zones from `config/osp/zone-milano.geojson` (polygon if given, else point).")
    w("2. Round 1 enti = §6 routing on the first checklist (polizia-locale always; soprintendenza / mercati /")
    w("   arredo-urbano when their zone item is WARN; mobilita when `occupaCarreggiata`).")
    w("3. Each consulted ente answers the `pareri.json` entry for (istanza, ente, round), else `positivo`.")
    w("   The latest parere of every ente ever consulted is kept.")
    w("4. Outcome: **Negative** if any latest parere is `negativo` or OSAPI_PRECEDENTI / SCIA_SOMMINISTRAZIONE /")
    w("   MOROSITA_CANONE is FAIL in the current checklist -> `DINIEGO`; else **Integration** if an ente consulted in")
    w("   this round has non-empty `integrazioni` or ALLEGATI_OBBLIGATORI / IMPATTO_ACUSTICO is FAIL ->")
    w("   `RICHIESTA_INTEGRAZIONE`; else **Positive** -> `CONCESSIONE` (prescrizioni of the latest pareri merged).")
    w("5. After integration K the checklist is run again and round n+1 consults only the enti that asked")
    w("   integrazioni in round n (possibly none: then the outcome comes from the new checklist and earlier pareri).")
    w("6. `concessioneOsapi` = the final act is CONCESSIONE; `canoneGeri` = CONCESSIONE of a TEMPORANEA occupation.")
    w("")
    w("### Readings of the rules (where the text leaves room)")
    w("")
    w("- A denial ground (FAIL of OSAPI_PRECEDENTI / SCIA / MOROSITA) found in round 1 does not skip the round: the")
    w("  routed enti are still consulted (§7: the outcome is computed \"after every ente answered\"), so")
    w("  `entiPerRound[0]` lists them even for a DINIEGO.")
    w("- Negative beats Integration: an ente asking integrazioni in the same round as a `negativo` or a denial FAIL")
    w("  does not produce a RICHIESTA_INTEGRAZIONE (cases 26, 27).")
    w("- `conformazione` with only `prescrizioni` (empty `integrazioni`) is not an integration request.")
    w("- \"Asked integrazioni\" = non-empty `integrazioni`; in these fixtures only `conformazione` pareri carry them.")
    w("- A round that follows an integration requested only for allegati consults nobody: `entiPerRound` holds `[]`.")
    w("- An ente re-consulted in round n+1 replaces its earlier parere; prescrizioni of the final CONCESSIONE are those")
    w("  of each ente's latest parere (where an ente repeats a prescrizione in its later parere, the fixtures repeat it).")
    w("- `ELEMENTI_ESENTI` WARN (all elements exempt) affects neither routing nor outcome: the occupation is still")
    w("  processed and conceded (cases 28, 29).")
    w("- PERMANENTE istanze have no `periodo.al` (optional in the schema); STAGIONALE / TEMPORANEA have both dates.")
    w("- `luogo.poligono` is sometimes `null` and sometimes absent (both allowed), to exercise both forms.")
    w("")
    w("## Zones (`config/osp/zone-milano.geojson`, samples: `campione: true`)")
    w("")
    w("| id | tipo | nome | where (approximate) |")
    w("|---|---|---|---|")
    for z in ZONES:
        lons = [p[0] for p in z["ring"]]
        lats = [p[1] for p in z["ring"]]
        w(f"| {z['id']} | {z['tipo']} | {z['nome']} | {z['dove']}; lon {min(lons):.4f}-{max(lons):.4f}, "
          f"lat {min(lats):.4f}-{max(lats):.4f} |")
    w("")
    w("Overlaps of different types: VS-DUOMO with DU-DUOMO (piazza del Duomo), VS-DARSENA with DU-NAVIGLI (mouth of")
    w("the Naviglio Grande into the Darsena). The polygons are drawn from approximate knowledge of the places; they are")
    w("not the Comune's or the Soprintendenza's perimeters.")
    w("")
    w("## Cases")
    w("")
    w("Checklist columns (first round): OSAPI_PRECEDENTI, VINCOLO_SOPRINTENDENZA, AREA_MERCATALE, DECORO_URBANO,")
    w("ELEMENTI_ESENTI, IMPATTO_ACUSTICO, SCIA_SOMMINISTRAZIONE, MOROSITA_CANONE, ALLEGATI_OBBLIGATORI as")
    w("P(ASS) / W(ARN) / F(AIL). Enti: PL polizia-locale, SOPR soprintendenza, MERC mercati, ARR arredo-urbano,")
    w("MOB mobilita; `-` = a round consulting nobody. RI = RICHIESTA_INTEGRAZIONE.")
    w("")
    w("| istanza | covers | checklist | enti per round | rounds | comunicazioni | final |")
    w("|---|---|---|---|---|---|---|")
    for c, ist, cl, epr, com, trace, prescr, file_base in rows:
        chk = "".join(ABBR[cl[k]] for k in CHECK_CODES)
        enti = " / ".join(",".join(ENTE_ABBR[e] for e in r) or "-" for r in epr)
        final = "positivo" if com[-1] == "CONCESSIONE" else "negativo"
        if com[-1] == "CONCESSIONE" and ist["periodo"]["tipo"] == "TEMPORANEA":
            final += " + canone GERI"
        w(f"| `{ist['idIstanza']}` [{file_base}](istanze/{file_base}.json) | {c['covers']} | `{chk}` | {enti} | "
          f"{len(epr)} | {', '.join(COM_ABBR[x] for x in com)} | {final} |")
    w("")
    w("## Coverage (computed by `generate.py`; each branch at least twice)")
    w("")
    w("| branch | cases |")
    w("|---|---|")
    for key, nns in sorted(COVERAGE.items()):
        w(f"| {key} | {', '.join(f'{n:02d}' for n in nns)} |")
    w("")
    with open(os.path.join(HERE, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(L))


if __name__ == "__main__":
    main()
