// The administrator's review list: his hospital's caregivers' emergency (break-glass)
// sessions — who, which patient, why, when, what was opened — each marked reviewed on the
// ledger with his comment, once. The patient sees the review in his access history.
import { useCallback, useState } from 'react';
import type { BreakGlassSessionView } from '../../../shared/ipc/contract';
import { CATEGORY_LABELS } from '../../../shared/ledger';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ehr } from '../../ehr';
import { formatDateTime, personPlace, shortId } from '../format';
import { LedgerView } from '../SectionStatus';
import { settle, useLedger } from '../useLedger';

interface Props {
  emptyTitle: string;
  emptyText: string;
}

export function BreakGlassReviewView({ emptyTitle, emptyText }: Props) {
  const read = useCallback(() => ehr().listBreakGlassForReview(), []);
  const { query, shown, reload } = useLedger(read, ['break-glass']);
  const sessions = shown?.items ?? [];
  const [reviewing, setReviewing] = useState<string | null>(null);
  return (
    <LedgerView
      query={query}
      shown={shown}
      reload={reload}
      empty={sessions.length === 0}
      emptyTitle={emptyTitle}
      emptyText={emptyText}
      failedLead="The emergency-access sessions could not be read."
    >
      <table className="data-table" aria-label="Emergency access sessions">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Patient</th>
            <th scope="col">Reason</th>
            <th scope="col">Opened</th>
            <th scope="col">Review</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => {
            const key = `${s.patientId}:${s.seq}`;
            return (
              <tr key={key} className="break-glass" data-session={key}>
                <td>
                  <time dateTime={s.validFrom}>{formatDateTime(s.validFrom)}</time>
                  <span className="muted">
                    {' '}
                    {s.inForce
                      ? `· open until ${formatDateTime(s.validTo)}`
                      : `· ended ${formatDateTime(s.validTo)}`}
                  </span>
                </td>
                <th scope="row">
                  {s.caregiver.displayName}
                  <span className="muted"> · {personPlace(s.caregiver)}</span>
                </th>
                <td title={s.patientId}>
                  <code>{shortId(s.patientId)}</code>
                </td>
                <td>{s.reason}</td>
                <td>
                  {s.openings.length === 0 ? (
                    'Nothing opened'
                  ) : (
                    <ul className="plain-list">
                      {s.openings.map((o) => (
                        <li key={o.accessId}>
                          {CATEGORY_LABELS[o.category]}{' '}
                          <span className="muted">{formatDateTime(o.accessedAt)}</span>
                          {s.review && o.accessedAt > s.review.reviewedAt && (
                            <span className="tag">after the review</span>
                          )}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>
                  {s.review ? (
                    <p>
                      Reviewed {formatDateTime(s.review.reviewedAt)}
                      {s.review.reviewer ? ` by ${s.review.reviewer}` : ''}:{' '}
                      <span className="reason">{s.review.comment}</span>
                    </p>
                  ) : reviewing === key ? (
                    <ReviewForm
                      session={s}
                      onDone={() => {
                        setReviewing(null);
                        reload();
                      }}
                      onCancel={() => setReviewing(null)}
                    />
                  ) : (
                    <button type="button" onClick={() => setReviewing(key)}>
                      Mark reviewed…
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </LedgerView>
  );
}

function ReviewForm({
  session,
  onDone,
  onCancel,
}: {
  session: BreakGlassSessionView;
  onDone: () => void;
  onCancel: () => void;
}) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field: boolean } | null>(null);
  const id = `review-${session.seq}-${session.patientId}`;
  const save = async () => {
    setBusy(true);
    const result = await settle(() =>
      ehr().reviewBreakGlass({ patientId: session.patientId, seq: session.seq, comment }),
    );
    setBusy(false);
    if (!result.ok) {
      return setError({
        message: result.error.message,
        field: Boolean(result.error.fields?.comment),
      });
    }
    onDone();
  };
  return (
    <form
      aria-label="Review"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className={`field${error?.field ? ' invalid' : ''}`}>
        <label htmlFor={id}>Comment (the patient reads it too)</label>
        <textarea id={id} rows={3} value={comment} onChange={(e) => setComment(e.target.value)} />
        {error?.field && (
          <p className="field-message" data-state="invalid">
            {error.message}
          </p>
        )}
      </div>
      {error && !error.field && <ErrorBanner message={error.message} />}
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save review'}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
