// The administrator enrols a card: pick the card in the reader (a blank one, or one to
// re-enrol, which is wiped only after he confirms), the person's role, name and department,
// the card's security officer PIN and the new user's PIN. Each step shows as it happens; a
// patient's fresh pseudonym is shown once, to be written into the hospital's own records.
import { useCallback, useState } from 'react';
import type { EnrolmentCardView, EnrolResult } from '../../shared/ipc/contract';
import { ENROLMENT_STEP_LABELS, ENROLMENT_STEPS } from '../../shared/ipc/slices/admin';
import { ROLE_LABELS, ROLES, type Role } from '../../shared/roles';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorBanner } from '../components/ErrorBanner';
import { useOperationProgress } from '../components/OperationProgressBar';
import { ehr } from '../ehr';
import { RefreshButton, SectionStatus } from './SectionStatus';
import { settle, useLedger } from './useLedger';

interface Props {
  emptyTitle: string;
  emptyText: string;
}

interface Form {
  card: string;
  role: Role;
  displayName: string;
  department: string;
  soPin: string;
  userPin: string;
  userPinAgain: string;
}

const EMPTY: Form = {
  card: '',
  role: 'oncologist',
  displayName: '',
  department: '',
  soPin: '',
  userPin: '',
  userPinAgain: '',
};

const cardLabel = (card: EnrolmentCardView) =>
  card.blank
    ? 'Blank card'
    : `${card.label || 'Card'} · ${card.card}${card.enrolledAs ? ` · enrolled as ${card.enrolledAs}` : card.holdsKeys ? ' · holds keys' : ''}`;

