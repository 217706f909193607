// Duty and position: with the responder's consent (asked on the page, kept on the phone), the page reports where
// they are while on duty, at most every 30 s and only when they moved or a few minutes passed, so dispatch can
// suggest the nearest responder and the big screen can show them.
import { api, problemText } from "../common/auth";

const consentKey = "cityops.shareLocation";
const dutyKey = "cityops.onDuty";
const minInterval = 30_000;
const stillInterval = 180_000;
const minMoveMetres = 25;

export interface Position { lon: number; lat: number; at: number }

let watch: number | null = null;
let lastSent: Position | null = null;
let current: Position | null = null;
const listeners: ((p: Position | null) => void)[] = [];

export function onPosition(listener: (p: Position | null) => void): void {
  listeners.push(listener);
}

export function here(): Position | null {
  return current;
}

export function consented(): boolean {
  return localStorage.getItem(consentKey) === "yes";
}

export function setConsent(yes: boolean): void {
  localStorage.setItem(consentKey, yes ? "yes" : "no");
  if (!yes) stopWatching();
  else if (onDuty()) startWatching();
}

export function onDuty(): boolean {
  return localStorage.getItem(dutyKey) === "yes";
}

export function metres(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180, r = 6_371_008.8;
  const dLat = (b.lat - a.lat) * rad, dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function distanceText(m: number): string {
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`;
}

function once(): Promise<Position | null> {
  return new Promise((resolve) => {
    if (!("geolocation" in navigator)) {
      resolve(null);
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lon: p.coords.longitude, lat: p.coords.latitude, at: Date.now() }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: 10_000, maximumAge: 30_000 });
  });
}

async function report(p: Position, duty: boolean): Promise<string | null> {
  const response = await api("/api/responders/me/duty", { method: "POST", body: JSON.stringify({ onDuty: duty, lon: p.lon, lat: p.lat }) });
  if (!response.ok) return problemText(response);
  lastSent = p;
  return null;
}

/** Goes on or off duty; going on duty needs the position (and so the consent to share it). */
export async function setDuty(wanted: boolean): Promise<string | null> {
  const p = await once();
  if (p) publish(p);
  if (wanted && !p) return "noLocation";
  const body = wanted || p ? { onDuty: wanted, lon: p!.lon, lat: p!.lat } : { onDuty: wanted };
  const response = await api("/api/responders/me/duty", { method: "POST", body: JSON.stringify(body) });
  if (!response.ok) return problemText(response);
  localStorage.setItem(dutyKey, wanted ? "yes" : "no");
  if (wanted && p) lastSent = p;
  if (wanted && consented()) startWatching();
  else stopWatching();
  return null;
}

/** Where the phone is now, for distances; asked once when the page opens even off duty (nothing is reported then). */
export async function locate(): Promise<void> {
  const p = await once();
  if (p) publish(p);
  if (onDuty() && consented()) startWatching();
}

function publish(p: Position): void {
  current = p;
  listeners.forEach((l) => l(p));
}

function startWatching(): void {
  if (watch !== null || !("geolocation" in navigator)) return;
  watch = navigator.geolocation.watchPosition((g) => {
    const p = { lon: g.coords.longitude, lat: g.coords.latitude, at: Date.now() };
    publish(p);
    const since = lastSent ? p.at - lastSent.at : Infinity;
    const moved = lastSent ? metres(lastSent, p) : Infinity;
    if (since >= minInterval && (moved >= minMoveMetres || since >= stillInterval)) void report(p, true).catch(() => undefined);
  }, () => undefined, { enableHighAccuracy: true, maximumAge: 10_000 });
}

function stopWatching(): void {
  if (watch !== null) navigator.geolocation.clearWatch(watch);
  watch = null;
}
