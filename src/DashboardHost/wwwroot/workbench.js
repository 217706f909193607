// The console and mobile pages: who is signed in, and a device's live twin on request.
import { api, claims, requireLogin, onLanguageChange } from "./auth.js";
import { t, lang } from "./i18n.js";

function row(label, value) {
  const tr = document.createElement("tr");
  tr.innerHTML = "<th></th><td></td>";
  tr.children[0].textContent = label;
  tr.children[1].textContent = value;
  return tr;
}

function showMe() {
  const me = claims();
  if (!me) return;
  const list = (v) => [].concat(v ?? []).join(", ");
  document.getElementById("me").replaceChildren(
    row(t("username"), `${me.name} (${me.sub})`),
    row(t("roles"), list(me.role)),
    row(t("scope"), list(me.region)),
    row(t("department"), me.department ?? "—"));
}

async function lookUp(id) {
  const out = document.getElementById("device");
  const response = await api(`/api/devices/${encodeURIComponent(id)}`);
  if (response.status === 404) { out.textContent = t("notFound"); return; }
  if (response.status === 403) { out.textContent = t("forbidden"); return; }
  const d = await response.json();
  const table = document.createElement("table");
  const state = document.createElement("span");
  state.className = `badge ${d.online ? "on" : "off"}`;
  state.textContent = d.online ? t("online") : t("offline");
  const head = row(d.name, "");
  head.children[1].appendChild(state);
  table.append(head, row("ID", `${d.id} · ${d.kind} · ${d.cellCode}`),
    row(t("lastSeen"), d.lastSeen ? new Date(d.lastSeen).toLocaleString(lang()) : "—"));
  for (const [metric, value] of Object.entries(d.values)) table.append(row(metric, value));
  out.replaceChildren(table);
}

// One page serves the desk console and, under /m, the phone layout for field staff.
const phone = location.pathname.startsWith("/m");
document.body.className = phone ? "phone" : "desk";
document.querySelector("header.top h1").dataset.i18n = phone ? "mobile" : "console";

requireLogin(() => {
  showMe();
  document.getElementById("device-form").addEventListener("submit", (e) => {
    e.preventDefault();
    lookUp(e.target.id.value.trim());
  });
});
onLanguageChange(showMe);
