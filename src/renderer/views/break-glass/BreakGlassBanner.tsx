// The red banner a caregiver sees on every screen while he holds emergency access: which
// patient and how long is left, counted down to the session's end as the ledger has it.
import { useCallback } from 'react';
import { ehr } from '../../ehr';
import { formatDateTime } from '../format';
import { useLedger } from '../useLedger';
import { formatTimeLeft, useBreakGlassChanged, useNow } from './useNow';

export function BreakGlassBanner() {
  const read = useCallback(() => ehr().listMyBreakGlass(), []);
  const { shown, reload } = useLedger(read, ['break-glass']);
  useBreakGlassChanged(reload);
  const now = useNow();
  const open = (shown?.items ?? []).filter((s) => Date.parse(s.validTo) > now);
  if (open.length === 0) return null;
  return (
    <div className="break-glass-banner" role="status" aria-label="Emergency access in force">
      {open.map((s) => (
        <p key={`${s.patientId}:${s.seq}`}>
          <strong>Emergency access</strong> to patient <code>{s.patientId}</code>:{' '}
          <span data-testid="time-left">{formatTimeLeft(Date.parse(s.validTo) - now)}</span> left
          (until {formatDateTime(s.validTo)}). Read only; every record you open is recorded as an
          emergency opening, the patient is told, and your hospital reviews it.
        </p>
      ))}
    </div>
  );
}
