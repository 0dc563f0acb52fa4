// The receiving hospital imports a shared DICOM record into its own PACS: the caregiver
// confirms which local patient it belongs to (the hospital's own patient ID and name); the
// main process opens the record (the download is on the ledger), keeps every UID, files it
// under the local patient with the sender's ID kept as another ID, and a failure leaves
// nothing half-imported.
import { ImportStatus } from './ImportStatus';
import { useState } from 'react';
import type { RecordView } from '../../shared/ipc/contract';
import { CATEGORY_LABELS, type Category } from '../../shared/ledger';
import type { SendToPacsResult } from '../../shared/pacs';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ehr } from '../ehr';
import { formatDateTime } from './format';
import { settle } from './useLedger';

const DICOM_CATEGORIES: ReadonlySet<Category> = new Set<Category>([
  'imaging',
  'radiotherapy-plan',
  'dose',
  'treatment-record',
]);

type State =
  | { state: 'idle' }
  | { state: 'confirming' }
  | { state: 'sending'; operationId: string }
  | { state: 'sent'; result: SendToPacsResult }
  | { state: 'failed'; message: string };

export function SendToPacsForm({
  patientId,
  records,
}: {
  patientId: string;
  records: RecordView[];
}) {
  const dicom = records.filter((r) => DICOM_CATEGORIES.has(r.category));
  const [recordId, setRecordId] = useState('');
  const [localPatientId, setLocalPatientId] = useState('');
  const [localPatientName, setLocalPatientName] = useState('');
  const [state, setState] = useState<State>({ state: 'idle' });
  if (dicom.length === 0) return null;
  const chosen = dicom.find((r) => r.recordId === recordId) ?? dicom[0]!;
  const ready = localPatientId.trim() !== '' && localPatientName.trim() !== '';

  const send = async () => {
    const operationId = crypto.randomUUID();
    setState({ state: 'sending', operationId });
    const result = await settle(() =>
      ehr().sendToPacs({
        patientId,
        recordId: chosen.recordId,
        localPatientId,
        localPatientName,
        operationId,
      }),
    );
    if (!result.ok) return setState({ state: 'failed', message: result.error.message });
    setState({ state: 'sent', result: result.value });
  };

  return (
    <section className="send-to-pacs" aria-label="Send to our PACS">
      <h3>Send to our PACS</h3>
      <p className="muted">
        Import a shared record into your hospital PACS under your own patient. Every DICOM UID is
        kept; the sending hospital’s patient ID is kept as another ID.
      </p>
      <label>
        Record
        <select value={chosen.recordId} onChange={(e) => setRecordId(e.target.value)}>
          {dicom.map((r) => (
            <option key={r.recordId} value={r.recordId}>
              {CATEGORY_LABELS[r.category]} · {formatDateTime(r.recordedAt)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Local patient ID
        <input
          value={localPatientId}
          maxLength={64}
          onChange={(e) => setLocalPatientId(e.target.value)}
        />
      </label>
      <label>
        Local patient name
        <input
          value={localPatientName}
          maxLength={64}
          placeholder="FAMILY^GIVEN"
          onChange={(e) => setLocalPatientName(e.target.value)}
        />
      </label>
      <button
        type="button"
        disabled={!ready || state.state === 'sending'}
        onClick={() => setState({ state: 'confirming' })}
      >
        Send to our PACS…
      </button>
      {state.state === 'confirming' && (
        <ConfirmDialog
          title="Import into your PACS"
          confirmLabel="Import"
          onConfirm={() => void send()}
          onCancel={() => setState({ state: 'idle' })}
        >
          <p>
            The {CATEGORY_LABELS[chosen.category]} record goes into your PACS under patient{' '}
            <strong>{localPatientName}</strong> (ID <strong>{localPatientId}</strong>). Is this the
            same person?
          </p>
        </ConfirmDialog>
      )}
      <ImportStatus
        into="PACS"
        running={state.state === 'sending' ? state.operationId : null}
        failure={state.state === 'failed' ? state.message : null}
        imported={
          state.state === 'sent'
            ? {
                created: state.result.stored,
                unit: 'instance',
                alreadyThere: state.result.alreadyThere,
              }
            : null
        }
      />
    </section>
  );
}
