#!/usr/bin/env python3
"""Writes the hostile-input corpus (one JSON manifest per case, one directory per channel). Run from this directory;
the manifests are committed, this script only keeps them consistent. See README.md for the format."""
import json, os, shutil, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = {}

def case(channel, slug, description, request, expected):
    CASES.setdefault(channel, []).append((slug, {"channel": channel, "description": description,
                                                  "request": request, "expected": expected}))

E400 = {"status": 400, "code": "ERROR_400_001"}
E_CUI = {"status": 500, "code": "ERROR_500_002"}
E_IDX = {"status": 500, "code": "ERROR_500_003"}
E_STATE = {"status": 500, "code": "ERROR_500_009"}
NUL = '"a\\u0000b"'          # the JSON escape of U+0000
RAW_NUL = '"a\u0000b"'       # an unescaped control character (invalid JSON)
HIGH = '"a\\ud800b"'         # lone high surrogate
LOW = '"a\\udc00b"'          # lone low surrogate
def mut(at, **kw):
    m = {"at": at}; m.update(kw); return m
def deep(n):
    return {"prefix": "[" * n, "repeat": "", "times": 0, "suffix": "]" * n}

# ------------------------------------------------------------------ SSU bo_to_fo (as the front-office)
SI = {"as": "fo", "method": "POST", "path": "/send_instance", "template": "ssu_send_instance"}
def si(slug, desc, mutations, expected=E400):
    case("ssu", "fo-send-instance-" + slug, "send_instance: " + desc, dict(SI, mutations=mutations), expected)

for field in ["/cui/context", "/cui/value", "/cui/progressive", "/cui/uuid", "/instance_descriptor_version",
              "/instance_index/0/code", "/instance_index/0/ref", "/instance_index/0/resource_id", "/instance_index/0/hash"]:
    name = field.strip("/").replace("/", "-").replace("_", "-")
    si("nul-" + name, "U+0000 (escaped) in " + field + ": PostgreSQL cannot store it", [mut(field, raw=NUL)])
for field in ["/cui/context", "/cui/value", "/instance_descriptor_version", "/instance_index/0/ref"]:
    name = field.strip("/").replace("/", "-").replace("_", "-")
    si("lone-high-surrogate-" + name, "lone high surrogate in " + field, [mut(field, raw=HIGH)])
    si("lone-low-surrogate-" + name, "lone low surrogate in " + field, [mut(field, raw=LOW)])
si("raw-nul-byte", "an unescaped U+0000 inside a string (not JSON)", [mut("/cui/context", raw=RAW_NUL)])
si("nul-in-key", "U+0000 in a property name", [mut("/cui/ext\u0000ra", json="x")])
si("nul-in-extra-field", "U+0000 in an extra property of the CUI", [mut("/cui/note", raw=NUL)])
si("uuid-dotdot", "cui.uuid '..' (names a path of the Catalogo)", [mut("/cui/uuid", json="..")], E_CUI)
si("uuid-traversal", "cui.uuid '../x'", [mut("/cui/uuid", json="../x")], E_CUI)
si("uuid-encoded-dotdot", "cui.uuid '%2e%2e'", [mut("/cui/uuid", json="%2e%2e")], E_CUI)
si("uuid-encoded-slash", "cui.uuid with %2F", [mut("/cui/uuid", json="00000000-0000-0000-0000-000000000000%2F..")], E_CUI)
si("uuid-empty", "cui.uuid empty", [mut("/cui/uuid", json="")], E_CUI)
si("uuid-sql", "cui.uuid SQL text", [mut("/cui/uuid", json="' or '1'='1")], E_CUI)
si("uuid-huge", "cui.uuid of 500 000 characters", [mut("/cui/uuid", generate={"prefix": '"', "repeat": "a", "times": 500000, "suffix": '"'})], E_CUI)
si("uuid-number", "cui.uuid a number", [mut("/cui/uuid", raw="12345")])
si("context-huge", "cui.context of 900 000 characters (the contract sets no maxLength)",
   [mut("/cui/context", generate={"prefix": '"', "repeat": "c", "times": 900000, "suffix": '"'})], E_CUI)
si("progressive-101", "cui.progressive of 101 characters", [mut("/cui/progressive", json="1" * 101)], E_CUI)
si("extra-cui-part-huge", "an extra CUI property of 200 000 characters",
   [mut("/cui/note", generate={"prefix": '"', "repeat": "n", "times": 200000, "suffix": '"'})], E_CUI)
si("text-5000", "a top-level text of 5 000 characters", [mut("/note", json="n" * 5000)])
si("key-huge", "a property name of 50 000 characters", [mut("/k" + "k" * 50000, json=1)])
si("cui-string", "cui a string", [mut("/cui", json="cui")])
si("cui-array", "cui an array", [mut("/cui", json=[1, 2])])
si("cui-null", "cui null", [mut("/cui", raw="null")])
si("cui-missing", "no cui", [mut("/cui", remove=True)])
si("cui-uuid-missing", "cui without uuid", [mut("/cui/uuid", remove=True)])
si("cui-data-not-date", "cui.data not a date", [mut("/cui/data", json="2026-02-30")])
si("version-number", "instance_descriptor_version a number", [mut("/instance_descriptor_version", raw="2")])
si("version-10000-digits", "instance_descriptor_version a number of 10 000 digits",
   [mut("/instance_descriptor_version", generate={"prefix": "", "repeat": "9", "times": 10000, "suffix": ""})])
