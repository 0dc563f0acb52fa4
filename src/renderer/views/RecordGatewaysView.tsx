// The administrator's record gateways: every hospital's, as the ledger lists them (where each
// workstation fetches and stores that hospital's records), and a form to publish or move his
// own hospital's. The workstation asks the gateway what it serves before his card signs.
import { useCallback, useState } from 'react';
import type { RecordGatewayView } from '../../shared/ipc/contract';
import { ErrorBanner } from '../components/ErrorBanner';
import { ehr } from '../ehr';
import { formatDateTime } from './format';
import { RefreshButton, SectionStatus } from './SectionStatus';
import { settle, useLedger } from './useLedger';

interface Props {
  emptyTitle: string;
  emptyText: string;
}

export function RecordGatewaysView({ emptyTitle, emptyText }: Props) {
  const read = useCallback(async () => {
    const result = await ehr().listRecordGateways();
    return result.ok ? { ok: true as const, value: { items: result.value } } : result;
  }, []);
  const { query, shown, reload } = useLedger(read);
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const gateways: RecordGatewayView[] = shown?.items ?? [];

  const publish = async () => {
    setBusy(true);
    setError(null);
    setNotice(null);
    const result = await settle(() => ehr().publishRecordGateway({ url }));
    setBusy(false);
    if (result.ok) {
      setNotice(
        `Published on the ledger: every workstation now fetches and stores ${result.value.mspId}’s records through ${result.value.url} (bucket ${result.value.bucket}).`,
      );
      setUrl('');
      reload();
    } else setError(result.error.message);
  };

  return (
    <div className="ledger-view">
      <div className="view-actions">
        <RefreshButton busy={query.state === 'loading'} onClick={reload} />
      </div>
      {notice && (
        <p className="banner success" role="status">
          {notice}
        </p>
      )}
      {gateways.length === 0 ? (
        <SectionStatus
          query={query}
          emptyTitle={emptyTitle}
          emptyText={emptyText}
          failedLead="The record gateways could not be read."
        />
      ) : (
        <table className="data-table" aria-label="Record gateways">
          <thead>
            <tr>
              <th scope="col">Hospital</th>
              <th scope="col">Gateway</th>
              <th scope="col">Bucket</th>
              <th scope="col">Emergency key</th>
              <th scope="col">Published</th>
            </tr>
          </thead>
          <tbody>
            {gateways.map((g) => (
              <tr key={g.mspId} data-ours={g.ours}>
                <th scope="row">
                  {g.mspId}
                  {g.ours && <span className="muted"> · yours</span>}
                </th>
                <td>{g.url}</td>
                <td>{g.bucket}</td>
                <td>
                  <code>{g.emergencyKeyFingerprint}</code>
                </td>
                <td>
                  <time dateTime={g.publishedAt}>{formatDateTime(g.publishedAt)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="ledger-form"
        aria-label="Publish this hospital’s record gateway"
        onSubmit={(event) => {
          event.preventDefault();
          void publish();
        }}
      >
        <label>
          Gateway URL
          <input
            type="url"
            value={url}
            required
            placeholder="https://records.hospital-a.example"
            onChange={(event) => setUrl(event.target.value)}
          />
        </label>
        <p className="muted">
          The workstation asks the gateway which bucket it serves and for the public half of its
          emergency key, then your card signs the entry on the ledger.
        </p>
        <button type="submit" disabled={busy || url.trim() === ''}>
          {busy ? 'Publishing…' : 'Publish gateway'}
        </button>
        {error && <ErrorBanner message={error} lead="Not published." />}
      </form>
    </div>
  );
}
