// Connection settings: each field is checked as soon as it is left (text first, here;
// then files and libraries, in the main process), and a save stores everything or
// nothing.
import { useEffect, useState } from 'react';
import type { FieldCheck } from '../../shared/ipc/contract';
import {
  SETTING_DEFINITIONS,
  checkSettingSyntax,
  type SettingDefinition,
  type SettingKey,
  type Settings,
} from '../../shared/settings';
import { ehr } from '../ehr';

type FieldState =
  { status: 'idle' } | { status: 'checking' } | ({ status: 'checked' } & FieldCheck);

type Banner = { kind: 'success' | 'error'; text: string } | null;

const GROUPS = [...new Set(SETTING_DEFINITIONS.map((d) => d.group))];

function toDraft(settings: Settings): Record<SettingKey, string> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v ?? ''])) as Record<
    SettingKey,
    string
  >;
}

interface Props {
  onClose: () => void;
}

export function SettingsView({ onClose }: Props) {
  const [saved, setSaved] = useState<Record<SettingKey, string> | null>(null);
  const [draft, setDraft] = useState<Record<SettingKey, string> | null>(null);
  const [fields, setFields] = useState<Partial<Record<SettingKey, FieldState>>>({});
  const [banner, setBanner] = useState<Banner>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    void ehr()
      .getSettings()
      .then((result) => {
        if (!result.ok) return setBanner({ kind: 'error', text: result.error.message });
        setSaved(toDraft(result.value));
        setDraft(toDraft(result.value));
      });
  }, []);

  const setField = (key: SettingKey, state: FieldState) =>
    setFields((prev) => ({ ...prev, [key]: state }));

  async function checkField(key: SettingKey, value: string) {
    const local = checkSettingSyntax(key, value);
    if (local) return setField(key, { status: 'checked', valid: false, message: local });
    if (value === '') return setField(key, { status: 'idle' });
    setField(key, { status: 'checking' });
    const result = await ehr().checkSetting({ key, value });
    setField(
      key,
      result.ok
        ? { status: 'checked', ...result.value }
        : { status: 'checked', valid: false, message: result.error.message },
    );
  }

  async function save() {
    if (!draft) return;
    setSaving(true);
    setBanner(null);
    const values = Object.fromEntries(
      Object.entries(draft).map(([k, v]) => [k, v === '' ? null : v]),
    );
    const result = await ehr().saveSettings({ values });
    setSaving(false);
    if (result.ok) {
      setSaved(toDraft(result.value));
      setDraft(toDraft(result.value));
      setBanner({ kind: 'success', text: 'Settings saved.' });
      return;
    }
    setBanner({ kind: 'error', text: result.error.message });
    for (const [key, message] of Object.entries(result.error.fields ?? {})) {
      setField(key as SettingKey, { status: 'checked', valid: false, message });
    }
  }

  if (!draft || !saved) {
    return (
      <main className="settings" aria-busy={!banner}>
        {banner && <p className={`banner ${banner.kind}`}>{banner.text}</p>}
      </main>
    );
  }

  const dirty = Object.keys(draft).some((k) => draft[k as SettingKey] !== saved[k as SettingKey]);
  const hasErrors = Object.values(fields).some((f) => f?.status === 'checked' && !f.valid);

  return (
    <main className="settings">
      <header className="settings-header">
        <h1>Connection settings</h1>
        <button type="button" className="link" onClick={onClose}>
          Back
        </button>
      </header>
      <p className="muted">
        Where this workstation finds your hospital&apos;s ledger peer, the encrypted record store,
        the smart-card library and the PACS. Each value is checked when you leave its field.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
        noValidate
      >
        {GROUPS.map((group) => (
          <fieldset key={group}>
            <legend>{group}</legend>
            {SETTING_DEFINITIONS.filter((d) => d.group === group).map((def) => (
              <SettingField
                key={def.key}
                def={def}
                value={draft[def.key]}
                state={fields[def.key] ?? { status: 'idle' }}
                onChange={(value) => {
                  setDraft({ ...draft, [def.key]: value });
                  setField(def.key, { status: 'idle' });
                }}
                onLeave={(value) => void checkField(def.key, value)}
              />
            ))}
          </fieldset>
        ))}
        <div className="form-actions">
          <button type="submit" disabled={saving || !dirty}>
            {saving ? 'Saving…' : 'Save settings'}
          </button>
          {hasErrors && <span className="muted">Correct the marked fields before saving.</span>}
        </div>
        {banner && (
          <p
            className={`banner ${banner.kind}`}
            role={banner.kind === 'error' ? 'alert' : 'status'}
          >
            {banner.text}
          </p>
        )}
      </form>
    </main>
  );
}

interface FieldProps {
  def: SettingDefinition;
  value: string;
  state: FieldState;
  onChange: (value: string) => void;
  onLeave: (value: string) => void;
}

function SettingField({ def, value, state, onChange, onLeave }: FieldProps) {
  const inputId = `setting-${def.key}`;
  const messageId = `${inputId}-message`;
  const invalid = state.status === 'checked' && !state.valid;
  return (
    <div className={`field${invalid ? ' invalid' : ''}`}>
      <label htmlFor={inputId}>{def.label}</label>
      <input
        id={inputId}
        name={def.key}
        value={value}
        placeholder={def.example}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={invalid}
        aria-describedby={messageId}
        onChange={(event) => onChange(event.target.value)}
        onBlur={(event) => onLeave(event.target.value)}
      />
      <p id={messageId} className="field-message" data-state={messageState(state)}>
        {messageText(state, def)}
      </p>
    </div>
  );
}

function messageState(state: FieldState): string {
  if (state.status !== 'checked') return state.status;
  return state.valid ? 'valid' : 'invalid';
}

function messageText(state: FieldState, def: SettingDefinition): string {
  if (state.status === 'checking') return 'Checking…';
  if (state.status === 'idle') return def.hint;
  if (!state.valid) return state.message;
  return state.detail ? `✓ ${state.detail}` : '✓ Looks right.';
}
