// User administration (administrators only): the users, their roles, regions and department; create,
// change, disable or enable, reset a password; and this month's administration audit.
import "../common/app.css";
import "./console.css";
import { api, claims, getJson, hasRole, problemText, requireLogin } from "../common/auth";
import { byId, el } from "../common/dom";
import { time } from "../common/format";
import { lang, name, onLanguageChange, t } from "../common/i18n";
import type { Catalogue, Schemas } from "../common/types";

type AdminUser = Schemas["AdminUserResponse"];
type AdminAudit = Schemas["AdminAuditResponse"];

const roles = ["admin", "operator", "dispatcher", "responder"];
let users: AdminUser[] = [];
let departments: Catalogue["departments"] = [];
let selected: string | null = null;

function stateOf(u: AdminUser): string {
  if (u.disabled) return t("disabled");
  if (u.lockedUntil && Date.parse(u.lockedUntil) > Date.now()) return t("locked");
  return u.initialPassword ? t("initialPassword") : t("active");
}

function render(): void {
  const rows = users.map((u) => {
    const row = el("tr", { "data-username": u.username },
      el("td", {}, u.username), el("td", {}, u.displayName), el("td", {}, u.roles.map((r) => name("role", r)).join("、")),
      el("td", {}, u.regions.join(", ")), el("td", {}, u.department ?? "—"), el("td", { class: "account-state" }, stateOf(u)),
      el("td", {}, u.lastSignInAt ? time(u.lastSignInAt) : "—"));
    if (u.username === selected) row.classList.add("selected");
    row.addEventListener("click", () => { selected = u.username; render(); showDetail(u); });
    return row;
  });
  byId("users").querySelector("tbody")!.replaceChildren(...rows);
}

async function load(): Promise<void> {
  const response = await api("/api/admin/users");
  if (!response.ok) {
    byId("users-status").textContent = response.status === 403 ? t("adminsOnly") : await problemText(response);
    users = [];
  } else {
    users = (await response.json()) as AdminUser[];
    byId("users-status").textContent = `${users.length} ${t("results")}`;
  }
  render();
}

function say(target: HTMLElement, text: string, error = false): void {
  target.textContent = text;
  target.className = error ? "error" : "muted";
}

async function post(path: string, body?: unknown, method = "POST"): Promise<Response> {
  return api(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
}

function showDetail(u: AdminUser): void {
  const message = el("p", { class: "muted", role: "status" });
  const profile = el("form", { class: "action-form", id: "profile-form" },
    el("label", {}, el("span", {}, t("displayName")), el("input", { name: "displayName", value: u.displayName, maxlength: "100" })),
    el("label", {}, el("span", {}, t("roles")), roleSelect(u.roles[0] ?? "operator")),
    el("label", {}, el("span", {}, t("regions")), el("input", { name: "regions", value: u.regions.join(",") })),
    el("label", {}, el("span", {}, t("department")), departmentSelect(u.department)),
    el("button", { type: "submit" }, t("save")));
  profile.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(profile);
    const response = await post(`/api/admin/users/${encodeURIComponent(u.username)}`, {
      displayName: data.get("displayName"), roles: [data.get("roles")], regions: splitRegions(String(data.get("regions"))),
      department: data.get("department") || null,
    }, "PUT");
    say(message, response.ok ? t("saved") : await problemText(response), !response.ok);
    if (response.ok) await load();
  });

  const password = el("form", { class: "action-form", id: "password-form" },
    el("label", {}, el("span", {}, t("newPassword")), el("input", { name: "password", type: "password", minlength: "10", maxlength: "128", autocomplete: "new-password" })),
    el("p", { class: "muted" }, t("passwordRules")),
    el("button", { type: "submit" }, t("resetPassword")));
  password.addEventListener("submit", async (e) => {
    e.preventDefault();
    const response = await post(`/api/admin/users/${encodeURIComponent(u.username)}/password`, { password: new FormData(password).get("password") });
    say(message, response.ok ? t("passwordReset") : await problemText(response), !response.ok);
    if (response.ok) { password.reset(); await load(); }
  });

  const toggle = el("button", { id: "toggle-disabled" }, u.disabled ? t("enable") : t("disable"));
  toggle.addEventListener("click", async () => {
    const response = await post(`/api/admin/users/${encodeURIComponent(u.username)}/${u.disabled ? "enable" : "disable"}`);
    say(message, response.ok ? t("saved") : await problemText(response), !response.ok);
    if (response.ok) {
      await load();
      const updated = users.find((x) => x.username === u.username);
      if (updated) showDetail(updated);
    }
  });

  byId("user-detail").replaceChildren(
    el("h3", {}, `${u.displayName}（${u.username}）`),
    el("p", {}, `${t("accountState")}: ${stateOf(u)} · ${t("activeSessions")}: ${u.activeSessions}`),
    el("div", { class: "actions" }, toggle),
    el("h4", {}, t("profile")), profile,
    el("h4", {}, t("resetPassword")), password,
    message);
}

