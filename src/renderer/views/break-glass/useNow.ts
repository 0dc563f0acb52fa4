// The current time, ticking: what the break-glass banner counts down with. It reads the
// page's own clock, so an E2E test moves it with Playwright's clock instead of waiting.
import { useEffect, useState } from 'react';

export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** "1 h 59 min", "4 min 05 s", "12 s". */
export function formatTimeLeft(millis: number): string {
  const seconds = Math.max(0, Math.ceil(millis / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

/** Tells every break-glass view on the page to read the ledger again (after an open). */
export const BREAK_GLASS_CHANGED = 'ehr:break-glass-changed';
export function announceBreakGlassChanged(): void {
  window.dispatchEvent(new Event(BREAK_GLASS_CHANGED));
}
export function useBreakGlassChanged(reload: () => void): void {
  useEffect(() => {
    window.addEventListener(BREAK_GLASS_CHANGED, reload);
    return () => window.removeEventListener(BREAK_GLASS_CHANGED, reload);
  }, [reload]);
}
