// Sign-in and authenticated calls: the token lives for the browser session only.
import { applyTexts, t, toggleLanguage } from "./i18n.js";

const key = "cityops.token";

export function token() {
  return sessionStorage.getItem(key);
}

export function claims() {
  const jwt = token();
  if (!jwt) return null;
  const payload = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0))));
}

export async function api(path) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${token()}` } });
  if (response.status === 401) {
    sessionStorage.removeItem(key);
    location.reload();
  }
  return response;
}

// The sign-in overlay every page shares.
function loginOverlay() {
  const overlay = document.createElement("div");
  overlay.id = "login";
  overlay.className = "login";
  overlay.hidden = true;
  overlay.innerHTML = `<form class="panel">
      <h2 data-i18n="login">登录</h2>
      <input name="username" autocomplete="username" data-i18n-placeholder="username" required>
      <input name="password" type="password" autocomplete="current-password" data-i18n-placeholder="password" required>
      <button type="submit" data-i18n="login">登录</button>
      <div class="error" role="alert"></div>
    </form>`;
  document.body.appendChild(overlay);
  return overlay;
}

// Shows the sign-in form until a token is held, then calls onReady().
export function requireLogin(onReady) {
  const overlay = loginOverlay();
  applyTexts();
  document.querySelectorAll("[data-action=lang]").forEach((b) => b.addEventListener("click", () => { toggleLanguage(); onLanguage?.(); }));
  document.querySelectorAll("[data-action=logout]").forEach((b) => b.addEventListener("click", () => { sessionStorage.removeItem(key); location.reload(); }));
  const form = overlay.querySelector("form");
  const error = overlay.querySelector(".error");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = { username: form.username.value, password: form.password.value };
    const response = await fetch("/api/auth/token", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (!response.ok) {
      error.textContent = t("loginFailed");
      return;
    }
    sessionStorage.setItem(key, (await response.json()).access_token);
    overlay.hidden = true;
    onReady();
  });
  if (token()) {
    overlay.hidden = true;
    onReady();
  } else {
    overlay.hidden = false;
  }
}

let onLanguage = null;
export function onLanguageChange(callback) {
  onLanguage = callback;
}
