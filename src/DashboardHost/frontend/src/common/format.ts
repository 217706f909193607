import { lang, t } from "./i18n";

export function time(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString(lang(), { hour12: false }) : "—";
}

export function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString(lang(), { hour12: false });
}

function span(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const hms = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}`;
  return d > 0 ? `${d}d ${hms}` : hms;
}

/** Time left to a deadline, or how long it is overdue. */
export function countdown(deadline: string | null | undefined, now = Date.now()): { text: string; overdue: boolean } {
  if (!deadline) return { text: "—", overdue: false };
  const left = new Date(deadline).getTime() - now;
  return left >= 0
    ? { text: `${t("countdown")} ${span(left)}`, overdue: false }
    : { text: `${t("overdueBy")} ${span(left)}`, overdue: true };
}

export function percent(value: number | null | undefined): string {
  return value == null || !Number.isFinite(value) ? "—" : `${(value * 100).toFixed(1)}%`;
}

export function number(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString(lang()) : value.toLocaleString(lang(), { maximumFractionDigits: 2 });
}
