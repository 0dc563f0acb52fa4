// The caregiver's patients: who shared what with me and until when; a patient's records;
// and opening one — downloaded, verified and decrypted in memory by the main process, with
// progress and a way to cancel — into the viewer.
import { useCallback, useEffect, useState } from 'react';
import type { LocalPatientNames } from '../../shared/ehr';
import type { OpenedRecord, RecordView, SharedPatientView } from '../../shared/ipc/contract';
import { CATEGORY_LABELS } from '../../shared/ledger';
import { ErrorBanner } from '../components/ErrorBanner';
import { OperationProgressBar } from '../components/OperationProgressBar';
import { ehr } from '../ehr';
import { rtClient } from '../viewer/rtClient';
import { formatDate, formatDateTime, rightsLabel, shortId } from './format';
import { AddFromEhrForm } from './AddFromEhrForm';
import { AddFromPacsForm } from './AddFromPacsForm';
import { AddRecordsForm } from './AddRecordsForm';
import { ImportIntoEhrForm } from './ImportIntoEhrForm';
import { SendToPacsForm } from './SendToPacsForm';
import { RecordsTable } from './RecordsTable';
import { FreshnessNote, RefreshButton, SectionStatus } from './SectionStatus';
import { settle, useLedger } from './useLedger';

interface Props {
  emptyTitle: string;
  emptyText: string;
  /** Where opened records are shown, e.g. "Review". */
  viewerLabel: string;
  onOpened: (opened: OpenedRecord) => void;
  /** The patient whose records are shown (the shell keeps it between visits). */
  selected: string | null;
  onSelect: (patientId: string) => void;
}

export function SharedWithMeView({
  emptyTitle,
  emptyText,
  viewerLabel,
  onOpened,
  selected,
  onSelect,
}: Props) {
  const read = useCallback(() => ehr().listSharedWithMe(), []);
  const { query, shown, reload } = useLedger(read, ['shared']);
  const patients = shown?.items ?? [];
  const { names, asking } = useLocalNames(patients.map((p) => p.patientId));
  return (
    <div className="ledger-view">
      <div className="view-actions">
        <RefreshButton busy={query.state === 'loading'} onClick={reload} />
      </div>
      {patients.length === 0 ? (
        <SectionStatus
          query={query}
          emptyTitle={emptyTitle}
          emptyText={emptyText}
          failedLead="The patients who shared with you could not be read."
        />
      ) : (
        <PatientsTable
          patients={patients}
          names={names}
          namesLoading={asking}
          selected={selected}
          onSelect={onSelect}
        />
      )}
      {selected && patients.some((p) => p.patientId === selected) && (
        <PatientRecords
          key={selected}
          patientId={selected}
          canAdd={patients.some(
            (p) =>
              p.patientId === selected &&
              p.grants.some(
                (g) =>
                  g.write &&
                  Date.parse(g.validFrom) <= Date.now() &&
                  Date.now() < Date.parse(g.validTo),
              ),
          )}
          viewerLabel={viewerLabel}
          onOpened={onOpened}
        />
      )}
    </div>
  );
}

/**
 * The names this hospital's EHR gives the patients it links to their pseudonyms; the
 * pseudonym stays what identifies them on the ledger, and is all that is shown elsewhere.
 */
function useLocalNames(patientIds: readonly string[]): {
  names: LocalPatientNames;
  /** The EHR is being asked: the table says it is busy until the names (or none) are in. */
  asking: boolean;
} {
  const [names, setNames] = useState<LocalPatientNames>({});
  const [answered, setAnswered] = useState<string | null>(null);
  const key = [...patientIds].sort().join(',');
  useEffect(() => {
    if (!key) return undefined;
    let wanted = true;
    void settle(() => ehr().localPatientNames({ patientIds: key.split(',') })).then((result) => {
      if (!wanted) return;
      if (result.ok) setNames(result.value);
      setAnswered(key);
    });
    return () => {
      wanted = false;
    };
  }, [key]);
  return { names, asking: key !== '' && answered !== key };
}

