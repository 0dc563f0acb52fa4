// Number and date formats shared by the viewer's tables (and read back by the E2E test).

export function gy(value: number | undefined | null, digits = 2): string {
  return value === undefined || value === null || !Number.isFinite(value)
    ? '—'
    : value.toFixed(digits);
}

export function cc(value: number | undefined | null): string {
  return value === undefined || value === null || !Number.isFinite(value) ? '—' : value.toFixed(1);
}

export function mu(value: number | undefined | null): string {
  return value === undefined || value === null || !Number.isFinite(value) ? '—' : value.toFixed(1);
}

/** YYYYMMDD → YYYY-MM-DD (as recorded; no time zone is implied). */
export function dicomDate(value: string | undefined): string {
  if (!value || !/^\d{8}$/.test(value)) return value ?? '—';
  return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
}

/** HHMMSS(.frac) → HH:MM. */
export function dicomTime(value: string | undefined): string {
  if (!value || !/^\d{4}/.test(value)) return value ?? '—';
  return `${value.slice(0, 2)}:${value.slice(2, 4)}`;
}

/** A UID shortened for a table cell (the full one goes in the title). */
export function shortUid(uid: string): string {
  return uid.length > 18 ? `…${uid.slice(-14)}` : uid;
}