si("float-1e400", "instance_descriptor_version 1e400", [mut("/instance_descriptor_version", raw="1e400")])
si("index-object", "instance_index an object", [mut("/instance_index", json={"a": 1})])
si("index-missing", "no instance_index", [mut("/instance_index", remove=True)])
si("index-item-null", "an instance_index item null", [mut("/instance_index/0", raw="null")])
si("alg-hash-md5", "alg_hash MD5", [mut("/instance_index/0/alg_hash", json="MD5")])
si("general-index-string", "general_index a string", [mut("/general_index", json="x")])
si("general-index-100k-items", "general_index of 100 000 empty objects",
   [mut("/general_index", generate={"prefix": "[{}", "repeat": ",{}", "times": 99999, "suffix": "]"})])
si("index-5000-items", "an instance_index of 5 000 entries",
   [mut("/instance_index", generate={"prefix": "[", "repeat": '{"code":"c","ref":"r","resource_id":"x","hash":"h","alg_hash":"S256"},', "times": 4999,
                                      "suffix": '{"code":"c","ref":"r","resource_id":"x","hash":"h","alg_hash":"S256"}]'})])
si("deep-nesting-10000", "10 000 nested arrays", [mut("/general_index", generate=deep(10000))])
si("deep-nesting-objects", "5 000 nested objects",
   [mut("/cui/note", generate={"prefix": '{"a":' * 5000, "repeat": "", "times": 0, "suffix": "1" + "}" * 5000})])
si("duplicate-cui", "the cui key twice (parsers disagree on which wins)",
   [mut("/zz", raw='0, "cui": {"context":"x","data":"2026-01-01","progressive":"1","uuid":"00000000-0000-0000-0000-000000000001"}')])
si("trailing-garbage", "a valid instance followed by garbage", [mut("/zz", raw='0} {"more": 1')])
si("body-over-limit", "a string that takes the body over 1 MiB (refused while streaming)",
   [mut("/cui/note", generate={"prefix": '"', "repeat": "a", "times": 1_200_000, "suffix": '"'})])
si("resource-id-traversal", "resource_id ../../etc/passwd", [mut("/instance_index/0/resource_id", json="../../etc/passwd")], E_IDX)
si("resource-id-slash", "resource_id with a slash", [mut("/instance_index/0/resource_id", json="a/b")], E_IDX)
si("resource-id-encoded", "resource_id %2e%2e%2f", [mut("/instance_index/0/resource_id", json="%2e%2e%2f")], E_IDX)
si("resource-id-huge", "resource_id of 100 000 characters",
   [mut("/instance_index/0/resource_id", generate={"prefix": '"', "repeat": "r", "times": 100000, "suffix": '"'})], E_IDX)
si("cui-value-101", "cui.value of 101 characters (the store keeps 100)", [mut("/cui/value", json="V" * 101)], E_CUI)
si("version-21", "instance_descriptor_version of 21 characters (the store keeps 20)", [mut("/instance_descriptor_version", json="1" * 21)])
si("index-code-201", "an instance_index code of 201 characters", [mut("/instance_index/0/code", json="C" * 201)], E_IDX)
si("index-ref-301", "an instance_index ref of 301 characters", [mut("/instance_index/0/ref", json="R" * 301)], E_IDX)
si("index-hash-201", "an instance_index hash of 201 characters", [mut("/instance_index/0/hash", json="h" * 201)], E_IDX)
si("same-value-other-uuid", "a second instance with the cui.value of a known one and another uuid",
   [mut("/cui/value", json="${cui_value}")], E_CUI)

def raw_body(slug, desc, path, body=None, bodyBase64=None, generate=None, expected=E400, who="fo"):
    r = {"as": who, "method": "POST", "path": path}
    if body is not None: r["body"] = body
    if bodyBase64 is not None: r["bodyBase64"] = bodyBase64
    if generate is not None: r["generate"] = generate
    case("ssu", slug, desc, r, expected)

raw_body("fo-send-instance-not-json", "send_instance: not JSON", "/send_instance", body="<xml/>")
raw_body("fo-send-instance-json-null", "send_instance: the JSON null", "/send_instance", body="null")
raw_body("fo-send-instance-json-array", "send_instance: an array", "/send_instance", body="[]")
raw_body("fo-send-instance-json-string", "send_instance: a string", "/send_instance", body='"x"')
raw_body("fo-send-instance-empty-object", "send_instance: {}", "/send_instance", body="{}")
raw_body("fo-send-instance-bom", "send_instance: a UTF-8 BOM before the JSON", "/send_instance", bodyBase64="77u/e30=")
raw_body("fo-send-instance-latin1", "send_instance: ISO-8859-1 bytes (not UTF-8) in a string", "/send_instance",
         bodyBase64="eyJjdWkiOnsiY29udGV4dCI6IunoIiwiZGF0YSI6IjIwMjYtMDEtMDEiLCJwcm9ncmVzc2l2ZSI6IjEiLCJ1dWlkIjoiMTExMTExMTEtMTExMS0xMTExLTExMTEtMTExMTExMTExMTExIn0sImluc3RhbmNlX2Rlc2NyaXB0b3JfdmVyc2lvbiI6IjEiLCJpbnN0YW5jZV9pbmRleCI6W10sImdlbmVyYWxfaW5kZXgiOltdfQ==")
