// A table of records as the ledger lists them: what, who added it, where, when, how large.
// The caregiver's copy adds an action per record (Open).
import type { RecordView } from '../../shared/ipc/contract';
import { CATEGORY_LABELS } from '../../shared/ledger';
import { formatBytes, formatDateTime } from './format';

interface Props {
  label: string;
  records: readonly RecordView[];
  action?: (record: RecordView) => React.ReactNode;
}

export function RecordsTable({ label, records, action }: Props) {
  return (
    <table className="data-table" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Category</th>
          <th scope="col">Added by</th>
          <th scope="col">Hospital</th>
          <th scope="col">When</th>
          <th scope="col" className="numeric">
            Size
          </th>
          {action && (
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {records.map((record) => (
          <tr
            key={record.recordId}
            data-record={record.recordId}
            className={record.accessBasis === 'break-glass' ? 'break-glass' : undefined}
          >
            <th scope="row">
              {CATEGORY_LABELS[record.category]}
              {record.accessBasis === 'break-glass' && (
                <span className="tag">Emergency access</span>
              )}
            </th>
            <td>
              {record.uploader.displayName}
              {record.uploader.department && (
                <span className="muted"> · {record.uploader.department}</span>
              )}
            </td>
            <td>{record.uploader.mspId ?? '—'}</td>
            <td>
              <time dateTime={record.recordedAt}>{formatDateTime(record.recordedAt)}</time>
            </td>
            <td className="numeric">{formatBytes(record.sizeBytes)}</td>
            {action && <td>{action(record)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
