package it.comune.milano.suapgw.gateway.osp;

import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.PrecisionModel;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.geojson.GeoJsonReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The city zones (GeoJSON, WGS84) that the checklist tests a place against, with JTS. */
public class CityZones {
    public record Zona(String id, String nome, String tipo, Geometry geometry) {
    }

    private static final GeometryFactory GEOMETRY = new GeometryFactory(new PrecisionModel(), 4326);
    private final List<Zona> zone;

    public CityZones(List<Zona> zone) {
        this.zone = List.copyOf(zone);
    }

    public static CityZones load(Path geojson) {
        try {
            JsonNode fc = new ObjectMapper().readTree(Files.readString(geojson));
            GeoJsonReader reader = new GeoJsonReader(GEOMETRY);
            List<Zona> out = new ArrayList<>();
            for (JsonNode f : fc.path("features")) {
                Geometry g = reader.read(f.path("geometry").toString());
                if (!g.isValid()) {
                    throw new IllegalStateException("zone " + f.path("properties").path("id").asText() + " is not a valid polygon");
                }
                JsonNode p = f.path("properties");
                out.add(new Zona(p.path("id").asText(), p.path("nome").asText(), p.path("tipo").asText(), g));
            }
            return new CityZones(out);
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("cannot read city zones " + geojson + ": " + e.getMessage(), e);
        }
    }

    /** The place of an istanza: its occupied polygon when drawn, else its point. */
    public static Geometry place(IstanzaOsp i) {
        if (i.poligono() != null) {
            Coordinate[] ring = i.poligono().stream().map(p -> new Coordinate(p[0], p[1])).toArray(Coordinate[]::new);
            if (!ring[0].equals2D(ring[ring.length - 1])) {
                Coordinate[] closed = new Coordinate[ring.length + 1];
                System.arraycopy(ring, 0, closed, 0, ring.length);
                closed[ring.length] = ring[0];
                ring = closed;
            }
            Geometry g = GEOMETRY.createPolygon(ring);
            if (g.isValid()) return g;
            // a self-intersecting drawing still occupies its area: repair instead of failing the check
            return g.buffer(0);
        }
        return GEOMETRY.createPoint(new Coordinate(i.lon(), i.lat()));
    }

    /** The zones of a type that the place touches. */
    public List<Zona> intersecting(Geometry place, String tipo) {
        return zone.stream().filter(z -> z.tipo().equals(tipo) && z.geometry().intersects(place)).toList();
    }
}
