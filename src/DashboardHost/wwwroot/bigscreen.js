// The big-screen situation map: the city's regions drawn from the engine's own GeoJSON (no map tiles).
import { api, claims, requireLogin, onLanguageChange } from "./auth.js";
import { lang } from "./i18n.js";

const palette = ["#1f8fff", "#13c2c2", "#9254de", "#fa8c16", "#52c41a", "#eb2f96"];
let regions = [];

function nameOf(p) {
  return lang() === "en" ? (p.nameEn ?? p.name) : p.name;
}

function rings(geometry) {
  return geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
}

// Equirectangular projection corrected for latitude; good enough at city scale.
function projector(features, width, height) {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const f of features) for (const poly of rings(f.geometry)) for (const [x, y] of poly[0]) {
    minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  const k = Math.cos(((minY + maxY) / 2) * Math.PI / 180);
  const scale = 0.95 * Math.min(width / ((maxX - minX) * k), height / (maxY - minY));
  const ox = (width - (maxX - minX) * k * scale) / 2, oy = (height - (maxY - minY) * scale) / 2;
  return ([x, y]) => [ox + (x - minX) * k * scale, oy + (maxY - y) * scale];
}

function pathOf(geometry, project) {
  return rings(geometry).map((poly) => poly.map((ring) => "M" + ring.map((c) => project(c).map((v) => v.toFixed(1)).join(",")).join("L") + "Z").join("")).join("");
}

function draw() {
  const svg = document.getElementById("map");
  const { width, height } = svg.getBoundingClientRect();
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.replaceChildren();
  const shapes = regions.filter((f) => f.properties.level !== "city");
  if (shapes.length === 0) return;
  const project = projector(shapes, width, height);
  const districts = shapes.filter((f) => f.properties.level === "district");
  const colour = new Map(districts.map((d, i) => [d.properties.code, palette[i % palette.length]]));
  const ns = "http://www.w3.org/2000/svg";
  const tooltip = document.getElementById("tooltip");
  for (const level of ["district", "street", "community"]) {
    for (const f of shapes.filter((s) => s.properties.level === level)) {
      const el = document.createElementNS(ns, "path");
      el.setAttribute("d", pathOf(f.geometry, project));
      el.setAttribute("class", level);
      el.dataset.code = f.properties.code;
      if (level === "district") el.setAttribute("fill", colour.get(f.properties.code));
      if (level === "community") {
        el.addEventListener("mousemove", (e) => {
          tooltip.hidden = false;
          tooltip.textContent = `${nameOf(f.properties)} · ${f.properties.code}`;
          tooltip.style.left = `${e.offsetX + 12}px`;
          tooltip.style.top = `${e.offsetY + 12}px`;
        });
        el.addEventListener("mouseleave", () => { tooltip.hidden = true; });
      }
      svg.appendChild(el);
    }
  }
  for (const d of districts) {
    const b = d.geometry.type === "Polygon" ? d.geometry.coordinates[0] : d.geometry.coordinates[0][0];
    const cx = b.reduce((s, c) => s + c[0], 0) / b.length, cy = b.reduce((s, c) => s + c[1], 0) / b.length;
    const [x, y] = project([cx, cy]);
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", x); label.setAttribute("y", y);
    label.textContent = nameOf(d.properties);
    svg.appendChild(label);
  }
  const list = document.getElementById("district-list");
  list.replaceChildren(...districts.map((d) => {
    const li = document.createElement("li");
    li.innerHTML = `<i style="background:${colour.get(d.properties.code)}"></i><span></span>`;
    li.querySelector("span").textContent = `${nameOf(d.properties)} (${d.properties.code})`;
    return li;
  }));
  const city = regions.find((f) => f.properties.level === "city");
  document.getElementById("city-name").textContent = city ? nameOf(city.properties) + " · " : "";
  for (const level of ["district", "street", "community"]) {
    document.getElementById(`count-${level}`).textContent = shapes.filter((s) => s.properties.level === level).length;
  }
}

function tick() {
  document.getElementById("clock").textContent = new Date().toLocaleString(lang());
}

requireLogin(async () => {
  const me = claims();
  document.getElementById("user").textContent = me?.name ?? "";
  const response = await api("/api/map/regions");
  regions = (await response.json()).features;
  draw();
  document.body.dataset.ready = "true";
});
onLanguageChange(draw);
window.addEventListener("resize", draw);
setInterval(tick, 1000);
tick();
