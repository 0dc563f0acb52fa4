// A caregiver's emergency (break-glass) access: the patient's pseudonym, a reason in words
// and a duration within the network's limit, confirmed — then the patient's records, each
// flagged, to open read-only. The rules are the chaincode's; its refusals come back per field.
import { useCallback, useState } from 'react';
import type { BreakGlassPolicy, BreakGlassView, OpenedRecord } from '../../../shared/ipc/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ehr } from '../../ehr';
import { formatDateTime } from '../format';
import { PatientRecords } from '../SharedWithMeView';
import { SectionStatus } from '../SectionStatus';
import { settle, useLedger } from '../useLedger';
import { announceBreakGlassChanged, useBreakGlassChanged, useNow } from './useNow';

interface Props {
  emptyTitle: string;
  emptyText: string;
  viewerLabel: string;
  onOpened: (opened: OpenedRecord) => void;
}

const PSEUDONYM = /^pat-[0-9a-f]{32}$/;

type Step =
  | { step: 'edit'; error: string | null; fields: Record<string, string> }
  | { step: 'confirm' }
  | { step: 'saving' };

export function EmergencyAccessView({ emptyTitle, emptyText, viewerLabel, onOpened }: Props) {
  const readPolicy = useCallback(() => ehr().getBreakGlassPolicy(), []);
  const { shown: policy } = useLedger(readPolicy);
  const readMine = useCallback(() => ehr().listMyBreakGlass(), []);
  const mine = useLedger(readMine, ['break-glass']);
  useBreakGlassChanged(mine.reload);
  const now = useNow(30_000);
  const sessions = (mine.shown?.items ?? []).filter((s) => Date.parse(s.validTo) > now);
  const [selected, setSelected] = useState<string | null>(null);

  return (
    <div className="ledger-view">
      <EmergencyForm policy={policy} onOpened={(s) => setSelected(s.patientId)} />
      {sessions.length === 0 ? (
        <SectionStatus
          query={mine.query}
          emptyTitle={emptyTitle}
          emptyText={emptyText}
          failedLead="Your emergency-access sessions could not be read."
        />
      ) : (
        <table className="data-table" aria-label="My emergency access">
          <thead>
            <tr>
              <th scope="col">Patient</th>
              <th scope="col">Until</th>
              <th scope="col">Reason</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={`${s.patientId}:${s.seq}`} className="break-glass">
                <th scope="row">
                  <code>{s.patientId}</code>
                </th>
                <td>{formatDateTime(s.validTo)}</td>
                <td>{s.reason}</td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`Show records of ${s.patientId}`}
                    onClick={() => setSelected(s.patientId)}
                  >
                    Show records
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && sessions.some((s) => s.patientId === selected) && (
        <PatientRecords
          key={selected}
          patientId={selected}
          canAdd={false}
          viewerLabel={viewerLabel}
          onOpened={onOpened}
        />
      )}
    </div>
  );
}

function EmergencyForm({
  policy,
  onOpened,
}: {
  policy: BreakGlassPolicy | null;
  onOpened: (session: BreakGlassView) => void;
}) {
  const [patientId, setPatientId] = useState('');
  const [reason, setReason] = useState('');
  const [hours, setHours] = useState(1);
  const [step, setStep] = useState<Step>({ step: 'edit', error: null, fields: {} });
  const maxHours = policy?.maxHours ?? 1;
  const fields = step.step === 'edit' ? step.fields : {};

  const confirm = () => {
    if (!PSEUDONYM.test(patientId.trim())) {
      return setStep({
        step: 'edit',
        error: null,
        fields: { patientId: 'Give the patient’s pseudonym: pat- and 32 hexadecimal digits.' },
      });
    }
    setStep({ step: 'confirm' });
  };
  const submit = async () => {
    setStep({ step: 'saving' });
    const result = await settle(() =>
      ehr().openBreakGlass({ patientId: patientId.trim(), reason, durationHours: hours }),
    );
    if (!result.ok) {
      return setStep({
        step: 'edit',
        error: result.error.message,
        fields: result.error.fields ?? {},
      });
    }
    setStep({ step: 'edit', error: null, fields: {} });
    setReason('');
    announceBreakGlassChanged();
    onOpened(result.value);
  };

  return (
    <form
      className="panel break-glass-form"
      aria-label="Open emergency access"
      onSubmit={(e) => {
        e.preventDefault();
        confirm();
      }}
    >
      <fieldset>
        <legend>Open emergency access</legend>
        <div className={`field${fields.patientId ? ' invalid' : ''}`}>
          <label htmlFor="bg-patient">Patient pseudonym</label>
          <input
            id="bg-patient"
            value={patientId}
            spellCheck={false}
            onChange={(e) => setPatientId(e.target.value)}
          />
          {fields.patientId && (
            <p className="field-message" data-state="invalid">
              {fields.patientId}
            </p>
          )}
        </div>
        <div className={`field${fields.reason ? ' invalid' : ''}`}>
          <label htmlFor="bg-reason">Reason</label>
          <textarea
            id="bg-reason"
            rows={3}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <p className="field-message" data-state={fields.reason ? 'invalid' : undefined}>
            {fields.reason ??
              (policy
                ? `Describe the emergency in words (at least ${policy.minReasonLength} characters and ${policy.minReasonWords} different words, at most ${policy.maxReasonLength}); never the patient’s name. The patient and your hospital read it.`
                : 'Describe the emergency in words; never the patient’s name.')}
          </p>
        </div>
        <div className={`field${fields.durationHours ? ' invalid' : ''}`}>
          <label htmlFor="bg-hours">Duration</label>
          <select id="bg-hours" value={hours} onChange={(e) => setHours(Number(e.target.value))}>
            {Array.from({ length: maxHours }, (_, i) => i + 1).map((h) => (
              <option key={h} value={h}>
                {h} {h === 1 ? 'hour' : 'hours'}
              </option>
            ))}
          </select>
          {fields.durationHours && (
            <p className="field-message" data-state="invalid">
              {fields.durationHours}
            </p>
          )}
        </div>
        {step.step === 'edit' && step.error && !Object.keys(step.fields).length && (
          <ErrorBanner lead="Emergency access was not opened." message={step.error} />
        )}
        <div className="form-actions">
          <button type="submit" className="danger" disabled={step.step === 'saving'}>
            Open emergency access…
          </button>
        </div>
      </fieldset>
      {step.step !== 'edit' && (
        <ConfirmDialog
          title="Open emergency access?"
          confirmLabel="Open emergency access"
          busy={step.step === 'saving'}
          onConfirm={() => void submit()}
          onCancel={() => setStep({ step: 'edit', error: null, fields: {} })}
        >
          <p>
            You will be able to read every record of <code>{patientId.trim()}</code> for {hours}{' '}
            {hours === 1 ? 'hour' : 'hours'}, and add none. The opening and every record you open
            are recorded on the ledger as emergency access; the patient is told and your hospital’s
            administrator reviews it.
          </p>
          <p>
            <strong>Reason:</strong> {reason.trim() || '(none)'}
          </p>
        </ConfirmDialog>
      )}
    </form>
  );
}
