// What the patient sees on signing in while someone opened his records in an emergency and
// he has not yet seen it: who, from which hospital, when, why and what was opened. "I have
// seen this" records that on the ledger, so no kiosk shows it again — and none forgets it.
import { useCallback, useState } from 'react';
import { CATEGORY_LABELS } from '../../../shared/ledger';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ehr } from '../../ehr';
import { formatDateTime, personPlace } from '../format';
import { settle, useLedger } from '../useLedger';

export function BreakGlassNotice() {
  const read = useCallback(() => ehr().listBreakGlassNotices(), []);
  const { shown, reload } = useLedger(read, ['break-glass']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const notices = shown?.items ?? [];
  if (notices.length === 0) return null;
  const seen = async () => {
    setBusy(true);
    const result = await settle(() =>
      ehr().acknowledgeBreakGlass({ seqs: notices.map((n) => n.seq) }),
    );
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    setError(null);
    reload();
  };
  return (
    <section
      className="break-glass-notice"
      role="alert"
      aria-label="Emergency access to your records"
    >
      <h2>Your records were opened in an emergency</h2>
      <ul className="plain-list">
        {notices.map((n) => (
          <li key={n.seq}>
            <strong>{n.caregiver.displayName}</strong> ({personPlace(n.caregiver)}) opened emergency
            access on {formatDateTime(n.validFrom)}, until {formatDateTime(n.validTo)}. Reason: “
            {n.reason}”.{' '}
            {n.openings.length === 0
              ? 'No record was opened.'
              : `Opened: ${n.openings.map((o) => `${CATEGORY_LABELS[o.category]} (${formatDateTime(o.accessedAt)})`).join(', ')}.`}{' '}
            {n.review
              ? `Reviewed by ${n.review.reviewerMspId} on ${formatDateTime(n.review.reviewedAt)}.`
              : `${n.caregiver.mspId ?? 'The caregiver’s hospital'} will review it.`}
          </li>
        ))}
      </ul>
      <p>Everything is also in your Access history.</p>
      {error && <ErrorBanner lead="Not recorded as seen." message={error} />}
      <button type="button" disabled={busy} onClick={() => void seen()}>
        I have seen this
      </button>
    </section>
  );
}
