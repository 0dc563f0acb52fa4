// What a ledger screen shows while it has no rows: reading, or the empty state — with the
// reason as an alert when the ledger could not be read (nothing is invented in its place).
import { EmptyState } from '../components/EmptyState';
import { ErrorBanner } from '../components/ErrorBanner';
import type { Query } from './useLedger';

interface Props {
  query: Query<unknown>;
  emptyTitle: string;
  emptyText: string;
  failedLead: string;
}

export function SectionStatus({ query, emptyTitle, emptyText, failedLead }: Props) {
  if (query.state === 'loading')
    return (
      <p className="muted" role="status">
        Reading the ledger…
      </p>
    );
  return (
    <>
      {query.state === 'failed' && <ErrorBanner lead={failedLead} message={query.error.message} />}
      <EmptyState title={emptyTitle}>{emptyText}</EmptyState>
    </>
  );
}

/** A refresh button that says when it is reading. */
export function RefreshButton({
  busy,
  onClick,
  label = 'Refresh',
}: {
  busy: boolean;
  onClick: () => void;
  label?: string;
}) {
  return (
    <button type="button" className="secondary" disabled={busy} onClick={onClick}>
      {busy ? 'Reading…' : label}
    </button>
  );
}