raw_body("fo-send-instance-overlong-utf8", "send_instance: an overlong UTF-8 encoding of '/' (C0 AF)", "/send_instance",
         bodyBase64="eyJjdWkiOnsiY29udGV4dCI6IsCvIiwiZGF0YSI6IjIwMjYtMDEtMDEiLCJwcm9ncmVzc2l2ZSI6IjEiLCJ1dWlkIjoiMjIyMjIyMjItMjIyMi0yMjIyLTIyMjItMjIyMjIyMjIyMjIyIn0sImluc3RhbmNlX2Rlc2NyaXB0b3JfdmVyc2lvbiI6IjEiLCJpbnN0YW5jZV9pbmRleCI6W10sImdlbmVyYWxfaW5kZXgiOltdfQ==")
raw_body("fo-send-instance-2mib", "send_instance: 2 MiB of spaces (over suapgw.modi.max-body-bytes)", "/send_instance",
         generate={"prefix": "{", "repeat": " ", "times": 2 * 1024 * 1024, "suffix": "}"})
raw_body("fo-send-instance-deep-only", "send_instance: 10 000 nested arrays and nothing else", "/send_instance", generate=deep(10000))

NR = {"as": "fo", "method": "POST", "path": "/notify_receipt", "template": "ssu_notify_receipt"}
def nr(slug, desc, mutations, expected=E400):
    case("ssu", "fo-notify-receipt-" + slug, "notify_receipt: " + desc, dict(NR, mutations=mutations), expected)
nr("nul-date", "U+0000 in date", [mut("/date", raw=NUL)])
nr("impossible-date", "date 2026-02-30", [mut("/date", json="2026-02-30")])
nr("date-huge", "date of 200 000 characters", [mut("/date", generate={"prefix": '"', "repeat": "2", "times": 200000, "suffix": '"'})])
nr("date-number", "date a number", [mut("/date", raw="20260101")])
nr("unknown-cui", "a well-formed but unknown CUI", [], E_CUI)
nr("cui-traversal", "cui.uuid ../../x", [mut("/cui/uuid", json="../../x")], E_CUI)
nr("nul-cui-uuid", "U+0000 in cui.uuid", [mut("/cui/uuid", raw=NUL)])
nr("ended-instance", "a receipt for an instance already ended", [mut("/cui/uuid", json="${cui}")], E_STATE)

RT = {"as": "fo", "method": "POST", "path": "/retry", "template": "ssu_retry"}
case("ssu", "fo-retry-unknown-cui", "retry: unknown CUI", dict(RT), E_CUI)
case("ssu", "fo-retry-nul-operation", "retry: U+0000 in operation", dict(RT, mutations=[mut("/operation", raw=NUL)]), E400)
case("ssu", "fo-retry-sql-operation", "retry: SQL in operation of a known instance",
     dict(RT, mutations=[mut("/cui/uuid", json="${cui}"), mut("/operation", json="notify'; drop table pratica;--")]), E400)
case("ssu", "fo-retry-operation-object", "retry: operation an object", dict(RT, mutations=[mut("/operation", json={"a": 1})]), E400)

CI = {"as": "fo", "method": "POST", "path": "/cancel_instance", "template": "ssu_cancel_instance"}
case("ssu", "fo-cancel-unknown", "cancel_instance: unknown CUI", dict(CI), E_CUI)
case("ssu", "fo-cancel-nul-uuid", "cancel_instance: U+0000 in uuid", dict(CI, mutations=[mut("/uuid", raw=NUL)]), E400)
case("ssu", "fo-cancel-dotdot", "cancel_instance: uuid '..'", dict(CI, mutations=[mut("/uuid", json="..")]), E_CUI)
case("ssu", "fo-cancel-lone-surrogate", "cancel_instance: lone surrogate in context", dict(CI, mutations=[mut("/context", raw=HIGH)]), E400)

DOC = "/instance/${cui}/document/${rid}"
def doc(slug, desc, path=DOC, headers=None, expected=E400, who="fo"):
    case("ssu", who + "-document-" + slug, "document GET: " + desc,
         {"as": who, "method": "GET", "path": path, "headers": headers or {}}, expected)
doc("if-match-garbage", "If-Match with SQL text", headers={"If-Match": "\"'; drop table documento;--\""})
doc("if-match-star", "If-Match *", headers={"If-Match": "*"})
doc("if-match-huge", "If-Match of 6 000 characters", headers={"If-Match": {"repeat": "A", "times": 6000}})
doc("if-match-wrong", "If-Match a well-formed wrong hash", headers={"If-Match": "\"deadbeef\""}, expected={"status": 412, "code": "ERROR_412_001"})
doc("if-match-missing", "no If-Match", headers={}, expected={"status": 428, "code": "ERROR_428_001"})
doc("range-bomb", "Range of 1 500 one-byte parts", headers={"If-Match": "${hash}", "Range": {"prefix": "bytes=0-0", "repeat": ",0-0", "times": 1500}},
    expected={"status": 416, "code": "ERROR_416_001"})
doc("range-overflow", "Range beyond Long.MAX_VALUE", headers={"If-Match": "${hash}", "Range": "bytes=99999999999999999999999-"},
    expected={"status": 416, "code": "ERROR_416_001"})
