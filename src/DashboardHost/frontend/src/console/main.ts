// The operator/dispatcher console (中屏): find cases, read their history and audit trail, move them on.
import "../common/app.css";
import "./console.css";
import { api, claims, getJson, hasRole, homeRegion, problemText, requireLogin } from "../common/auth";
import { byId, el } from "../common/dom";
import { loadDomainRules } from "../common/domain";
import { act, needsReason, uploadEvidence, uploadReportEvidence, type ActionRequest, type ActionResult } from "../common/events";
import { countdown, time } from "../common/format";
import { lang, name, onLanguageChange, t } from "../common/i18n";
import { startAlerts } from "./alerts";
import { eventStates, type AuditTrail, type Catalogue, type EventDetail, type EventSummary, type RegionFeatureProps } from "../common/types";

let catalogue: Catalogue | null = null;
let regions: RegionFeatureProps[] = [];
let events: EventSummary[] = [];
let selected: string | null = null;

function localName(x: { name: string; nameEn?: string | null }): string {
  return lang() === "en" ? (x.nameEn ?? x.name) : x.name;
}

function categoryName(code: string, fallback?: string): string {
  const c = catalogue?.categories.find((x) => x.code === code);
  return c ? localName(c) : fallback ?? code;
}

function departmentName(code: string | null): string {
  if (!code) return "—";
  const d = catalogue?.departments.find((x) => x.code === code);
  return d ? localName(d) : code;
}

function options(select: HTMLSelectElement, items: [string, string][], empty: string | null): void {
  const value = select.value;
  select.replaceChildren(...(empty === null ? [] : [el("option", { value: "" }, empty)]), ...items.map(([v, label]) => el("option", { value: v }, label)));
  select.value = value;
}

function fillFilters(): void {
  const form = byId<HTMLFormElement>("filters");
  options(form.elements.namedItem("status") as HTMLSelectElement, eventStates.map((s) => [s, name("state", s)]), `${t("status")}: ${t("all")}`);
  options(form.elements.namedItem("region") as HTMLSelectElement,
    regions.filter((r) => r.level === "district" || r.level === "street").map((r) => [r.code, `${r.level === "street" ? "　" : ""}${localName(r)}`]),
    `${t("region")}: ${t("all")}`);
  options(form.elements.namedItem("department") as HTMLSelectElement, (catalogue?.departments ?? []).map((d) => [d.code, localName(d)]), `${t("department")}: ${t("all")}`);
  options(form.elements.namedItem("category") as HTMLSelectElement, (catalogue?.categories ?? []).map((c) => [c.code, localName(c)]), `${t("category")}: ${t("all")}`);
  const report = byId<HTMLFormElement>("report-form");
  options(report.elements.namedItem("category") as HTMLSelectElement, (catalogue?.categories ?? []).map((c) => [c.code, localName(c)]), null);
  options(report.elements.namedItem("urgency") as HTMLSelectElement, ["normal", "urgent", "emergency"].map((u) => [u, name("urgency", u)]), "—");
}

async function loadEvents(): Promise<void> {
  const form = byId<HTMLFormElement>("filters");
  const data = new FormData(form);
  const query = new URLSearchParams({ limit: "500" });
  for (const key of ["status", "region", "department", "category"]) {
    const v = String(data.get(key) ?? "");
    if (v) query.set(key, v);
  }
  if (!query.has("region")) query.set("region", homeRegion());
  if (data.get("overdue") === "on") query.set("overdue", "true");
  const response = await api(`/api/events?${query}`);
  if (!response.ok) {
    events = [];
    byId("list-status").textContent = response.status === 404 ? t("unavailable") : await problemText(response);
  } else {
    events = (await response.json()) as EventSummary[];
    byId("list-status").textContent = "";
  }
  renderTable();
  // A case moved on elsewhere (another user, the engine) since its detail was read: read it again, so the actions offered are current.
  const shown = byId("detail").dataset;
  const current = events.find((e) => e.id === selected);
  if (current && shown.id === current.id && shown.state !== current.state) await openEvent(current.id);
}