function PatientsTable({
  patients,
  names,
  namesLoading,
  selected,
  onSelect,
}: {
  patients: readonly SharedPatientView[];
  names: LocalPatientNames;
  namesLoading: boolean;
  selected: string | null;
  onSelect: (patientId: string) => void;
}) {
  return (
    <table className="data-table" aria-label="Patients who shared with me" aria-busy={namesLoading}>
      <thead>
        <tr>
          <th scope="col">Patient</th>
          <th scope="col">Hospital</th>
          <th scope="col">Shared with you</th>
          <th scope="col">
            <span className="visually-hidden">Action</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {patients.map((patient) => (
          <tr
            key={patient.patientId}
            aria-selected={patient.patientId === selected}
            className={patient.patientId === selected ? 'selected' : undefined}
          >
            <th scope="row" title={patient.patientId}>
              {names[patient.patientId] && (
                <span className="local-name">{names[patient.patientId]} </span>
              )}
              <code>{patient.patientId}</code>
            </th>
            <td>{patient.mspId ?? '—'}</td>
            <td>
              <ul className="plain-list">
                {patient.grants.map((grant) => (
                  <li key={grant.category}>
                    {CATEGORY_LABELS[grant.category]}{' '}
                    <span className="muted">
                      until {formatDate(grant.validTo)} · {rightsLabel(grant.read, grant.write)}
                    </span>
                  </li>
                ))}
              </ul>
            </td>
            <td>
              <button
                type="button"
                className="secondary"
                aria-pressed={patient.patientId === selected}
                aria-label={`Show records of ${patient.patientId}`}
                onClick={() => onSelect(patient.patientId)}
              >
                Show records
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Opening =
  | { state: 'idle' }
  | { state: 'opening'; recordId: string; operationId: string }
  | { state: 'opened'; what: string; fileCount: number }
  | { state: 'failed'; message: string };

export function PatientRecords({
  patientId,
  canAdd,
  viewerLabel,
  onOpened,
}: {
  patientId: string;
  canAdd: boolean;
  viewerLabel: string;
  onOpened: (opened: OpenedRecord) => void;
}) {
  const read = useCallback(() => ehr().listRecords({ patientId }), [patientId]);
  const { query, shown, reload } = useLedger(read, ['records']);
  const [opening, setOpening] = useState<Opening>({ state: 'idle' });
  const busy = opening.state === 'opening';

  const open = async (record: RecordView) => {
    const operationId = crypto.randomUUID();
    rtClient().warm();
    setOpening({ state: 'opening', recordId: record.recordId, operationId });
    const result = await settle(() =>
      ehr().openRecord({ patientId, recordId: record.recordId, operationId }),
    );
    if (!result.ok) return setOpening({ state: 'failed', message: result.error.message });
    setOpening({
      state: 'opened',
      what: CATEGORY_LABELS[result.value.record.category],
      fileCount: result.value.files.length,
    });
    onOpened(result.value);
  };
  const cancel = (operationId: string) => void settle(() => ehr().cancelOperation({ operationId }));

  // The whole course at once: the records download side by side (their disclosures commit
  // together) and reach the viewer as one load.
  const openAll = async (all: RecordView[]) => {
    const ids = all.map(() => crypto.randomUUID());
    rtClient().warm();
    const largest = all.reduce((best, r, i) => (r.sizeBytes > all[best]!.sizeBytes ? i : best), 0);
    setOpening({ state: 'opening', recordId: all[largest]!.recordId, operationId: ids[largest]! });
    const results = await Promise.all(
      all.map((record, i) =>
        settle(() =>
          ehr().openRecord({ patientId, recordId: record.recordId, operationId: ids[i]! }),
        ),
      ),
    );
    const failed = results.find((r) => !r.ok);
    for (const result of results) if (result.ok) onOpened(result.value);
    if (failed && !failed.ok) return setOpening({ state: 'failed', message: failed.error.message });
    setOpening({
      state: 'opened',
      what: `${all.length} records`,
      fileCount: results.reduce((n, r) => n + (r.ok ? r.value.files.length : 0), 0),
    });
  };

  const records = shown?.records ?? [];
  return (
    <section className="panel" aria-label={`Records of ${patientId}`}>
      <div className="caregiver-head">
        <h2>
          Records of <code title={patientId}>{shortId(patientId)}</code>
        </h2>
        <RefreshButton busy={query.state === 'loading'} onClick={reload} label="Refresh records" />
        {records.length > 1 && (
          <button type="button" disabled={busy} onClick={() => void openAll(records)}>
            Open all records
          </button>
        )}
      </div>
      <FreshnessNote of={shown ?? null} />
      {shown?.breakGlassUntil && (
        <p className="banner error break-glass">
          Emergency access is open on this patient until {formatDateTime(shown.breakGlassUntil)}.
          Every opening is recorded and the patient is told.
        </p>
      )}
      {query.state === 'failed' && (
        <ErrorBanner lead="The records could not be read." message={query.error.message} />
      )}
      {query.state === 'loading' && !shown && (
        <p className="muted" role="status" aria-busy="true">
          Reading the ledger…
        </p>
      )}
      {shown && records.length === 0 && (
        <p className="muted">No records of this patient are visible to you.</p>
      )}
      {records.length > 0 && (
        <RecordsTable
          label={`Records of ${patientId}`}
          records={records}
          action={(record) => (
            <button
              type="button"
              disabled={busy}
              aria-label={`Open ${CATEGORY_LABELS[record.category]} record of ${formatDateTime(record.recordedAt)}`}
              onClick={() => void open(record)}
            >
              Open
            </button>
          )}
        />
      )}
      {canAdd && <AddRecordsForm patientId={patientId} onAdded={reload} />}
      {canAdd && <AddFromPacsForm patientId={patientId} onAdded={reload} />}
      {canAdd && <AddFromEhrForm patientId={patientId} onAdded={reload} />}
      {records.length > 0 && <SendToPacsForm patientId={patientId} records={records} />}
      {records.length > 0 && <ImportIntoEhrForm patientId={patientId} records={records} />}
      {opening.state === 'opening' && (
        <OperationProgressBar
          operationId={opening.operationId}
          label="Opening the record"
          onCancel={() => cancel(opening.operationId)}
        />
      )}
      {opening.state === 'failed' && (
        <ErrorBanner lead="The record was not opened." message={opening.message} />
      )}
      {opening.state === 'opened' && (
        <p className="banner success" role="status">
          Opened {opening.what} ({opening.fileCount} file
          {opening.fileCount === 1 ? '' : 's'}, verified and decrypted on this workstation); it is
          shown in {viewerLabel}.
        </p>
      )}
    </section>
  );
}
