// The patient's access history, newest first: every grant and revoke he made and every
// opening of his records — emergency (break-glass) access in red and said in words.
import { useCallback } from 'react';
import type { HistoryItem } from '../../shared/ipc/contract';
import { ehr } from '../ehr';
import { categoryLabel, formatDateTime, formatWindow, rightsLabel, shortId } from './format';
import { LedgerView } from './SectionStatus';
import { useLedger } from './useLedger';

interface Props {
  emptyTitle: string;
  emptyText: string;
}

const WHAT: Record<HistoryItem['kind'], string> = {
  grant: 'Granted',
  revoke: 'Revoked',
  'break-glass': 'Emergency access',
  download: 'Opened a record',
};

function details(item: HistoryItem): string {
  switch (item.kind) {
    case 'grant':
      return `${formatWindow(item.validFrom, item.validTo)} · ${rightsLabel(item.read, item.write)}`;
    case 'revoke': {
      const ended = item.validTo ? `Access ended ${formatDateTime(item.validTo)}` : '';
      return item.caregiverRevoked
        ? [ended, 'the caregiver’s hospital revoked the account'].filter(Boolean).join(' · ')
        : ended;
    }
    case 'break-glass':
      return [
        item.reason ? `Reason: ${item.reason}` : 'No reason recorded',
        item.validTo ? `until ${formatDateTime(item.validTo)}` : '',
        item.review
          ? `Reviewed by ${item.review.reviewerMspId} on ${formatDateTime(item.review.reviewedAt)}: ${item.review.comment}`
          : `Not yet reviewed by ${item.caregiver.mspId ?? 'the caregiver’s hospital'}`,
      ]
        .filter(Boolean)
        .join(' · ');
    case 'download':
      return item.recordId ? `Record ${shortId(item.recordId)}` : '';
  }
}

function newestFirst(items: readonly HistoryItem[]): HistoryItem[] {
  return [...items].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}

export function AccessHistoryView({ emptyTitle, emptyText }: Props) {
  const read = useCallback(() => ehr().getAccessHistory(), []);
  const { query, shown, reload } = useLedger(read, ['history']);
  const items = newestFirst(shown?.items ?? []);
  return (
    <LedgerView
      query={query}
      shown={shown}
      reload={reload}
      empty={items.length === 0}
      emptyTitle={emptyTitle}
      emptyText={emptyText}
      failedLead="Your access history could not be read."
    >
      <table className="data-table" aria-label="Access history">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">What</th>
            <th scope="col">Who</th>
            <th scope="col">Records</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr
              key={item.id}
              className={item.breakGlass ? 'break-glass' : undefined}
              data-kind={item.kind}
            >
              <td>
                <time dateTime={item.at}>{formatDateTime(item.at)}</time>
              </td>
              <th scope="row">
                {item.caregiverRevoked ? 'Account revoked' : WHAT[item.kind]}
                {item.breakGlass && item.kind !== 'break-glass' && (
                  <span className="tag">Emergency access</span>
                )}
              </th>
              <td>
                {item.caregiver.displayName}
                <span className="muted">
                  {' '}
                  ·{' '}
                  {[item.caregiver.department, item.caregiver.mspId].filter(Boolean).join(' · ') ||
                    'unknown hospital'}
                </span>
              </td>
              <td>
                {item.category || item.kind === 'break-glass' ? categoryLabel(item.category) : '—'}
              </td>
              <td>{details(item) || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </LedgerView>
  );
}