function renderTable(): void {
  const q = String(new FormData(byId<HTMLFormElement>("filters")).get("q") ?? "").trim().toLowerCase();
  const shown = q
    ? events.filter((e) => [e.id, e.description, e.address, e.categoryName, categoryName(e.category), e.assignee, e.cellCode]
      .some((v) => v?.toLowerCase().includes(q)))
    : events;
  const now = Date.now();
  byId("events").querySelector("tbody")!.replaceChildren(...shown.map((e) => {
    const left = countdown(e.deadline, now);
    const tr = el("tr", { "data-id": e.id, class: [left.overdue ? "overdue-row" : "", e.id === selected ? "selected" : ""].join(" ").trim() },
      el("td", {}, e.id), el("td", {}, categoryName(e.category, e.categoryName)),
      el("td", {}, el("span", { class: `badge ${e.urgency}` }, name("urgency", e.urgency))),
      el("td", {}, name("state", e.state)), el("td", {}, departmentName(e.department)),
      el("td", {}, e.address ?? e.cellCode), el("td", {}, time(e.reportedAt)), el("td", {}, left.text));
    tr.addEventListener("click", () => void openEvent(e.id));
    return tr;
  }));
  if (events.length) byId("list-status").textContent = `${shown.length} ${t("results")}`;
}

function rows(pairs: [string, string | Node][]): HTMLTableElement {
  return el("table", {}, ...pairs.map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, v))));
}

async function openEvent(id: string): Promise<void> {
  selected = id;
  renderTable();
  const [detail, audit] = await Promise.all([
    getJson<EventDetail>(`/api/events/${encodeURIComponent(id)}`),
    getJson<AuditTrail>(`/api/events/${encodeURIComponent(id)}/audit`),
  ]);
  // Answers to an earlier click may arrive after a later one's: only the selected case is shown.
  if (selected !== id) return;
  if (!detail) {
    const panel = byId("detail");
    delete panel.dataset.id;
    delete panel.dataset.state;
    panel.replaceChildren(el("p", { class: "error" }, t("notFound")));
    return;
  }
  renderDetail(detail, audit);
}

function renderDetail(e: EventDetail, audit: AuditTrail | null, message?: { text: string; ok: boolean }): void {
  const left = countdown(e.deadline);
  const verification = audit?.verification;
  const panel = byId("detail");
  panel.dataset.id = e.id;
  panel.dataset.state = e.state;
  panel.replaceChildren(
    el("h3", {}, `${categoryName(e.category, e.categoryName)} · ${e.id}`),
    rows([
      [t("status"), name("state", e.state)], [t("urgency"), el("span", { class: `badge ${e.urgency}` }, name("urgency", e.urgency))],
      [t("department"), departmentName(e.department)], [t("assignee"), e.assignee ?? "—"],
      [t("address"), e.address ?? e.cellCode], [t("channel"), e.channel], [t("reportedAt"), time(e.reportedAt)],
      [t("deadline"), el("span", { class: left.overdue ? "overdue" : "" }, `${time(e.deadline)} (${left.text})`)],
      [t("escalation"), name("escalation", e.escalation)], [t("reports"), String(e.reports)],
      [t("description"), e.description ?? "—"],
      ...(e.mergedInto ? [[t("merged"), e.mergedInto] as [string, string]] : []),
      ...(e.pendingSuspension ? [[t("pendingSuspension"), `${e.pendingSuspension.requestedBy}: ${e.pendingSuspension.reason}`] as [string, string]] : []),
    ]),
    message ? el("p", { class: message.ok ? "ok" : "error", role: "status", id: "action-result" }, message.text) : "",
    el("h4", {}, t("actions")),
    actionButtons(e),
    el("div", { id: "action-form" }),
    el("h4", {}, t("timeline")),
    el("ol", { class: "timeline" }, ...e.timeline.map((x) => el("li", {},
      el("b", {}, name("action", x.action)), ` · ${time(x.at)} · ${x.actor} (${x.role}) · ${name("state", x.stateBefore)} → ${name("state", x.stateAfter)}`,
      x.reason ? el("div", { class: "muted" }, `${t("reason")}: ${x.reason}`) : null))),
    el("h4", {}, t("audit")),
    verification
      ? el("p", { class: verification.isValid ? "ok" : "error", id: "audit-verification" },
        verification.isValid ? t("auditValid") : `${t("auditInvalid")}: #${verification.index ?? "?"} ${verification.kind ?? ""} ${verification.detail ?? ""}`)
      : el("p", { class: "muted" }, t("unavailable")),
    el("table", {}, ...(audit?.entries ?? []).map((x) => el("tr", {},
      el("td", {}, String(x.sequence)), el("td", {}, name("action", x.action)), el("td", {}, x.actor),
      el("td", { "data-hash-algorithm": x.hashAlgorithm ?? "sha256" }, (x.hashAlgorithm ?? "sha256").toUpperCase()),
      el("td", { class: "hash" }, x.hash,
        ...(x.attachmentSm3s ?? []).map((s, i) => el("div", { class: "muted", "data-sm3": "" }, `${t("photo")} ${i + 1} SM3 ${s}`)))))));
}

