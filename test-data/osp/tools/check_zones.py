#!/usr/bin/env python3
"""Checks the OSP test data against the zones, independently of generate.py.

    python3 test-data/osp/tools/check_zones.py [repository root]

- every zone of config/osp/zone-milano.geojson: a Polygon with one closed, counter-clockwise, non
  self-intersecting ring, properties id / nome / tipo (VINCOLO_SOPRINTENDENZA | AREA_MERCATALE | DECORO_URBANO)
  / campione: true / nota;
- every istanza of expected.json (`file` = its name under istanze/): its geometry (polygon when given, else point) intersects exactly the zone
  types for which the expected first-round checklist says WARN (VINCOLO_SOPRINTENDENZA, AREA_MERCATALE,
  DECORO_URBANO), and stays at least 30 m from every zone border (so point/polygon tests are unambiguous);
  an istanza polygon is closed, counter-clockwise, simple and contains its point.

Point in polygon by winding number, distances on a local tangent plane centred on each istanza
(haversine-scaled), polygon/zone intersection by vertex containment plus edge crossing.
Python 3 standard library only. Exit status 1 on any failure.
"""
import json
import math
import os
import sys

TYPES = ("VINCOLO_SOPRINTENDENZA", "AREA_MERCATALE", "DECORO_URBANO")
MIN_BORDER_M = 30.0
R = 6371008.8


def plane(lat0, lon0):
    """Projection to metres on the plane tangent at (lat0, lon0)."""
    ky = math.pi * R / 180.0
    kx = ky * math.cos(math.radians(lat0))
    return lambda p: ((p[0] - lon0) * kx, (p[1] - lat0) * ky)


def winding(pt, ring):
    """Winding number of ring around pt (non-zero = inside)."""
    x, y = pt
    wn = 0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        cross = (x2 - x1) * (y - y1) - (x - x1) * (y2 - y1)
        if y1 <= y < y2 and cross > 0:
            wn += 1
        elif y2 <= y < y1 and cross < 0:
            wn -= 1
    return wn


def seg_dist(p, a, b):
    ax, ay = a
    vx, vy = b[0] - ax, b[1] - ay
    wx, wy = p[0] - ax, p[1] - ay
    ll = vx * vx + vy * vy
    t = 0.0 if ll == 0 else min(1.0, max(0.0, (wx * vx + wy * vy) / ll))
    return math.hypot(wx - t * vx, wy - t * vy)


def crosses(a, b, c, d):
    def side(p, q, r):
        v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (v > 0) - (v < 0)
    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def shoelace(ring):
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:])) / 2.0


def simple(ring):
    edges = list(zip(ring, ring[1:]))
    n = len(edges)
    for i in range(n):
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue
            if crosses(*edges[i], *edges[j]):
                return False
    return True