doc("range-negative", "Range bytes=-0", headers={"If-Match": "${hash}", "Range": "bytes=-0"}, expected={"status": 416, "code": "ERROR_416_001"})
doc("range-unit", "Range in another unit", headers={"If-Match": "${hash}", "Range": "items=0-1"}, expected={"status": 416, "code": "ERROR_416_001"})
doc("range-reversed", "Range bytes=10-1", headers={"If-Match": "${hash}", "Range": "bytes=10-1"}, expected={"status": 416, "code": "ERROR_416_001"})
doc("rid-unknown", "an unknown resource_id", path="/instance/${cui}/document/nope", headers={"If-Match": "${hash}"},
    expected={"status": 404, "code": "ERROR_404_001"})
doc("rid-semicolon", "resource_id with ';' (refused by the HTTP firewall)", path="/instance/${cui}/document/a;b",
    headers={"If-Match": "${hash}"}, expected={"status": 400})
doc("rid-long", "resource_id of 300 characters", path="/instance/${cui}/document/" + "r" * 300, headers={"If-Match": "${hash}"})
doc("cui-not-uuid", "cui_uuid not a UUID", path="/instance/not-a-uuid/document/${rid}", headers={"If-Match": "${hash}"}, expected=E_CUI)
doc("cui-unknown", "an unknown cui_uuid", path="/instance/${uuid}/document/${rid}", headers={"If-Match": "${hash}"}, expected=E_CUI)
doc("cui-encoded-dotdot", "cui_uuid %2e%2e (refused by the HTTP firewall before the e-service)",
    path="/instance/%2e%2e/document/${rid}", headers={"If-Match": "${hash}"}, expected={"status": 400})
doc("rid-encoded-slash", "resource_id ..%2F..%2Fetc%2Fpasswd (refused by the HTTP firewall)",
    path="/instance/${cui}/document/..%2F..%2Fetc%2Fpasswd", headers={"If-Match": "${hash}"}, expected={"status": 400})
doc("rid-nul", "resource_id %00 (refused by the HTTP firewall)", path="/instance/${cui}/document/a%00b",
    headers={"If-Match": "${hash}"}, expected={"status": 400})

# ------------------------------------------------------------------ SSU et_to_bo (an ente terzo) and ri_to_bo (Registro Imprese)
for who, ops in (("et", ["/send_conclusions", "/request_integration", "/request_cdss", "/retry"]), ("ri", ["/retry"])):
    for op in ops:
        o = op.strip("/").replace("_", "-")
        raw_body(who + "-" + o + "-not-json", who + " " + op + ": not JSON", op, body="{{{", who=who)
        raw_body(who + "-" + o + "-nul", who + " " + op + ": U+0000 in the CUI", op,
                 body='{"cui":{"context":"a\\u0000","data":"2026-01-01","progressive":"1","uuid":"${uuid}"}}', who=who)
        raw_body(who + "-" + o + "-deep", who + " " + op + ": 10 000 nested arrays", op, generate=deep(10000), who=who)
    doc("cui-not-uuid", "cui_uuid not a UUID", path="/instance/..%20/document/${rid}", headers={"If-Match": "${hash}"}, expected=E_CUI, who=who)
    doc("if-match-garbage", "If-Match garbage", headers={"If-Match": "<script>"}, expected=E_CUI, who=who)

# ------------------------------------------------------------------ GEOPOST push (signed as geopost)
GP = {"method": "POST", "path": "/geopost/eventi", "template": "geopost/_istanza.json"}
GE = {"status": 400, "contains": "RICHIESTA_NON_VALIDA"}
def gp(slug, desc, mutations, expected=GE):
    case("geopost", slug, desc, dict(GP, mutations=mutations), expected)
for field in ["/istanza/richiedente/denominazione", "/istanza/richiedente/pec", "/istanza/luogo/indirizzo", "/istanza/idIstanza",
              "/istanza/periodo/dal"]:
    gp("nul-" + field.split("/")[-1].lower(), "U+0000 in " + field, [mut(field, raw=NUL)])
gp("lone-surrogate-denominazione", "lone surrogate in denominazione", [mut("/istanza/richiedente/denominazione", raw=HIGH)])
gp("lone-surrogate-indirizzo", "lone low surrogate in indirizzo", [mut("/istanza/luogo/indirizzo", raw=LOW)])
gp("missing-richiedente", "no richiedente", [mut("/istanza/richiedente", remove=True)])
gp("missing-luogo", "no luogo", [mut("/istanza/luogo", remove=True)])
gp("missing-seq", "no seq", [mut("/seq", remove=True)])
gp("seq-negative", "seq -1", [mut("/seq", raw="-1")])
gp("seq-zero", "seq 0", [mut("/seq", raw="0")])
gp("seq-beyond-long", "seq 99999999999999999999 (beyond a long)", [mut("/seq", raw="99999999999999999999")])
gp("seq-float", "seq 1.5", [mut("/seq", raw="1.5")])
gp("seq-string", "seq a string", [mut("/seq", json="1")])
gp("tipo-unknown", "tipo DEMOLIZIONE", [mut("/tipo", json="DEMOLIZIONE")])
gp("tipo-integrazione-with-istanza", "tipo INTEGRAZIONE carrying an istanza", [mut("/tipo", json="INTEGRAZIONE")])
gp("lon-out-of-range", "lon 999", [mut("/istanza/luogo/punto/lon", raw="999")])
gp("lat-nan", "lat NaN (not JSON)", [mut("/istanza/luogo/punto/lat", raw="NaN")])
gp("lat-string", "lat a string", [mut("/istanza/luogo/punto/lat", json="45.4")])
gp("poligono-huge", "a polygon of 100 000 points: over the 1 MiB GEOPOST may send, refused while streaming",
   [mut("/istanza/luogo/poligono", generate={"prefix": "[[9.18,45.48]", "repeat": ",[9.18,45.48]", "times": 99999, "suffix": "]"})],
   {"status": 413, "contentType": "application/problem+json"})