/** The actions the signed-in user may take on the case (the server filters them by role and department); often none. */
function actionButtons(e: EventDetail): HTMLElement {
  if (e.allowedActions.length === 0) return el("p", { class: "actions muted" }, t("none"));
  return el("div", { class: "actions" }, ...e.allowedActions.map((a) => {
    const b = el("button", { type: "button", "data-event-action": a }, name("action", a));
    b.addEventListener("click", () => showActionForm(e, a));
    return b;
  }));
}

/** The inputs an action needs: a reason, a department and assignee, the primary case, photos. */
function showActionForm(e: EventDetail, action: string): void {
  const fields: HTMLElement[] = [];
  if (action === "dispatch") {
    fields.push(el("label", {}, t("department"), el("select", { name: "department", required: "" },
      ...(catalogue?.departments ?? []).map((d) => el("option", { value: d.code }, localName(d))))));
    fields.push(el("label", {}, t("assignee"), el("input", { name: "assignee" })));
    fields.push(el("label", {}, el("input", { type: "checkbox", name: "assignNearest" }), t("assignNearest")));
  }
  if (action === "merge") fields.push(el("label", {}, t("primaryEvent"), el("input", { name: "primaryEventId", required: "" })));
  if (action === "handle" || action === "verify") fields.push(el("label", {}, t("attachments"), el("input", { type: "file", name: "photos", accept: "image/*", multiple: "" })));
  fields.push(el("label", {}, t("reason"), el("textarea", { name: "reason", rows: "2", ...(needsReason.has(action) ? { required: "" } : {}) })));
  const form = el("form", { class: "action-form", "data-action-form": action }, el("b", {}, name("action", action)), ...fields,
    el("div", { class: "buttons" }, el("button", { type: "submit" }, t("submit"))));
  const department = form.querySelector<HTMLSelectElement>("select[name=department]");
  if (department && e.department) department.value = e.department;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    const request: ActionRequest = { action };
    const text = (key: string) => String(data.get(key) ?? "").trim();
    if (text("reason")) request.reason = text("reason");
    if (text("department")) request.department = text("department");
    if (text("assignee")) request.assignee = text("assignee");
    if (data.get("assignNearest") === "on") request.assignNearest = true;
    if (text("primaryEventId")) request.primaryEventId = text("primaryEventId");
    const files = data.getAll("photos").filter((f): f is File => f instanceof File && f.size > 0);
    try {
      if (files.length) request.attachments = await Promise.all(files.map((f) => uploadEvidence(e.id, f)));
    } catch (err) {
      renderDetail(e, null, { text: (err as Error).message, ok: false });
      return;
    }
    await afterAction(e, await act(e.id, request));
  });
  byId("action-form").replaceChildren(form);
}

