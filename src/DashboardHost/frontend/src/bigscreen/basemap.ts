// The basemap under the situation map: roads, water, parks and buildings from the engine's own tiles
// (cut from the city's basemap, or a configured PMTiles/MBTiles extract in the OpenMapTiles schema),
// styled for a dark wall. Labels are Chinese names drawn with the screen's own CJK font: the glyph
// address answers empty ranges, so nothing is fetched from outside the engine.
import { addProtocol, type LayerSpecification, type SourceSpecification } from "maplibre-gl";
import { PMTiles, Protocol } from "pmtiles";
import { getJson } from "../common/auth";
import type { Schemas } from "../common/types";

export type BasemapDescription = Schemas["BasemapDescription"];

/** The glyph address MapLibre needs for text layers; the engine answers every range empty. */
export const glyphs = `${location.origin}/api/map/glyphs/{fontstack}/{range}.pbf`;

/** The screen's own CJK fonts: Debian's Noto CJK, or what a Windows or Kylin/UOS wall has. */
export const localFonts = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif";

const colours = {
  water: "#0a3556", park: "#0c2e26", building: "#15243b", buildingLine: "#1e3657",
  minor: "#1b2d45", secondary: "#24405f", primary: "#2f5f8f", casing: "#06121f", label: "#9ec9ee", halo: "#04101f",
};

let protocolAdded = false;

/** The basemap's source, or null when the engine has none. */
export async function basemapSource(): Promise<SourceSpecification | null> {
  const found = await getJson<BasemapDescription>("/api/map/basemap");
  if (!found || found.kind === "none") return null;
  if (found.kind === "pmTiles" && found.archive) {
    if (!protocolAdded) {
      const protocol = new Protocol();
      addProtocol("pmtiles", protocol.tile);
      protocol.add(new PMTiles(`${location.origin}${found.archive}`));
      protocolAdded = true;
    }
    return { type: "vector", url: `pmtiles://${location.origin}${found.archive}` };
  }
  return { type: "vector", tiles: [`${location.origin}${found.tiles}`], minzoom: found.minZoom, maxzoom: found.maxZoom };
}

const name: unknown = ["coalesce", ["get", "name:zh"], ["get", "name"]];

/** Layers drawn under the grid's outlines and the devices. */
export function basemapLayers(): LayerSpecification[] {
  const road = (id: string, classes: string[], colour: string, widths: [number, number, number, number], minzoom = 0): LayerSpecification => ({
    id, type: "line", source: "basemap", "source-layer": "transportation", minzoom,
    filter: ["in", ["get", "class"], ["literal", classes]],
    layout: { "line-cap": "round", "line-join": "round" },
    paint: { "line-color": colour, "line-width": ["interpolate", ["exponential", 1.6], ["zoom"], widths[0], widths[1], widths[2], widths[3]] },
  });
  return [
    { id: "basemap-park", type: "fill", source: "basemap", "source-layer": "park", paint: { "fill-color": colours.park } },
    { id: "basemap-water", type: "fill", source: "basemap", "source-layer": "water", paint: { "fill-color": colours.water } },
    {
      id: "basemap-building", type: "fill", source: "basemap", "source-layer": "building", minzoom: 13,
      paint: { "fill-color": colours.building, "fill-outline-color": colours.buildingLine, "fill-opacity": ["interpolate", ["linear"], ["zoom"], 13, 0, 14.5, 1] },
    },
    road("basemap-road-minor", ["minor", "service", "tertiary"], colours.minor, [12, 0.5, 18, 10], 12),
    road("basemap-road-secondary", ["secondary"], colours.secondary, [10, 0.6, 18, 16], 10),
    road("basemap-road-primary", ["primary", "trunk", "motorway"], colours.primary, [8, 0.8, 18, 24]),
  ];
}

/** Chinese labels of roads, water and parks, drawn above everything but the markers. */
export function basemapLabels(): LayerSpecification[] {
  const text = { "text-font": ["Noto Sans CJK SC Regular"], "text-field": name, "text-size": ["interpolate", ["linear"], ["zoom"], 11, 11, 17, 16] };
  const paint = { "text-color": colours.label, "text-halo-color": colours.halo, "text-halo-width": 1.5 };
  return [
    {
      id: "basemap-label-water", type: "symbol", source: "basemap", "source-layer": "water", minzoom: 11, filter: ["has", "name"],
      layout: { ...text, "symbol-placement": "point" } as LayerSpecification["layout"], paint: { ...paint, "text-color": "#6fb6e6" },
    } as LayerSpecification,
    {
      id: "basemap-label-park", type: "symbol", source: "basemap", "source-layer": "park", minzoom: 13, filter: ["has", "name"],
      layout: { ...text, "symbol-placement": "point" } as LayerSpecification["layout"], paint: { ...paint, "text-color": "#7fc7a0" },
    } as LayerSpecification,
    {
      id: "basemap-label-road", type: "symbol", source: "basemap", "source-layer": "transportation", minzoom: 13, filter: ["has", "name"],
      layout: { ...text, "symbol-placement": "line", "symbol-spacing": 400 } as LayerSpecification["layout"], paint,
    } as LayerSpecification,
  ];
}
