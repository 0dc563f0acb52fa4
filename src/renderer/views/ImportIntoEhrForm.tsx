// The receiving hospital imports a shared FHIR record into its own EHR: the caregiver
// confirms which local patient it belongs to (the hospital's own patient ID); the main process
// opens the record (the download is on the ledger) and posts it as one transaction, with a
// Provenance naming the ledger record, so a repeat duplicates nothing and a failure leaves
// nothing half-imported.
import { ImportStatus } from './ImportStatus';
import { useState } from 'react';
import type { ImportIntoEhrResult } from '../../shared/ehr';
import type { RecordView } from '../../shared/ipc/contract';
import { CATEGORY_LABELS } from '../../shared/ledger';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ehr } from '../ehr';
import { formatDateTime } from './format';
import { settle } from './useLedger';

type State =
  | { state: 'idle' }
  | { state: 'confirming' }
  | { state: 'importing'; operationId: string }
  | { state: 'imported'; result: ImportIntoEhrResult }
  | { state: 'failed'; message: string };

export function ImportIntoEhrForm({
  patientId,
  records,
}: {
  patientId: string;
  records: RecordView[];
}) {
  const fhir = records.filter((r) => r.contentType.includes('fhir'));
  const [recordId, setRecordId] = useState('');
  const [localPatientId, setLocalPatientId] = useState('');
  const [state, setState] = useState<State>({ state: 'idle' });
  if (fhir.length === 0) return null;
  const chosen = fhir.find((r) => r.recordId === recordId) ?? fhir[0]!;

  const run = async () => {
    const operationId = crypto.randomUUID();
    setState({ state: 'importing', operationId });
    const result = await settle(() =>
      ehr().importIntoEhr({ patientId, recordId: chosen.recordId, localPatientId, operationId }),
    );
    if (!result.ok) return setState({ state: 'failed', message: result.error.message });
    setState({ state: 'imported', result: result.value });
  };

  return (
    <section className="import-into-ehr" aria-label="Import into our EHR">
      <h3>Import into our EHR</h3>
      <p className="muted">
        Import a shared FHIR record into your hospital EHR under your own patient. The sending
        hospital’s patient ID is kept as another ID; a Provenance names the ledger record.
      </p>
      <label>
        Record
        <select value={chosen.recordId} onChange={(e) => setRecordId(e.target.value)}>
          {fhir.map((r) => (
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
      <button
        type="button"
        disabled={localPatientId.trim() === '' || state.state === 'importing'}
        onClick={() => setState({ state: 'confirming' })}
      >
        Import into our EHR…
      </button>
      {state.state === 'confirming' && (
        <ConfirmDialog
          title="Import into your EHR"
          confirmLabel="Import"
          onConfirm={() => void run()}
          onCancel={() => setState({ state: 'idle' })}
        >
          <p>
            The {CATEGORY_LABELS[chosen.category]} record goes into your EHR under your patient with
            ID <strong>{localPatientId}</strong>. Is this the same person?
          </p>
        </ConfirmDialog>
      )}
      <ImportStatus
        into="EHR"
        running={state.state === 'importing' ? state.operationId : null}
        failure={state.state === 'failed' ? state.message : null}
        imported={
          state.state === 'imported'
            ? {
                created: state.result.created,
                unit: 'resource',
                alreadyThere: state.result.alreadyThere,
              }
            : null
        }
      />
    </section>
  );
}