gp("poligono-250", "a polygon of 250 points (the contract allows 200)",
   [mut("/istanza/luogo/poligono", generate={"prefix": "[[9.18,45.48]", "repeat": ",[9.18,45.48]", "times": 249, "suffix": "]"})])
gp("poligono-point-3d", "a polygon point of 3 coordinates",
   [mut("/istanza/luogo/poligono", raw="[[9.1,45.4,1],[9.1,45.4],[9.1,45.4],[9.1,45.4]]")])
gp("poligono-deep", "10 000 nested arrays as polygon", [mut("/istanza/luogo/poligono", generate=deep(10000))])
gp("pec-regex-bomb", "a pec of 200 000 characters made to backtrack ('a@' + 'a.' * n + '@')",
   [mut("/istanza/richiedente/pec", generate={"prefix": '"a@', "repeat": "a.", "times": 100000, "suffix": '@"'})])
gp("pec-regex-bomb-spaces", "a pec made to backtrack ('a@' + 'a.' * n + ' ')",
   [mut("/istanza/richiedente/pec", generate={"prefix": '"a@', "repeat": "a.", "times": 100000, "suffix": ' "'})])
gp("pec-regex-bomb-short", "a 199-character pec made to backtrack",
   [mut("/istanza/richiedente/pec", generate={"prefix": '"a@', "repeat": "a.", "times": 98, "suffix": '@"'})])
gp("denominazione-huge", "denominazione of 1 000 000 characters",
   [mut("/istanza/richiedente/denominazione", generate={"prefix": '"', "repeat": "d", "times": 1000000, "suffix": '"'})])
gp("codice-fiscale-sql", "codiceFiscale with SQL", [mut("/istanza/richiedente/codiceFiscale", json="'; drop table pratica;--")])
gp("id-istanza-traversal", "idIstanza ../../x", [mut("/istanza/idIstanza", json="../../x")])
gp("allegato-not-base64", "an allegato whose contenuto is not base64",
   [mut("/istanza/allegati/-", json={"tipo": "ALTRO", "nome": "a.pdf", "mimeType": "application/pdf",
                                     "sha256": "0" * 64, "contenuto": "!!!!####"})])
gp("allegato-sha-mismatch", "an allegato whose SHA-256 does not match",
   [mut("/istanza/allegati/-", json={"tipo": "ALTRO", "nome": "a.pdf", "mimeType": "application/pdf",
                                     "sha256": "0" * 64, "contenuto": "JVBERi0xLjQK"})])
gp("allegato-nome-traversal", "an allegato named ../../etc/passwd",
   [mut("/istanza/allegati/-", json={"tipo": "ALTRO", "nome": "../../etc/passwd", "mimeType": "application/pdf",
                                     "sha256": "0" * 64, "contenuto": "JVBERi0xLjQK"})])
gp("extra-property", "a property the contract does not have", [mut("/istanza/admin", json=True)])
gp("duplicate-seq", "seq twice", [mut("/zz", raw='0, "seq": 1')])
gp("trailing-garbage", "an event followed by garbage", [mut("/zz", raw='0} {"x":1')])
case("geopost", "valid-event-in-latin1", "a valid event sent in ISO-8859-1 ('Ostilit\u00e0' is not UTF-8)",
     {"method": "POST", "path": "/geopost/eventi", "bodyLatin1": "geopost/_istanza.json"}, GE)
for slug, desc, r in [("not-json", "not JSON", {"body": "ciao"}), ("empty-object", "{}", {"body": "{}"}),
                      ("array", "an array", {"body": "[]"}), ("bom", "a UTF-8 BOM before the JSON", {"bodyBase64": "77u/eyJzZXEiOjF9"}),
                      ("latin1", "ISO-8859-1 bytes in a string", {"bodyBase64": "eyJzZXEiOjEsInRpcG8iOiLpIn0="}),
                      ("deep-nesting", "10 000 nested arrays", {"generate": deep(10000)}),
                      ("number-10000-digits", "seq of 10 000 digits", {"generate": {"prefix": '{"seq":', "repeat": "9", "times": 10000, "suffix": ',"tipo":"ISTANZA"}'}})]:
    case("geopost", "raw-" + slug, desc, dict({"method": "POST", "path": "/geopost/eventi"}, **r), GE)

# ------------------------------------------------------------------ operator API
P = {"status": 400, "contentType": "application/problem+json"}
NF = {"status": 404, "contentType": "application/problem+json"}
EMPTY = {"status": 200, "contains": "[]", "stores": False}
def api(slug, desc, path, auth="operatore", expected=None, method="GET", headers=None, body=None):
    r = {"method": method, "path": path, "auth": auth}
    if headers: r["headers"] = headers
    if body is not None: r["body"] = body
    case("api", slug, desc, r, expected or P)
