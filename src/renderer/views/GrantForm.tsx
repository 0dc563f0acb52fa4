// The patient's grant form: whom (searched in the directory of every hospital), which
// categories, from which day to which day, read and/or write — then a summary to confirm
// before anything is signed. The grant is one ledger transaction per category.
import { useCallback, useMemo, useState } from 'react';
import type { GrantResult, PersonView } from '../../shared/ipc/contract';
import { CATEGORIES, CATEGORY_LABELS, type Category } from '../../shared/ledger';
import { ErrorBanner } from '../components/ErrorBanner';
import { OperationProgressBar } from '../components/OperationProgressBar';
import { ehr } from '../ehr';
import { daysFromToday, formatDate, grantWindow, personPlace, rightsLabel } from './format';
import { settle, useLedger } from './useLedger';

interface Props {
  onGranted: (result: GrantResult) => void;
  onClose: () => void;
}

interface Draft {
  caregiverId: string | null;
  categories: ReadonlySet<Category>;
  fromDay: string;
  toDay: string;
  read: boolean;
  write: boolean;
}

type Step =
  | { step: 'edit'; problems: string[] }
  | { step: 'confirm'; error: string | null }
  | { step: 'saving'; operationId: string }
  | { step: 'done'; result: GrantResult };

function problemsOf(draft: Draft, today: string): string[] {
  const problems: string[] = [];
  if (!draft.caregiverId) problems.push('Choose the caregiver who may see your records.');
  if (draft.categories.size === 0) problems.push('Tick at least one kind of record.');
  if (!draft.read && !draft.write) problems.push('Give read access, write access or both.');
  if (!grantWindow(draft.fromDay, draft.toDay)) problems.push('Give both dates.');
  else if (draft.fromDay < today) problems.push('The first day cannot be in the past.');
  else if (draft.toDay < draft.fromDay) problems.push('The last day must not be before the first.');
  return problems;
}

function matches(person: PersonView, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (!needle) return true;
  return [person.displayName, person.department, person.mspId].some((field) =>
    field?.toLowerCase().includes(needle),
  );
}

