// Alerts of new critical (emergency) cases: each flashes its place on the map and waits in the alert list at the
// top of the ticker until an operator acknowledges it (POST /api/alerts/{id}/acknowledge), which stops it on
// every screen: the acknowledged list is read again every 10 seconds.
import { Marker, type Map as MapLibreMap } from "maplibre-gl";
import { api, getJson, hasRole, problemText } from "../common/auth";
import { byId, el } from "../common/dom";
import { clock } from "../common/format";
import { name, t } from "../common/i18n";
import { finalStates, type SituationEvent } from "../common/types";
import { point, setOverlay } from "./overlays";
import { categoryName } from "./state";

export interface Alerts { offer(events: SituationEvent[], snapshot: boolean): void }

export function createAlerts(map: MapLibreMap, region: string, onSelect: (e: SituationEvent) => void): Alerts {
  const known = new Set<string>();
  const pending = new Map<string, SituationEvent>();
  const acknowledged = new Set<string>();
  const list = byId("alerts");
  const rings = new Map<string, Marker>();

  function render(): void {
    for (const id of acknowledged) pending.delete(id);
    const alerts = [...pending.values()].sort((a, b) => b.reportedAt.localeCompare(a.reportedAt));
    list.hidden = alerts.length === 0;
    list.replaceChildren(...alerts.map((e) => {
      const ack = hasRole("operator", "admin") ? el("button", { type: "button", "data-action": "acknowledge", "data-id": e.id }, t("acknowledge")) : null;
      ack?.addEventListener("click", async (click) => {
        click.stopPropagation();
        const response = await api(`/api/alerts/${encodeURIComponent(e.id)}/acknowledge`, { method: "POST" });
        if (response.ok) { acknowledged.add(e.id); render(); } else { ack.title = await problemText(response); }
      });
      const li = el("li", { class: "alert", "data-id": e.id },
        el("span", { class: "badge critical" }, t("criticalCase")),
        el("span", {}, `${clock(e.reportedAt)} ${categoryName(e.category, e.categoryName)} · ${name("state", e.state)}`),
        el("span", { class: "muted" }, e.address ?? e.cellCode), ack);
      li.addEventListener("click", () => onSelect(e));
      return li;
    }));
    setOverlay(map, "alerts", alerts.map((e) => point(e.location[0], e.location[1], { id: e.id })));
    // The flash is a CSS animation on a marker, so the map itself is not redrawn for it.
    for (const [id, ring] of rings) if (!pending.has(id)) { ring.remove(); rings.delete(id); }
    for (const e of alerts) {
      if (!rings.has(e.id)) rings.set(e.id, new Marker({ element: el("div", { class: "alert-mark", "data-id": e.id }, el("div", { class: "alert-ring" })) }).setLngLat(e.location).addTo(map));
    }
    byId("map").dataset.alerts = alerts.map((e) => e.id).join(",");
  }

  async function readAcknowledged(): Promise<void> {
    const read = await getJson<{ caseId: string }[]>(`/api/alerts/acknowledged?region=${encodeURIComponent(region)}`);
    if (!read) return;
    for (const a of read) acknowledged.add(a.caseId);
    render();
  }
  setInterval(() => void readAcknowledged(), 10_000);
  void readAcknowledged();

  return {
    offer(events, snapshot) {
      for (const e of events) {
        const isNew = !known.has(e.id);
        known.add(e.id);
        if (finalStates.has(e.state)) { pending.delete(e.id); continue; }
        // A snapshot's cases were there before this screen looked: only cases arriving later alert.
        if (!snapshot && isNew && e.urgency === "emergency" && !acknowledged.has(e.id)) pending.set(e.id, e);
      }
      render();
    },
  };
}