api("state-unknown", "state=NOPE", "/api/pratiche?state=NOPE")
api("state-sql", "state with SQL", "/api/pratiche?state=%27%20or%201=1--")
api("state-nul", "state with %00", "/api/pratiche?state=a%00b")
api("cui-sql", "cui=' (not a UUID): a filter that matches nothing is an empty list", "/api/pratiche?cui=%27", expected=EMPTY)
api("cui-nul", "cui with %00", "/api/pratiche?cui=a%00b")
api("codice-nul", "codice with %00", "/api/pratiche?codice=a%00b")
api("codice-huge", "codice of 5 000 characters: matches nothing", "/api/pratiche?codice=" + "c" * 5000, expected=EMPTY)
api("id-not-uuid", "pratica id not a UUID", "/api/pratiche/not-a-uuid", expected=NF)
api("id-sql", "pratica id with SQL", "/api/pratiche/1%27%20or%201=1", expected=NF)
api("timeline-id-not-uuid", "timeline of an id not a UUID", "/api/pratiche/xyz/timeline", expected=NF)
api("id-unknown", "an unknown pratica", "/api/pratiche/${uuid}", expected={"status": 404, "contentType": "application/problem+json"})
api("id-traversal", "pratica id ..%2F..%2Fstats (HTTP firewall)", "/api/pratiche/..%2F..%2Fstats", expected={"status": 400})
api("dead-letters-category-nul", "dead letters category with %00", "/api/dead-letters?category=a%00", auth="amministratore")
api("replay-id-not-number", "replay of dead letter 'abc'", "/api/dead-letters/abc/replay", auth="amministratore", method="POST", expected=NF)
api("replay-id-unknown", "replay of an unknown dead letter", "/api/dead-letters/987654321/replay", auth="amministratore", method="POST",
    expected={"status": 404, "contentType": "application/problem+json"})
api("replay-id-overflow", "replay of dead letter 99999999999999999999999", "/api/dead-letters/99999999999999999999999/replay",
    auth="amministratore", method="POST", expected=NF)
U401 = {"status": 401}
F403 = {"status": 403}
for auth in ["none", "alg-none", "hs256-public-key", "expired", "wrong-audience", "tampered", "raw:Bearer garbage",
             "raw:Bearer a.b.c", "raw:Basic YWRtaW46YWRtaW4=", "raw:Bearer " + "A" * 4000]:
    slug = "token-" + auth.split(":")[0] + ("-" + str(zlib.crc32(auth.encode()) % 1000) if auth.startswith("raw") else "")
    api(slug, "a forged or invalid token: " + auth[:60], "/api/pratiche", auth=auth, expected=U401)
api("token-no-roles", "a genuine token without roles", "/api/pratiche", auth="no-roles", expected=F403)
api("token-unknown-role", "a genuine token with an unknown role", "/api/pratiche", auth="roles:root", expected=F403)
api("operatore-dead-letters", "an operatore on the dead letters", "/api/dead-letters", auth="operatore", expected=F403)
api("forged-roles-header", "SuapGw-Roles: amministratore from an operatore", "/api/dead-letters", auth="operatore",
    headers={"SuapGw-Roles": "amministratore"}, expected=F403)
api("forged-operator-header", "SuapGw-Operator without a token", "/api/pratiche", auth="none",
    headers={"SuapGw-Operator": "admin", "SuapGw-Roles": "amministratore"}, expected=U401)
api("forged-roles-replay", "SuapGw-Roles: amministratore on a replay by an operatore", "/api/dead-letters/1/replay", method="POST",
    auth="operatore", headers={"SuapGw-Roles": "amministratore"}, expected=F403)
DL = "${doc_path}?per=${doc_per}&scade=${doc_scade}&firma=${doc_firma}"
api("link-per-altered", "a document link for another recipient", "${doc_path}?per=amministratore&scade=${doc_scade}&firma=${doc_firma}",
    auth="none", expected=F403)
api("link-scade-altered", "a document link with a later expiry", "${doc_path}?per=${doc_per}&scade=99999999999&firma=${doc_firma}",
    auth="none", expected=F403)
api("link-firma-garbage", "a document link with a forged signature", "${doc_path}?per=${doc_per}&scade=${doc_scade}&firma=AAAA",
    auth="none", expected=F403)
api("link-firma-missing", "a document link without signature", "${doc_path}?per=${doc_per}&scade=${doc_scade}", auth="none", expected=F403)
api("link-scade-not-number", "a document link with scade not a number", "${doc_path}?per=${doc_per}&scade=domani&firma=${doc_firma}",
    auth="none", expected=F403)
api("link-other-document", "the signature of one document for another", "/api/documenti/" + "0" * 64 + "?per=${doc_per}&scade=${doc_scade}&firma=${doc_firma}",
    auth="none", expected=F403)
api("link-per-nul", "a document link with %00 in per", "${doc_path}?per=a%00b&scade=${doc_scade}&firma=${doc_firma}",
    auth="none")

# ------------------------------------------------------------------ the enti's JMS replies
def jms(slug, desc, expected, ente="polizia-locale", claimedUser=None, **body):
    r = {"ente": ente}
    if claimedUser: r["claimedUser"] = claimedUser
    r.update(body)
    case("jms", slug, desc, r, expected)
