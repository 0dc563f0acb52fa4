// Formats the ledger screens share: sizes, dates and times in the workstation's local time,
// people as the directory describes them, and the date-input values of the grant form.
import type { PersonView } from '../../shared/ipc/contract';
import { CATEGORY_LABELS, type Category } from '../../shared/ledger';

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'] as const;

/** 1536 → "1.5 KB" (powers of 1024; bytes without decimals). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** Bytes per second as MB/s with one decimal. */
export function formatRate(bytesPerSecond: number): string {
  return `${(bytesPerSecond / (1024 * 1024)).toFixed(1)} MB/s`;
}

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** An ISO time as a local date and time, e.g. "12 Mar 2026, 14:05". */
export function formatDateTime(iso: string | null | undefined): string {
  const date = parse(iso);
  return date ? date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—';
}

/** An ISO time as a local date, e.g. "12 Mar 2026". */
export function formatDate(iso: string | null | undefined): string {
  const date = parse(iso);
  return date ? date.toLocaleDateString(undefined, { dateStyle: 'medium' }) : '—';
}

/** "from – to" in local date and time. */
export function formatWindow(from: string | null, to: string | null): string {
  return `${formatDateTime(from)} – ${formatDateTime(to)}`;
}

export function categoryLabel(category: Category | null): string {
  return category ? CATEGORY_LABELS[category] : 'All records (emergency access)';
}

/** "Read and write", "Read only", "Write only". */
export function rightsLabel(read: boolean | null, write: boolean | null): string {
  if (read && write) return 'Read and write';
  if (read) return 'Read only';
  if (write) return 'Write only';
  return '—';
}

/** The department and hospital of a person, e.g. "Radiation oncology · HospitalBMSP". */
export function personPlace(person: PersonView): string {
  return [person.department, person.mspId].filter(Boolean).join(' · ') || '—';
}

/** A long id shortened for a table cell (the full one goes in a title). */
export function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 12)}…` : id;
}

/** A local calendar day as the value of an `<input type="date">` ("YYYY-MM-DD"). */
export function dateInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The local day `days` after today, as a date-input value. */
export function daysFromToday(days: number, now = new Date()): string {
  const day = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days);
  return dateInputValue(day);
}

function localDay(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [, y, m, d] = match;
  return new Date(Number(y), Number(m) - 1, Number(d));
}

/**
 * A grant's window from two date-input values: from the start of the first day to the end
 * of the last, in local time. A grant from today therefore starts earlier today, never later
 * than now, and applies at once; a later first day is kept as chosen (access must not begin
 * before the day the patient picked). null when a date is missing or malformed.
 */
export function grantWindow(
  fromDay: string,
  toDay: string,
): { validFrom: string; validTo: string } | null {
  const from = localDay(fromDay);
  const to = localDay(toDay);
  if (!from || !to) return null;
  const end = new Date(to.getFullYear(), to.getMonth(), to.getDate(), 23, 59, 59, 999);
  return { validFrom: from.toISOString(), validTo: end.toISOString() };
}