export function GrantForm({ onGranted, onClose }: Props) {
  const readCaregivers = useCallback(() => ehr().listCaregivers(), []);
  const { query: caregivers } = useLedger(readCaregivers);
  const [today] = useState(() => daysFromToday(0));
  const [search, setSearch] = useState('');
  const [draft, setDraft] = useState<Draft>(() => ({
    caregiverId: null,
    categories: new Set(),
    fromDay: daysFromToday(0),
    toDay: daysFromToday(30),
    read: true,
    write: false,
  }));
  const [step, setStep] = useState<Step>({ step: 'edit', problems: [] });

  const people = useMemo(
    () => (caregivers.state === 'ready' ? caregivers.value.items : []),
    [caregivers],
  );
  const shown = people.filter((p) => matches(p, search) || p.id === draft.caregiverId);
  const caregiver = people.find((p) => p.id === draft.caregiverId) ?? null;
  const chosenCategories = CATEGORIES.filter((c) => draft.categories.has(c));
  const update = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const toggleCategory = (category: Category) =>
    setDraft((d) => {
      const next = new Set(d.categories);
      if (next.has(category)) next.delete(category);
      else next.add(category);
      return { ...d, categories: next };
    });

  const review = () => {
    const problems = problemsOf(draft, today);
    setStep(problems.length > 0 ? { step: 'edit', problems } : { step: 'confirm', error: null });
  };

  const save = async () => {
    const span = grantWindow(draft.fromDay, draft.toDay);
    if (!draft.caregiverId || !span) return;
    const operationId = crypto.randomUUID();
    setStep({ step: 'saving', operationId });
    const result = await settle(() =>
      ehr().grantAccess({
        caregiverId: draft.caregiverId ?? '',
        categories: chosenCategories,
        validFrom: span.validFrom,
        validTo: span.validTo,
        read: draft.read,
        write: draft.write,
        operationId,
      }),
    );
    if (result.ok) {
      setStep({ step: 'done', result: result.value });
      onGranted(result.value);
    } else {
      setStep({ step: 'confirm', error: result.error.message });
    }
  };

  const span = grantWindow(draft.fromDay, draft.toDay);
  const summary = caregiver && span && (
    <dl className="facts" aria-label="Grant summary">
      <dt>Caregiver</dt>
      <dd>
        {caregiver.displayName} <span className="muted">· {personPlace(caregiver)}</span>
      </dd>
      <dt>Records</dt>
      <dd>{chosenCategories.map((c) => CATEGORY_LABELS[c]).join(', ')}</dd>
      <dt>From</dt>
      <dd>{formatDate(span.validFrom)}</dd>
      <dt>To</dt>
      <dd>{formatDate(span.validTo)} (end of the day)</dd>
      <dt>May</dt>
      <dd>{rightsLabel(draft.read, draft.write)}</dd>
    </dl>
  );

  if (step.step !== 'edit') {
    return (
      <section className="panel grant-form" aria-label="Grant access">
        <h2>{step.step === 'done' ? 'Access granted' : 'Confirm the grant'}</h2>
        {summary}
        {step.step === 'confirm' && (
          <>
            <p>
              The caregiver will be able to open these records during this time. You can revoke the
              grant at any time.
            </p>
            {step.error && <ErrorBanner lead="Nothing was granted." message={step.error} />}
            <div className="form-actions">
              <button type="button" onClick={() => void save()}>
                Confirm
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => setStep({ step: 'edit', problems: [] })}
              >
                Back
              </button>
            </div>
          </>
        )}
        {step.step === 'saving' && (
          <>
            <p role="status">Saving on the ledger…</p>
            <OperationProgressBar operationId={step.operationId} label="Granting access" />
          </>
        )}
        {step.step === 'done' && (
          <>
            <p className="banner success" role="status">
              Granted. It is on the ledger.
            </p>
            {step.result.recordsShared > 0 && (
              <p className="muted">
                {step.result.recordsShared} existing record
                {step.result.recordsShared === 1 ? ' was' : 's were'} shared with the caregiver.
              </p>
            )}
            <div className="form-actions">
              <button type="button" onClick={onClose}>
                Close
              </button>
            </div>
          </>
        )}
      </section>
    );
  }

  return (
    <form
      className="panel grant-form"
      aria-label="Grant access"
      onSubmit={(event) => {
        event.preventDefault();
        review();
      }}
    >
      <h2>Grant access</h2>
      <fieldset>
        <legend>Caregiver</legend>
        <div className="field">
          <label htmlFor="grant-search">Search by name, department or hospital</label>
          <input
            id="grant-search"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        {caregivers.state === 'loading' && (
          <p className="muted" role="status">
            Reading the directory…
          </p>
        )}
        {caregivers.state === 'failed' && (
          <ErrorBanner
            lead="The caregivers could not be listed."
            message={caregivers.error.message}
          />
        )}
        {caregivers.state === 'ready' && (
          <div className="choice-list" role="radiogroup" aria-label="Caregiver">
            {shown.length === 0 && (
              <p className="muted">
                {people.length === 0
                  ? 'No caregivers are in the directory.'
                  : 'No caregiver matches the search.'}
              </p>
            )}
            {shown.map((person) => (
              <label key={person.id} className="choice">
                <input
                  type="radio"
                  name="grant-caregiver"
                  checked={draft.caregiverId === person.id}
                  onChange={() => update({ caregiverId: person.id })}
                />
                <span>
                  {person.displayName} <span className="muted">· {personPlace(person)}</span>
                </span>
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>Records they may see</legend>
        <div className="choice-grid">
          {CATEGORIES.map((category) => (
            <label key={category} className="choice">
              <input
                type="checkbox"
                checked={draft.categories.has(category)}
                onChange={() => toggleCategory(category)}
              />
              {CATEGORY_LABELS[category]}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>When</legend>
        <div className="field-row">
          <div className="field">
            <label htmlFor="grant-from">From</label>
            <input
              id="grant-from"
              type="date"
              min={today}
              value={draft.fromDay}
              onChange={(e) => update({ fromDay: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="grant-to">To</label>
            <input
              id="grant-to"
              type="date"
              min={draft.fromDay || today}
              value={draft.toDay}
              onChange={(e) => update({ toDay: e.target.value })}
            />
          </div>
        </div>
      </fieldset>
      <fieldset>
        <legend>They may</legend>
        <label className="choice">
          <input
            type="checkbox"
            checked={draft.read}
            onChange={(e) => update({ read: e.target.checked })}
          />
          Read
        </label>
        <label className="choice">
          <input
            type="checkbox"
            checked={draft.write}
            onChange={(e) => update({ write: e.target.checked })}
          />
          Write (add records)
        </label>
      </fieldset>
      {step.problems.length > 0 && (
        <div className="banner error" role="alert">
          {step.problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      )}
      <div className="form-actions">
        <button type="submit">Continue</button>
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