async function afterAction(before: EventDetail, result: ActionResult): Promise<void> {
  const audit = await getJson<AuditTrail>(`/api/events/${encodeURIComponent(before.id)}/audit`);
  if (result.kind === "refused") {
    const fresh = (await getJson<EventDetail>(`/api/events/${encodeURIComponent(before.id)}`)) ?? before;
    renderDetail(fresh, audit, { text: result.detail, ok: false });
    return;
  }
  renderDetail(result.event, audit, { text: result.kind === "awaitingApproval" ? t("awaitingApproval") : t("done"), ok: true });
  await loadEvents();
}

function setUpReportForm(): void {
  const dialog = byId<HTMLDialogElement>("report-dialog");
  const form = byId<HTMLFormElement>("report-form");
  byId("new-report").addEventListener("click", () => {
    const city = centre;
    if (city) {
      (form.elements.namedItem("lon") as HTMLInputElement).value ||= city[0].toFixed(6);
      (form.elements.namedItem("lat") as HTMLInputElement).value ||= city[1].toFixed(6);
    }
    dialog.showModal();
  });
  form.querySelector("button[value=cancel]")!.addEventListener("click", () => dialog.close());
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const error = form.querySelector(".error")!;
    error.textContent = "";
    const data = new FormData(form);
    const body: Record<string, unknown> = {
      category: data.get("category"),
      location: [Number(data.get("lon")), Number(data.get("lat"))],
      description: String(data.get("description") ?? "").trim(),
    };
    if (data.get("urgency")) body.urgency = data.get("urgency");
    if (String(data.get("address") ?? "").trim()) body.address = String(data.get("address")).trim();
    // Photos are uploaded first; the report names them by their SHA-256.
    const files = data.getAll("photos").filter((f): f is File => f instanceof File && f.size > 0);
    try {
      if (files.length) body.photos = await Promise.all(files.map((f) => uploadReportEvidence(f)));
    } catch (err) {
      error.textContent = (err as Error).message;
      return;
    }
    const response = await api("/api/events", { method: "POST", body: JSON.stringify(body) });
    if (!response.ok) {
      error.textContent = await problemText(response);
      return;
    }
    const created = (await response.json()) as { id: string; merged: boolean };
    dialog.close();
    form.reset();
    await loadEvents();
    await openEvent(created.id);
  });
}

/** The middle of the user's region: where a new report's location starts. */
let centre: [number, number] | null = null;

async function start(): Promise<void> {
  byId("user").textContent = claims()?.name ?? "";
  const [cat, map] = await Promise.all([
    getJson<Catalogue>("/api/catalogue"),
    getJson<GeoJSON.FeatureCollection<GeoJSON.Polygon | GeoJSON.MultiPolygon, RegionFeatureProps>>("/api/map/regions"),
    loadDomainRules(),
  ]);
  catalogue = cat;
  regions = (map?.features ?? []).map((f) => f.properties);
  const home = map?.features.find((f) => f.properties.code === homeRegion());
  if (home) {
    const ring = (home.geometry.type === "Polygon" ? home.geometry.coordinates[0] : home.geometry.coordinates[0]?.[0]) ?? [];
    const xs = ring.map((c) => c[0]!), ys = ring.map((c) => c[1]!);
    centre = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
  }
  byId("users-link").hidden = !hasRole("admin");
  fillFilters();
  setUpReportForm();
  const filters = byId<HTMLFormElement>("filters");
  filters.addEventListener("submit", (e) => { e.preventDefault(); void loadEvents(); });
  filters.addEventListener("change", (e) => { if ((e.target as HTMLElement).getAttribute("name") !== "q") void loadEvents(); });
  filters.querySelector("input[name=q]")!.addEventListener("input", renderTable);
  const refreshAlerts = startAlerts(categoryName, (id) => void openEvent(id));
  onLanguageChange(() => void refreshAlerts());
  await loadEvents();
  const wanted = new URLSearchParams(location.search).get("event");
  if (wanted) await openEvent(wanted);
  setInterval(() => void loadEvents(), 15_000);
  document.body.dataset.ready = "true";
}

onLanguageChange(() => {
  fillFilters();
  renderTable();
  if (selected) void openEvent(selected);
});

requireLogin(() => void start());
