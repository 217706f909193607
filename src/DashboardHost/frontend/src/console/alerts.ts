// The console's 紧急警情: the open emergency cases of the user's region, those no operator has acknowledged
// first. Acknowledging one here (POST /api/alerts/{id}/acknowledge) stops it flashing on every big screen,
// as acknowledging it there does; the list is read again every 10 seconds.
import { api, getJson, hasRole, homeRegion, problemText } from "../common/auth";
import { byId, el } from "../common/dom";
import { t } from "../common/i18n";
import { time } from "../common/format";
import { eventStates, finalStates, type EventSummary } from "../common/types";

interface Acknowledgement { caseId: string; by: string; at: string }

export function startAlerts(categoryName: (code: string, fallback?: string) => string, open: (id: string) => void): () => Promise<void> {
  const strip = byId("alert-strip");
  const list = byId("console-alerts");
  let latest: { cases: EventSummary[]; acknowledged: Map<string, Acknowledgement> } = { cases: [], acknowledged: new Map() };

  function render(): void {
    const { cases, acknowledged } = latest;
    const ordered = [...cases].sort((a, b) => Number(acknowledged.has(a.id)) - Number(acknowledged.has(b.id)) || b.reportedAt.localeCompare(a.reportedAt));
    strip.hidden = ordered.length === 0;
    strip.dataset.pending = String(ordered.filter((e) => !acknowledged.has(e.id)).length);
    list.replaceChildren(...ordered.map((e) => {
      const ack = acknowledged.get(e.id);
      const item = el("li", { "data-id": e.id, class: ack ? "acknowledged" : "pending" },
        el("span", { class: "alert-case" }, `${categoryName(e.category, e.categoryName)} · ${e.id}`),
        el("span", { class: "muted" }, `${e.address ?? e.cellCode} · ${time(e.reportedAt)}`),
        ack ? el("span", { class: "muted" }, `${t("acknowledgedBy")} ${ack.by} ${time(ack.at)}`) : "");
      if (!ack && hasRole("operator", "admin")) {
        const button = el("button", { type: "button", "data-action": "acknowledge" }, t("acknowledge"));
        button.addEventListener("click", async (event) => {
          event.stopPropagation();
          button.disabled = true;
          const response = await api(`/api/alerts/${encodeURIComponent(e.id)}/acknowledge`, { method: "POST" });
          if (response.ok) await refresh();
          else { button.disabled = false; button.title = await problemText(response); }
        });
        item.append(button);
      }
      item.addEventListener("click", () => open(e.id));
      return item;
    }));
  }

  async function refresh(): Promise<void> {
    const region = encodeURIComponent(homeRegion());
    const open = eventStates.filter((s) => !finalStates.has(s)).join(",");
    const [cases, acknowledged] = await Promise.all([
      getJson<EventSummary[]>(`/api/events?urgency=emergency&status=${open}&region=${region}&limit=100`),
      getJson<Acknowledgement[]>(`/api/alerts/acknowledged?region=${region}`),
    ]);
    if (!cases) return;
    latest = { cases, acknowledged: new Map((acknowledged ?? []).map((a) => [a.caseId, a])) };
    render();
  }

  void refresh();
  setInterval(() => void refresh(), 10_000);
  return refresh;
}
