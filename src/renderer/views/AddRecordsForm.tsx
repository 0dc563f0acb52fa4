// A caregiver with write access adds records for a patient: he picks a course folder (CT,
// RTSTRUCT, RTPLAN, RTDOSE, RT treatment records) or FHIR R4 JSON files; the main process
// files them into categories, encrypts, uploads and registers them, and the screen says
// which file went where. Files that cannot be added are refused by name and nothing is added.
import { useRef, useState } from 'react';
import type { AddedRecord } from '../../shared/ipc/contract';
import { CATEGORY_LABELS } from '../../shared/ledger';
import { ErrorBanner } from '../components/ErrorBanner';
import { OperationProgressBar } from '../components/OperationProgressBar';
import { ehr } from '../ehr';
import { settle } from './useLedger';

type State =
  | { state: 'idle' }
  | { state: 'adding'; operationId: string; files: number }
  | { state: 'added'; records: AddedRecord[] }
  | { state: 'failed'; message: string };

export function AddRecordsForm({ patientId, onAdded }: { patientId: string; onAdded: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<State>({ state: 'idle' });

  const add = async (picked: File[]) => {
    const operationId = crypto.randomUUID();
    setState({ state: 'adding', operationId, files: picked.length });
    const files = await Promise.all(
      picked.map(async (file) => ({
        name: file.webkitRelativePath || file.name,
        bytes: new Uint8Array(await file.arrayBuffer()),
      })),
    );
    const result = await settle(() => ehr().addRecords({ patientId, files, operationId }));
    if (!result.ok) return setState({ state: 'failed', message: result.error.message });
    setState({ state: 'added', records: result.value });
    onAdded();
  };

  return (
    <section className="add-records" aria-label="Add records">
      <h3>Add records</h3>
      <p className="muted">
        Pick the files of a course (CT, structures, plan, dose, treatment records) or FHIR R4 JSON
        files. They are encrypted on this workstation before they leave it.
      </p>
      <button
        type="button"
        disabled={state.state === 'adding'}
        onClick={() => input.current?.click()}
      >
        Pick files to add…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label="Files to add"
        onChange={(event) => {
          const picked = [...(event.target.files ?? [])];
          event.target.value = '';
          if (picked.length > 0) void add(picked);
        }}
      />
      {state.state === 'adding' && (
        <OperationProgressBar
          operationId={state.operationId}
          label={`Adding ${state.files} files`}
          cancellable
        />
      )}
      {state.state === 'failed' && (
        <ErrorBanner lead="Nothing more was added." message={state.message} />
      )}
      {state.state === 'added' && (
        <div className="banner success" role="status">
          <p>
            Added {state.records.length} record{state.records.length === 1 ? '' : 's'}; they are on
            the ledger.
          </p>
          <ul aria-label="Which file went where">
            {state.records.map(({ record, files }) => (
              <li key={record.recordId}>
                {CATEGORY_LABELS[record.category]}: {files.length} file
                {files.length === 1 ? '' : 's'} ({[...new Set(files.map((f) => f.kind))].join(', ')}
                )
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
