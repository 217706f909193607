// Sign-in and authenticated calls: the tokens live for the browser session only. The access token is
// short-lived; it is renewed with the refresh token shortly before it expires (or on a 401), and
// signing out ends the session on the server too.
import { applyTexts, t, toggleLanguage } from "./i18n";
import type { Schemas } from "./types";

const key = "cityops.token";
const refreshKey = "cityops.refresh";

type TokenAnswer = Schemas["TokenResponse"];

export interface Claims {
  sub: string;
  name?: string;
  role?: string | string[];
  region?: string | string[];
  department?: string;
}

export function token(): string | null {
  return sessionStorage.getItem(key);
}

export function claims(): Claims | null {
  const jwt = token();
  const payload = jwt?.split(".")[1];
  if (!payload) return null;
  const bytes = Uint8Array.from(atob(payload.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Claims;
}

export function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export function hasRole(...roles: string[]): boolean {
  const mine = list(claims()?.role);
  return roles.some((r) => mine.includes(r));
}

/** The user's first region: what the pages show unless told otherwise. */
export function homeRegion(): string {
  return list(claims()?.region)[0] ?? "";
}

function keep(answer: TokenAnswer): void {
  sessionStorage.setItem(key, answer.access_token);
  sessionStorage.setItem(refreshKey, answer.refresh_token);
}

function forget(): void {
  sessionStorage.removeItem(key);
  sessionStorage.removeItem(refreshKey);
  location.reload();
}

async function signOut(): Promise<void> {
  const jwt = token();
  if (jwt) await fetch("/api/auth/signout", { method: "POST", headers: { Authorization: `Bearer ${jwt}` } }).catch(() => undefined);
  forget();
}

let renewing: Promise<boolean> | null = null;

/** Exchanges the refresh token for new tokens, once at a time: a refresh token used twice would end the session. */
function renew(): Promise<boolean> {
  renewing ??= (async () => {
    const refresh = sessionStorage.getItem(refreshKey);
    if (!refresh) return false;
    const response = await fetch("/api/auth/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: refresh }),
    });
    if (!response.ok) return false;
    keep((await response.json()) as TokenAnswer);
    return true;
  })().finally(() => { renewing = null; });
  return renewing;
}

/** The access token, renewed first when it expires within a minute (the hub asks for it on every connect). */
export async function freshToken(): Promise<string> {
  const exp = (claims() as { exp?: number } | null)?.exp;
  if (exp !== undefined && exp * 1000 - Date.now() < 60_000) await renew();
  return token() ?? "";
}

export async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const send = async (): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${await freshToken()}`);
    if (typeof init.body === "string") headers.set("Content-Type", "application/json");
    return fetch(path, { ...init, headers });
  };
  let response = await send();
  if (response.status === 401) {
    if (!(await renew())) forget();
    else response = await send();
  }
  return response;
}

export async function getJson<T>(path: string): Promise<T | null> {
  const response = await api(path);
  return response.ok ? ((await response.json()) as T) : null;
}

/** A ProblemDetails answer's most useful sentence. */
export async function problemText(response: Response): Promise<string> {
  try {
    const problem = (await response.json()) as { detail?: string; title?: string };
    return problem.detail ?? problem.title ?? `${response.status}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

function loginOverlay(): HTMLElement {
  const overlay = document.createElement("div");
  overlay.id = "login";
  overlay.className = "login";
  overlay.hidden = true;
  overlay.innerHTML = `<form class="panel">
      <h2 data-i18n="login"></h2>
      <input name="username" autocomplete="username" data-i18n-placeholder="username" required>
      <input name="password" type="password" autocomplete="current-password" data-i18n-placeholder="password" required>
      <button type="submit" data-i18n="login"></button>
      <div class="error" role="alert"></div>
    </form>`;
  document.body.appendChild(overlay);
  return overlay;
}

/** Shows the sign-in form every page shares until a token is held, then calls onReady once. */
export function requireLogin(onReady: () => void): void {
  const overlay = loginOverlay();
  applyTexts();
  document.querySelectorAll("[data-action=lang]").forEach((b) => b.addEventListener("click", toggleLanguage));
  document.querySelectorAll("[data-action=logout]").forEach((b) => b.addEventListener("click", () => void signOut()));
  const form = overlay.querySelector("form")!;
  const error = overlay.querySelector<HTMLElement>(".error")!;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const response = await fetch("/api/auth/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: data.get("username"), password: data.get("password") }),
    });
    if (!response.ok) {
      // A lockout or a rate limit says when to try again; a plain refusal says no more than that.
      const problem = (await response.json().catch(() => null)) as { title?: string; detail?: string } | null;
      error.textContent = response.status === 401 ? t("loginFailed") : [problem?.title, problem?.detail].filter(Boolean).join(" ") || t("loginFailed");
      return;
    }
    keep((await response.json()) as TokenAnswer);
    overlay.hidden = true;
    onReady();
  });
  overlay.hidden = token() !== null;
  if (token() !== null) onReady();
}