function roleSelect(value: string): HTMLSelectElement {
  const select = el("select", { name: "roles" }, ...roles.map((r) => el("option", { value: r }, name("role", r))));
  select.value = value;
  return select;
}

function departmentSelect(value: string | null): HTMLSelectElement {
  const select = el("select", { name: "department" }, el("option", { value: "" }, "—"),
    ...departments.map((d) => el("option", { value: d.code }, lang() === "en" ? d.nameEn : d.name)));
  select.value = value ?? "";
  return select;
}

function splitRegions(text: string): string[] {
  return text.split(/[\s,，]+/).filter((r) => r.length > 0);
}

function setUpNewUser(): void {
  const dialog = byId<HTMLDialogElement>("user-dialog");
  const form = byId<HTMLFormElement>("user-form");
  form.querySelector("select[name=roles]")!.replaceWith(roleSelect("operator"));
  form.querySelector("select[name=department]")!.replaceWith(departmentSelect(null));
  byId("new-user").addEventListener("click", () => { form.reset(); dialog.showModal(); });
  form.querySelector("button[value=cancel]")!.addEventListener("click", () => dialog.close());
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const response = await post("/api/admin/users", {
      username: data.get("username"), displayName: data.get("displayName"), password: data.get("password"),
      roles: [data.get("roles")], regions: splitRegions(String(data.get("regions"))), department: data.get("department") || null,
    });
    if (!response.ok) {
      form.querySelector<HTMLElement>(".error")!.textContent = await problemText(response);
      return;
    }
    dialog.close();
    await load();
  });
}

async function loadAudit(): Promise<void> {
  const audit = await getJson<AdminAudit>("/api/admin/audit");
  if (!audit) return;
  const list = el("ol", { class: "timeline", id: "admin-audit" }, ...audit.entries.slice(-50).reverse().map((e) =>
    el("li", {}, `${time(e.at)} ${e.actor} ${name("adminAction", e.action)}${e.subject ? ` → ${e.subject}` : ""} ${e.succeeded ? "✓" : "✗"} ${e.origin ?? ""}`)));
  const verdict = el("p", { class: audit.verification.isValid ? "muted" : "error" }, audit.verification.isValid ? t("auditValid") : `${t("auditInvalid")}: ${audit.verification.detail ?? ""}`);
  if (!selected) byId("user-detail").replaceChildren(el("p", { class: "muted" }, t("selectUser")), el("h4", {}, t("adminAudit")), verdict, list);
}

async function start(): Promise<void> {
  byId("user").textContent = claims()?.name ?? "";
  if (!hasRole("admin")) {
    byId("users-status").textContent = t("adminsOnly");
    document.body.dataset.ready = "true";
    return;
  }
  departments = (await getJson<Catalogue>("/api/catalogue"))?.departments ?? [];
  setUpNewUser();
  await load();
  await loadAudit();
  document.body.dataset.ready = "true";
}

onLanguageChange(() => {
  render();
  const current = users.find((u) => u.username === selected);
  if (current) showDetail(current);
  else void loadAudit();
});

requireLogin(() => void start());
