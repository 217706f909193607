// Sign-in and authenticated calls: the token lives for the browser session only.
import { applyTexts, t, toggleLanguage } from "./i18n";

const key = "cityops.token";

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

function signOut(): void {
  sessionStorage.removeItem(key);
  location.reload();
}

export async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token() ?? ""}`);
  if (typeof init.body === "string") headers.set("Content-Type", "application/json");
  const response = await fetch(path, { ...init, headers });
  if (response.status === 401) signOut();
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
  document.querySelectorAll("[data-action=logout]").forEach((b) => b.addEventListener("click", signOut));
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
      error.textContent = t("loginFailed");
      return;
    }
    sessionStorage.setItem(key, ((await response.json()) as { access_token: string }).access_token);
    overlay.hidden = true;
    onReady();
  });
  overlay.hidden = token() !== null;
  if (token() !== null) onReady();
}