export function EnrolView({ emptyTitle, emptyText }: Props) {
  const read = useCallback(() => ehr().listEnrolmentCards(), []);
  const { query, shown, reload } = useLedger(read);
  const cards = shown ?? [];
  const [form, setForm] = useState<Form>(EMPTY);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirmWipe, setConfirmWipe] = useState(false);
  const [running, setRunning] = useState<string | null>(null);
  const [done, setDone] = useState<EnrolResult | null>(null);
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const chosen = cards.find((c) => c.card === form.card) ?? null;
  const patient = form.role === 'patient';

  const check = (): string | null => {
    if (!chosen) return 'Choose the card to enrol.';
    if (!patient && !form.displayName.trim()) return 'Enter the person’s name.';
    if (!patient && !form.department.trim()) return 'Enter the department.';
    if (!form.soPin) return 'Enter the card’s security officer (SO) PIN.';
    if (form.userPin.length < 4) return 'The new PIN has at least 4 characters.';
    if (form.userPin !== form.userPinAgain) return 'The two new PINs differ.';
    return null;
  };

  const enrol = async (wipe: boolean) => {
    const operationId = crypto.randomUUID();
    setConfirmWipe(false);
    setProblem(null);
    setDone(null);
    setRunning(operationId);
    const result = await settle(() =>
      ehr().enrolCard({
        card: form.card,
        role: form.role,
        displayName: patient ? '' : form.displayName,
        department: patient ? '' : form.department,
        soPin: form.soPin,
        userPin: form.userPin,
        wipe,
        operationId,
      }),
    );
    setRunning(null);
    if (result.ok) {
      setDone(result.value);
      setForm(EMPTY);
    } else if (result.error.code === 'CARD_HOLDS_KEYS') {
      setConfirmWipe(true);
    } else {
      setProblem(result.error.message);
    }
    reload();
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const why = check();
    if (why) return setProblem(why);
    if (chosen?.holdsKeys) return setConfirmWipe(true);
    void enrol(false);
  };

  return (
    <div className="ledger-view enrol">
      <div className="view-actions">
        <RefreshButton busy={query.state === 'loading'} onClick={reload} />
      </div>
      {done && <Enrolled result={done} />}
      {cards.length === 0 ? (
        <SectionStatus
          query={query}
          emptyTitle={emptyTitle}
          emptyText={emptyText}
          failedLead="The card readers could not be read."
        />
      ) : (
        <form className="panel enrol-form" aria-label="Enrol a card" onSubmit={submit}>
          <label>
            Card
            <select
              aria-label="Card"
              value={form.card}
              onChange={(e) => set({ card: e.target.value })}
            >
              <option value="">Choose the card in the reader</option>
              {cards.map((card) => (
                <option key={card.card} value={card.card}>
                  {cardLabel(card)}
                </option>
              ))}
            </select>
          </label>
          <fieldset>
            <legend>Role</legend>
            {ROLES.map((role) => (
              <label key={role} className="inline">
                <input
                  type="radio"
                  name="role"
                  checked={form.role === role}
                  onChange={() => set({ role })}
                />
                {ROLE_LABELS[role]}
              </label>
            ))}
          </fieldset>
          {patient ? (
            <p className="muted">
              A patient card carries no name: the ledger knows him only by a fresh pseudonym, shown
              once when the card is enrolled.
            </p>
          ) : (
            <>
              <label>
                Name
                <input
                  aria-label="Name"
                  value={form.displayName}
                  maxLength={120}
                  onChange={(e) => set({ displayName: e.target.value })}
                />
              </label>
              <label>
                Department
                <input
                  aria-label="Department"
                  value={form.department}
                  maxLength={120}
                  placeholder={form.role === 'physicist' ? 'Medical Physics' : 'Radiation Oncology'}
                  onChange={(e) => set({ department: e.target.value })}
                />
              </label>
            </>
          )}
          <label>
            Card SO PIN
            <input
              type="password"
              autoComplete="off"
              aria-label="Card SO PIN"
              value={form.soPin}
              onChange={(e) => set({ soPin: e.target.value })}
            />
          </label>
          <label>
            New PIN (the card holder types it)
            <input
              type="password"
              autoComplete="off"
              aria-label="New PIN (the card holder types it)"
              value={form.userPin}
              onChange={(e) => set({ userPin: e.target.value })}
            />
          </label>
          <label>
            New PIN again
            <input
              type="password"
              autoComplete="off"
              aria-label="New PIN again"
              value={form.userPinAgain}
              onChange={(e) => set({ userPinAgain: e.target.value })}
            />
          </label>
          {problem && <ErrorBanner message={problem} lead="Not enrolled." />}
          {running && <EnrolmentSteps operationId={running} />}
          <div className="form-actions">
            <button type="submit" disabled={running !== null}>
              Enrol card
            </button>
          </div>
        </form>
      )}
      {confirmWipe && chosen && (
        <ConfirmDialog
          title="Wipe this card?"
          confirmLabel="Wipe and enrol"
          onConfirm={() => void enrol(true)}
          onCancel={() => setConfirmWipe(false)}
        >
          <p>
            {chosen.enrolledAs
              ? `This card holds the keys and certificate of ${chosen.enrolledAs}.`
              : 'This card already holds ACTION-EHR keys.'}{' '}
            Enrolling wipes them for good: whoever used it can no longer sign in with it, and
            records shared with its keys open only after they are shared again.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** The steps so far, from the operation's progress events. */
function EnrolmentSteps({ operationId }: { operationId: string }) {
  const progress = useOperationProgress(operationId);
  const at = progress ? ENROLMENT_STEPS.indexOf(progress.stage as never) : -1;
  return (
    <ol className="enrol-steps" aria-label="Enrolment steps">
      {ENROLMENT_STEPS.map((step, index) => (
        <li key={step} data-state={index < at ? 'done' : index === at ? 'running' : 'waiting'}>
          {ENROLMENT_STEP_LABELS[step]}
          {index < at ? ' ✓' : index === at ? ' …' : ''}
        </li>
      ))}
    </ol>
  );
}

function Enrolled({ result }: { result: EnrolResult }) {
  const { user } = result;
  return (
    <section className="banner success" role="status" aria-label="Enrolled">
      <p>
        Enrolled {user.displayName ?? 'the patient'} as {ROLE_LABELS[user.role]} on card{' '}
        {result.serial}. The certificate is on the card and the user is in the ledger’s directory.
      </p>
      {result.pseudonym && (
        <p className="pseudonym">
          Pseudonym: <code>{result.pseudonym}</code> — write it into the hospital’s own record of
          this patient now. It is not shown again.
        </p>
      )}
    </section>
  );
}
