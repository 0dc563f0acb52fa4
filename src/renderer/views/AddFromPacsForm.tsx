// A caregiver with write access adds records from the hospital PACS: he searches it (patient
// ID, name, study date, modality), picks series — their RT object types shown — and the main
// process retrieves them (WADO-RS, with progress and cancel) and shares them exactly as picked
// files would be: one record per category. A failure adds nothing.
import { useState } from 'react';
import type { AddedRecord } from '../../shared/ipc/contract';
import { CATEGORY_LABELS } from '../../shared/ledger';
import type { PacsStudyWithSeries } from '../../shared/pacs';
import { ErrorBanner } from '../components/ErrorBanner';
import { OperationProgressBar } from '../components/OperationProgressBar';
import { ehr } from '../ehr';
import { settle } from './useLedger';

type State =
  | { state: 'idle' }
  | { state: 'searching' }
  | { state: 'found'; studies: PacsStudyWithSeries[] }
  | { state: 'adding'; operationId: string; series: number }
  | { state: 'added'; records: AddedRecord[] }
  | { state: 'failed'; message: string; lead: string };

const MODALITY_LABELS: Record<string, string> = {
  CT: 'CT images',
  MR: 'MR images',
  RTSTRUCT: 'Structures',
  RTPLAN: 'Plan',
  RTDOSE: 'Dose',
  RTRECORD: 'Treatment records',
};

export function AddFromPacsForm({
  patientId,
  onAdded,
}: {
  patientId: string;
  onAdded: () => void;
}) {
  const [query, setQuery] = useState({
    patientId: '',
    patientName: '',
    studyDate: '',
    modality: '',
  });
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [studies, setStudies] = useState<PacsStudyWithSeries[]>([]);
  const [state, setState] = useState<State>({ state: 'idle' });

  const search = async () => {
    setState({ state: 'searching' });
    const result = await settle(() => ehr().searchPacs(query));
    if (!result.ok) {
      return setState({
        state: 'failed',
        lead: 'The search found nothing.',
        message: result.error.message,
      });
    }
    setStudies(result.value);
    setPicked(new Set());
    setState({ state: 'found', studies: result.value });
  };

  const add = async () => {
    const series = studies.flatMap((st) =>
      st.series
        .filter((s) => picked.has(s.seriesInstanceUid))
        .map((s) => ({
          studyInstanceUid: st.studyInstanceUid,
          seriesInstanceUid: s.seriesInstanceUid,
        })),
    );
    const operationId = crypto.randomUUID();
    setState({ state: 'adding', operationId, series: series.length });
    const result = await settle(() => ehr().addFromPacs({ patientId, series, operationId }));
    if (!result.ok) {
      return setState({
        state: 'failed',
        lead: 'Nothing was added.',
        message: result.error.message,
      });
    }
    setState({ state: 'added', records: result.value });
    onAdded();
  };

  const toggle = (uid: string) =>
    setPicked((old) => {
      const next = new Set(old);
      if (next.has(uid)) next.delete(uid);
      else next.add(uid);
      return next;
    });

  const field = (key: keyof typeof query, label: string, placeholder: string) => (
    <label>
      {label}
      <input
        value={query[key]}
        placeholder={placeholder}
        maxLength={64}
        onChange={(e) => setQuery({ ...query, [key]: e.target.value })}
      />
    </label>
  );

  return (
    <section className="add-from-pacs" aria-label="Add from PACS">
      <h3>Add from PACS</h3>
      <p className="muted">
        Search your hospital PACS, pick the series of a course and share them as records. They are
        encrypted on this workstation before they leave it.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        {field('patientId', 'Patient ID', 'e.g. HA-0042')}
        {field('patientName', 'Name', 'e.g. DOE*')}
        {field('studyDate', 'Study date', 'YYYYMMDD or YYYYMMDD-YYYYMMDD')}
        {field('modality', 'Modality', 'CT, RTPLAN, RTDOSE…')}
        <button type="submit" disabled={state.state === 'searching' || state.state === 'adding'}>
          Search the PACS
        </button>
      </form>
      {state.state === 'found' && studies.length === 0 && (
        <p role="status">No study in the PACS matches.</p>
      )}
      {studies.length > 0 && state.state !== 'added' && (
        <ul className="pacs-studies" aria-label="Studies in the PACS">
          {studies.map((st) => (
            <li key={st.studyInstanceUid}>
              <strong>
                {st.patientName || 'No name'} ({st.patientId}) · {st.studyDate} ·{' '}
                {st.studyDescription || 'Study'}
              </strong>
              <ul aria-label="Series">
                {st.series.map((s) => (
                  <li key={s.seriesInstanceUid}>
                    <label>
                      <input
                        type="checkbox"
                        checked={picked.has(s.seriesInstanceUid)}
                        onChange={() => toggle(s.seriesInstanceUid)}
                      />
                      {MODALITY_LABELS[s.modality] ?? s.modality} —{' '}
                      {s.seriesDescription || 'Series'} ({s.instanceCount ?? '?'} instance
                      {s.instanceCount === 1 ? '' : 's'})
                    </label>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      {(state.state === 'found' || state.state === 'failed') && studies.length > 0 && (
        <button type="button" disabled={picked.size === 0} onClick={() => void add()}>
          Add {picked.size} series as records
        </button>
      )}
      {state.state === 'adding' && (
        <OperationProgressBar
          operationId={state.operationId}
          label={`Retrieving and adding ${state.series} series`}
          cancellable
        />
      )}
      {state.state === 'failed' && <ErrorBanner lead={state.lead} message={state.message} />}
      {state.state === 'added' && (
        <div className="banner success" role="status">
          <p>
            Added {state.records.length} record{state.records.length === 1 ? '' : 's'} from the
            PACS; they are on the ledger.
          </p>
          <ul aria-label="Which series went where">
            {state.records.map(({ record, files }) => (
              <li key={record.recordId}>
                {CATEGORY_LABELS[record.category]}: {files.length} file
                {files.length === 1 ? '' : 's'}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
