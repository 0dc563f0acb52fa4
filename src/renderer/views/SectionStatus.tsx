// What a ledger screen shows while it has no rows: reading, or the empty state — with the
// reason as an alert when the ledger could not be read (nothing is invented in its place).
import { EmptyState } from '../components/EmptyState';
import { ErrorBanner } from '../components/ErrorBanner';
import type { Freshness } from '../../shared/ipc/contract';
import { formatDateTime } from './format';
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
      <p className="muted" role="status" aria-busy="true">
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

/** Says so when a view is the last state known because the ledger cannot be reached. */
export function FreshnessNote({ of }: { of: Freshness | null }) {
  if (!of?.stale) return null;
  return (
    <p className="stale-note" role="status">
      The hospital&rsquo;s ledger cannot be reached. Showing the last state known, as of{' '}
      {formatDateTime(of.asOf)}.
    </p>
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

interface LedgerViewProps {
  query: Query<unknown>;
  shown: Freshness | null;
  reload: () => void;
  /** True when there is nothing to list: the reading, failure or empty state shows instead. */
  empty: boolean;
  emptyTitle: string;
  emptyText: string;
  failedLead: string;
  children: React.ReactNode;
}

/** The frame of a ledger screen: refresh, the freshness note, then its rows or its status. */
export function LedgerView(props: LedgerViewProps) {
  const { query, shown, reload } = props;
  return (
    <div className="ledger-view">
      <div className="view-actions">
        <RefreshButton busy={query.state === 'loading'} onClick={reload} />
      </div>
      <FreshnessNote of={shown} />
      {props.empty ? (
        <SectionStatus
          query={query}
          emptyTitle={props.emptyTitle}
          emptyText={props.emptyText}
          failedLead={props.failedLead}
        />
      ) : (
        props.children
      )}
    </div>
  );
}
