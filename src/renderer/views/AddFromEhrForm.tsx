// A caregiver with write access adds records from the hospital EHR: he searches it by the
// patient's hospital ID, sees who the EHR says the patient is (the local name, and whether the
// EHR links him to this pseudonym) and what it holds of him, picks the kinds to share, and the
// main process fetches them (FHIR R4) and shares them as one record per category. A failure
// adds nothing.
import { useState } from 'react';
import { EHR_RESOURCE_TYPES, type EhrResourceType, type EhrSearchResult } from '../../shared/ehr';
import type { AddedRecord } from '../../shared/ipc/contract';
import { CATEGORY_LABELS } from '../../shared/ledger';
import { ErrorBanner } from '../components/ErrorBanner';
import { OperationProgressBar } from '../components/OperationProgressBar';
import { ehr } from '../ehr';
import { settle } from './useLedger';

type State =
  | { state: 'idle' }
  | { state: 'searching' }
  | { state: 'found'; found: EhrSearchResult }
  | { state: 'adding'; operationId: string; found: EhrSearchResult }
  | { state: 'added'; records: AddedRecord[] }
  | { state: 'failed'; message: string; lead: string; found?: EhrSearchResult };

const TYPE_LABELS: Record<EhrResourceType, string> = {
  Condition: 'Diagnoses',
  Procedure: 'Procedures and course summaries',
  MedicationRequest: 'Prescriptions',
  MedicationStatement: 'Medications taken',
  Observation: 'Observations and lab values',
  DiagnosticReport: 'Reports',
};

export function AddFromEhrForm({ patientId, onAdded }: { patientId: string; onAdded: () => void }) {
  const [localPatientId, setLocalPatientId] = useState('');
  const [picked, setPicked] = useState<Set<EhrResourceType>>(new Set(EHR_RESOURCE_TYPES));
  const [state, setState] = useState<State>({ state: 'idle' });
  const found = 'found' in state ? state.found : undefined;
  const linked = found?.patient.pseudonym === patientId;

  const search = async () => {
    setState({ state: 'searching' });
    const result = await settle(() => ehr().searchEhr({ localPatientId }));
    if (!result.ok) {
      return setState({
        state: 'failed',
        lead: 'The search found nothing.',
        message: result.error.message,
      });
    }
    setState({ state: 'found', found: result.value });
  };

  const add = async (from: EhrSearchResult) => {
    const operationId = crypto.randomUUID();
    setState({ state: 'adding', operationId, found: from });
    const result = await settle(() =>
      ehr().addFromEhr({
        patientId,
        localPatientId: from.patient.localPatientId,
        resourceTypes: EHR_RESOURCE_TYPES.filter((t) => picked.has(t)),
        operationId,
      }),
    );
    if (!result.ok) {
      return setState({
        state: 'failed',
        lead: 'Nothing was added.',
        message: result.error.message,
        found: from,
      });
    }
    setState({ state: 'added', records: result.value });
    onAdded();
  };

  const toggle = (type: EhrResourceType) =>
    setPicked((old) => {
      const next = new Set(old);
      if (next.has(type)) next.delete(type);
      else next.add(type);
      return next;
    });

  const count = (type: EhrResourceType) =>
    found?.resources.filter((r) => r.resourceType === type).length ?? 0;

  return (
    <section className="add-from-ehr" aria-label="Add from EHR">
      <h3>Add from EHR</h3>
      <p className="muted">
        Find the patient in your hospital EHR by his hospital ID and share his diagnoses, course
        summary, medications, observations and reports as records, encrypted on this workstation.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <label>
          Hospital patient ID
          <input
            value={localPatientId}
            placeholder="e.g. HA-0042"
            maxLength={64}
            onChange={(e) => setLocalPatientId(e.target.value)}
          />
        </label>
        <button
          type="submit"
          disabled={
            localPatientId.trim() === '' || state.state === 'searching' || state.state === 'adding'
          }
        >
          Search the EHR
        </button>
      </form>
      {found && state.state !== 'added' && (
        <div className="ehr-patient" aria-label="Patient in the EHR">
          <p>
            <strong>{found.patient.name || 'No name'}</strong> (ID {found.patient.localPatientId}
            {found.patient.birthDate ? `, born ${found.patient.birthDate}` : ''})
          </p>
          {!linked && (
            <p className="banner warning" role="alert">
              {found.patient.pseudonym
                ? 'Your EHR links this patient to another pseudonym: these are not his records.'
                : 'Your EHR does not link this patient to a ledger pseudonym yet, so his records cannot be shared from it.'}
            </p>
          )}
          <ul aria-label="What to share">
            {EHR_RESOURCE_TYPES.map((type) => (
              <li key={type}>
                <label>
                  <input
                    type="checkbox"
                    checked={picked.has(type)}
                    disabled={count(type) === 0}
                    onChange={() => toggle(type)}
                  />
                  {TYPE_LABELS[type]} ({count(type)})
                </label>
              </li>
            ))}
          </ul>
          {found.resources.some((r) => r.kind === 'Radiotherapy course summary') && (
            <p className="muted">Includes a radiotherapy course summary (mCODE).</p>
          )}
          <button
            type="button"
            disabled={
              !linked ||
              state.state === 'adding' ||
              !EHR_RESOURCE_TYPES.some((t) => picked.has(t) && count(t) > 0)
            }
            onClick={() => void add(found)}
          >
            Share from the EHR as records
          </button>
        </div>
      )}
      {state.state === 'adding' && (
        <OperationProgressBar
          operationId={state.operationId}
          label="Fetching from the EHR and adding"
          cancellable
        />
      )}
      {state.state === 'failed' && <ErrorBanner lead={state.lead} message={state.message} />}
      {state.state === 'added' && (
        <div className="banner success" role="status">
          <p>
            Added {state.records.length} record{state.records.length === 1 ? '' : 's'} from the EHR;
            they are on the ledger.
          </p>
          <ul aria-label="Which resources went where">
            {state.records.map(({ record, files }) => (
              <li key={record.recordId}>
                {CATEGORY_LABELS[record.category]}: {files.map((f) => f.kind).join(', ')}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