def main():
    root = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else \
        os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
    data = os.path.join(root, "test-data", "osp")
    errors = []
    with open(os.path.join(root, "config", "osp", "zone-milano.geojson"), encoding="utf-8") as f:
        fc = json.load(f)
    assert fc.get("type") == "FeatureCollection"
    zones = []
    for feat in fc["features"]:
        pr, geom = feat["properties"], feat["geometry"]
        zid = pr.get("id")
        if pr.get("tipo") not in TYPES or pr.get("campione") is not True or not pr.get("nome") or not pr.get("nota"):
            errors.append(f"zone {zid}: bad properties {pr}")
        if geom["type"] != "Polygon" or len(geom["coordinates"]) != 1:
            errors.append(f"zone {zid}: not a single-ring Polygon")
        ring = geom["coordinates"][0]
        lat_c = sum(p[1] for p in ring) / len(ring)
        lon_c = sum(p[0] for p in ring) / len(ring)
        proj = plane(lat_c, lon_c)
        local = [proj(p) for p in ring]
        if ring[0] != ring[-1] or len(ring) < 4:
            errors.append(f"zone {zid}: ring not closed")
        if shoelace(local) <= 0:
            errors.append(f"zone {zid}: ring not counter-clockwise")
        if not simple(local):
            errors.append(f"zone {zid}: ring self-intersects")
        if not (8.9 <= lon_c <= 9.5 and 45.3 <= lat_c <= 45.6):
            errors.append(f"zone {zid}: not in Milan")
        zones.append((zid, pr.get("tipo"), ring))
    ids = [z[0] for z in zones]
    if len(set(ids)) != len(ids):
        errors.append("duplicate zone ids")

    with open(os.path.join(data, "expected.json"), encoding="utf-8") as f:
        expected = json.load(f)
    print(f"{len(zones)} zones, {len(expected)} istanze")
    print(f"{'istanza':16} {'geometry':8} {'zones':40} {'min border m':>12}  result")
    counts = {t: 0 for t in TYPES}
    outside = 0
    for exp in expected:
        with open(os.path.join(data, "istanze", exp["file"]), encoding="utf-8") as f:
            ist = json.load(f)
        if ist["idIstanza"] != exp["idIstanza"]:
            errors.append(f"{exp['file']}: idIstanza {ist['idIstanza']} != {exp['idIstanza']}")
        pt = (ist["luogo"]["punto"]["lon"], ist["luogo"]["punto"]["lat"])
        poly = ist["luogo"].get("poligono")
        proj = plane(pt[1], pt[0])
        p0 = proj(pt)
        geom = [proj(p) for p in poly] if poly else [p0]
        if poly:
            if poly[0] != poly[-1] or len(poly) < 4:
                errors.append(f"{exp['idIstanza']}: poligono not closed")
            if shoelace(geom) <= 0:
                errors.append(f"{exp['idIstanza']}: poligono not counter-clockwise")
            if not simple(geom):
                errors.append(f"{exp['idIstanza']}: poligono self-intersects")
            if winding(p0, geom) == 0:
                errors.append(f"{exp['idIstanza']}: punto outside its poligono")
            area = abs(shoelace(geom))
            if not 3 <= area <= 60:
                errors.append(f"{exp['idIstanza']}: poligono area {area:.1f} m2 outside 3-60")
        hit, names, min_d = set(), [], float("inf")
        for zid, tipo, ring in zones:
            zl = [proj(p) for p in ring]
            inside = [winding(g, zl) != 0 for g in geom]
            edge_cross = poly is not None and any(
                crosses(a, b, c, d) for a, b in zip(geom, geom[1:]) for c, d in zip(zl, zl[1:]))
            zone_in_geom = poly is not None and any(winding(z, geom) != 0 for z in zl)
            if any(inside) or edge_cross or zone_in_geom:
                hit.add(tipo)
                names.append(zid)
                if not all(inside) or edge_cross:
                    errors.append(f"{exp['idIstanza']}: geometry straddles the border of {zid}")
            d = min(seg_dist(g, a, b) for g in geom for a, b in zip(zl, zl[1:]))
            if poly:
                d = min(d, min(seg_dist(z, a, b) for z in zl for a, b in zip(geom, geom[1:])))
            min_d = min(min_d, d)
        want = {t for t in TYPES if exp["checklist"][t] == "WARN"}
        for t in TYPES:
            if exp["checklist"][t] not in ("PASS", "WARN"):
                errors.append(f"{exp['idIstanza']}: checklist {t} = {exp['checklist'][t]}")
        ok = hit == want and min_d >= MIN_BORDER_M
        if hit != want:
            errors.append(f"{exp['idIstanza']}: geometry in {sorted(hit)}, expected checklist says {sorted(want)}")
        if min_d < MIN_BORDER_M:
            errors.append(f"{exp['idIstanza']}: only {min_d:.1f} m from a zone border")
        for t in hit:
            counts[t] += 1
        outside += not hit
        print(f"{exp['idIstanza']:16} {'polygon' if poly else 'point':8} {','.join(names) or '-':40} "
              f"{min_d:12.1f}  {'OK' if ok else 'FAIL'}")
    print("istanze per zone type: " + ", ".join(f"{t} {n}" for t, n in counts.items()) + f", outside all {outside}")
    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print(" - " + e)
        print(f"0 passed, {len(errors)} failed")
        sys.exit(1)
    print(f"{len(expected)} passed, 0 failed")


if __name__ == "__main__":
    main()