RR = {"deadLetter": "REPLY_REJECTED"}
SEC = {"deadLetter": "SECURITY"}
PAR = "jms/_parere.json"
jms("not-json", "not JSON", RR, body="this is not json")
jms("empty", "an empty message", RR, body="")
jms("raw-nul", "an unescaped U+0000 in the JSON", RR, body='{"idRichiesta":"a\u0000"}')
jms("nul-unknown-request", "U+0000 in motivazione of a reply for an unknown request", RR, template=PAR,
    mutations=[mut("/idRichiesta", json="${uuid}"), mut("/motivazione", raw=NUL)])
jms("nul-own-request", "U+0000 in motivazione of a reply for a request (PostgreSQL refuses it: no loop)", RR, template=PAR,
    mutations=[mut("/motivazione", raw=NUL)])
jms("nul-in-key", "U+0000 in a property name", RR, template=PAR, mutations=[mut("/x\u0000y", json=1)])
jms("lone-surrogate", "a lone surrogate in motivazione", RR, template=PAR, mutations=[mut("/motivazione", raw=HIGH)])
BROKER = {"brokerRefuses": True}
jms("huge-body", "3 MiB of text: the broker refuses it at the send (replies are at most 1 MiB)", BROKER,
    generate={"prefix": '{"motivazione":"', "repeat": "m", "times": 3 * 1024 * 1024, "suffix": '"}'})
jms("body-just-over-limit", "a reply of 1 MiB and a few bytes: refused at the send", BROKER,
    generate={"prefix": '{"motivazione":"', "repeat": "m", "times": 1024 * 1024, "suffix": '"}'})
jms("deep-nesting", "10 000 nested arrays", RR, generate=deep(10000))
jms("esito-unknown", "esito 'forse'", RR, template=PAR, mutations=[mut("/esito", json="forse")])
jms("missing-richiesta", "no idRichiesta", RR, template=PAR, mutations=[mut("/idRichiesta", remove=True)])
jms("richiesta-not-uuid", "idRichiesta not a UUID", RR, template=PAR, mutations=[mut("/idRichiesta", json="../x")])
jms("unknown-request", "a reply for an unknown request", RR, template=PAR, mutations=[mut("/idRichiesta", json="${uuid}")])
jms("already-answered", "a second reply for a request already answered", RR, template=PAR)
jms("duplicate-keys", "idRichiesta twice", RR, template=PAR, mutations=[mut("/zz", raw='0, "idRichiesta": "${uuid}"')])
jms("trailing-garbage", "a reply followed by garbage", RR, template=PAR, mutations=[mut("/zz", raw='0} {"x":1')])
jms("other-entes-request", "ATS answers a request of the Polizia Locale", SEC, ente="ats-milano", template=PAR)
jms("other-entes-user-claimed", "ATS claims the Polizia Locale's user on its own queue", SEC, ente="ats-milano",
    claimedUser="ente-polizia-locale", template=PAR)
jms("other-entes-name", "the Mercati answer a Polizia Locale request naming themselves", SEC, ente="mercati", template=PAR,
    mutations=[mut("/ente", json="mercati")])

# ------------------------------------------------------------------ scrivania SOAP
SOAP = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
        '<soapenv:Body>{}</soapenv:Body></soapenv:Envelope>')
SF = {"status": 500, "contains": "Fault"}
def sc(slug, desc, r, expected=SF):
    case("scrivania", slug, desc, dict({"method": "POST", "path": "/services/PddServiceEnte"}, **r), expected)
sc("nul-char-ref", "a character reference &#0; (not XML)", {"body": SOAP.format("<a>&#0;</a>")})
sc("not-xml", "not XML", {"body": "{\"json\":true}"})
sc("doctype-entity", "a DOCTYPE with an external entity", {"body": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                                                           + SOAP.format("<a>&e;</a>").split("?>", 1)[1]})
sc("deep-nesting", "10 000 nested elements", {"generate": {"prefix": SOAP.split("{}")[0] + "<a>" * 10000, "repeat": "", "times": 0,
                                                          "suffix": "</a>" * 10000 + SOAP.split("{}")[1]}})
SC_OP = '<scr:inviaSUAPEnte xmlns:scr="http://www.impresainungiorno.gov.it/suap/scrivania"><CooperazioneSUAPEnte><info-schema versione="'
sc("version-facet-backtracking", "info-schema versione of 40 000 digits and an 'x': the XSD facet (\\d+.)?\\d+.\\d+ backtracked cubically",
   {"generate": {"prefix": SOAP.split("{}")[0] + SC_OP, "repeat": "1", "times": 40000,
                 "suffix": 'x" data="2026-05-04"/></CooperazioneSUAPEnte></scr:inviaSUAPEnte>' + SOAP.split("{}")[1]}})

# ------------------------------------------------------------------ PEC replies (run by PecChannelIT)
# request: from ("vvf" = the registered address of the Vigili del Fuoco, or an address), envelope (demo = signed by the
# trusted demo provider; none; unsigned; foreign = signed by an unknown provider; tampered = demo, then one byte of the
# certified message changed), answers (request = the Message-ID of the open request; none; other-domain; unknown-request),
# subject, body or generate, html, parts (extra attachments), nesting (multipart levels), receipt (X-Ricevuta),
# attachmentBytes. ${codice}: a pratica whose request to the Vigili del Fuoco exists (and was answered).
PARERE = "Pratica: ${codice}\r\nTipo messaggio: parere\r\nEsito: POSITIVO\r\nMotivazione: conforme\r\nFirmatario: Ing. X\r\n"
def pec(slug, desc, expected, **r):
    req = {"from": "vvf", "envelope": "demo", "answers": "request", "subject": "Parere", "body": PARERE}
    req.update(r)
    case("pec", slug, desc, req, expected)
def Q(reason): return {"quarantine": reason}
ANSWERED = Q("was already answered")
pec("no-envelope", "a well-formed parere from the registered address, without a certified-mail envelope", Q("not a certified-mail transport envelope"), envelope="none")
pec("self-declared-envelope", "a plain message that declares X-Trasporto: posta-certificata itself", Q("the envelope is not signed"), envelope="self-declared")
pec("unsigned-envelope", "an envelope with postacert.eml and daticert.xml, unsigned", Q("the envelope is not signed"), envelope="unsigned")
pec("foreign-provider", "an envelope signed by a provider that is not trusted", Q("not a trusted PEC provider"), envelope="foreign")
pec("tampered", "an envelope whose certified message was changed after signing (POSITIVO → NEGATIVO)", Q("does not verify"), envelope="tampered")
pec("stranger-certified", "a genuine envelope certifying an address no ente is registered with", Q("not the registered PEC address"), **{"from": "sconosciuto@pec.example.it"})
pec("answers-nothing", "a certified parere that answers no message (no In-Reply-To, no References)", Q("answers no request of ours"), answers="none")
pec("answers-other-domain", "a certified parere answering a Message-ID of our form under another domain", Q("answers no request of ours"), answers="other-domain")
pec("answers-unknown-request", "a certified parere answering a request that does not exist", Q("not the request"), answers="unknown-request")
pec("already-answered", "a second certified parere for a request already answered", ANSWERED)
pec("no-pratica-line", "a certified message without the Pratica: line", Q("Pratica:"), body="Buongiorno, in allegato il parere.\r\n")
pec("unknown-pratica", "a certified parere naming a pratica that does not exist", Q("no pratica"), body=PARERE.replace("${codice}", "00000000000-01012026-0000"))
pec("pratica-huge", "a Pratica: line of 100 000 characters", Q("no pratica"),
    generate={"prefix": "Pratica: ", "repeat": "9", "times": 100000, "suffix": "\r\nTipo messaggio: parere\r\nEsito: POSITIVO\r\n"})
pec("esito-unknown", "Esito: forse", Q("is none of"), body=PARERE.replace("POSITIVO", "forse"))
pec("tipo-not-parere", "Tipo messaggio: richiesta-parere (our own request sent back)", Q("is not a parere"), body=PARERE.replace("Tipo messaggio: parere", "Tipo messaggio: richiesta-parere"))
pec("blank-lines", "lines of 200 000 blanks around the colons (made the line regex backtrack)", ANSWERED,
    generate={"prefix": "Pratica:" + " " * 200000 + "${codice}" + " " * 200000 + "\r\n" + " " * 200000 + ":" + " " * 200000 + "\r\n",
              "repeat": "", "times": 0, "suffix": "Tipo messaggio: parere\r\nEsito: POSITIVO\r\n"})
pec("html-open-tags", "an HTML body of 300 000 '<' (made the tag regex backtrack)", ANSWERED, html=True,
    generate={"prefix": "<p>Pratica: ${codice}</p><p>Tipo messaggio: parere</p><p>Esito: POSITIVO</p>", "repeat": "<", "times": 300000, "suffix": ""})
pec("too-many-parts", "150 attachments", Q("more than 100 MIME parts"), parts=150)
pec("deep-nesting", "multiparts nested 12 levels deep", Q("deeper than 8"), nesting=12)
pec("nul-in-text", "U+0000 in the Motivazione of a certified parere (PostgreSQL refuses it: one quarantine, no loop)", Q("U+0000"),
    body=PARERE.replace("conforme", "con\u0000forme"))
pec("nul-in-subject", "U+0000 in the subject of an uncertified message (kept in the quarantine's headers, no loop)",
    Q("not a certified-mail transport envelope"), envelope="none", subject="Parere\u0000nullo")
pec("oversized", "a message of 5 MiB (the IT reads at most 4 MiB): quarantined by its headers, never downloaded", Q("bytes, more than the"),
    attachmentBytes=5 * 1024 * 1024)
pec("receipt", "a provider's delivery receipt (X-Ricevuta: avvenuta-consegna)", {"deadLetter": "PEC_RECEIPT"}, envelope="none",
    receipt="avvenuta-consegna", body="Il messaggio è stato consegnato\r\n")

# ------------------------------------------------------------------ write
for ch in CASES:
    d = os.path.join(HERE, ch)
    if os.path.isdir(d):
        for f in os.listdir(d):
            if f.endswith(".json") and not f.startswith("_"): os.remove(os.path.join(d, f))
    os.makedirs(d, exist_ok=True)
    for i, (slug, m) in enumerate(CASES[ch], 1):
        with open(os.path.join(d, "%03d-%s.json" % (i, slug)), "w", encoding="utf-8") as f:
            json.dump(m, f, indent=2, ensure_ascii=True)
            f.write("\n")
print({ch: len(c) for ch, c in CASES.items()}, sum(len(c) for c in CASES.values()))
