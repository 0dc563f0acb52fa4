// Who may see what: the patient's permissions in force now or later, one block per
// caregiver, with a way to grant more and to revoke a caregiver's access.
import { useCallback, useState } from 'react';
import type { GrantView, PersonView } from '../../shared/ipc/contract';
import type { Category } from '../../shared/ledger';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorBanner } from '../components/ErrorBanner';
import { ehr } from '../ehr';
import { categoryLabel, formatDateTime, personPlace, rightsLabel } from './format';
import { GrantForm } from './GrantForm';
import { RefreshButton, SectionStatus } from './SectionStatus';
import { settle, useLedger } from './useLedger';

interface Props {
  emptyTitle: string;
  emptyText: string;
}

interface CaregiverGrants {
  caregiver: PersonView;
  grants: GrantView[];
  /** The categories a revoke ends (break-glass access ends by itself). */
  categories: Category[];
}

function byCaregiver(grants: readonly GrantView[]): CaregiverGrants[] {
  const groups = new Map<string, CaregiverGrants>();
  for (const grant of grants) {
    const group = groups.get(grant.caregiver.id) ?? {
      caregiver: grant.caregiver,
      grants: [],
      categories: [],
    };
    group.grants.push(grant);
    if (grant.kind === 'grant' && grant.category && !group.categories.includes(grant.category))
      group.categories.push(grant.category);
    groups.set(grant.caregiver.id, group);
  }
  return [...groups.values()].sort((a, b) =>
    a.caregiver.displayName.localeCompare(b.caregiver.displayName),
  );
}

export function SharingView({ emptyTitle, emptyText }: Props) {
  const read = useCallback(() => ehr().listMyGrants(), []);
  const { query, shown, reload } = useLedger(read, ['grants']);
  const [granting, setGranting] = useState(false);
  const [revoking, setRevoking] = useState<CaregiverGrants | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const groups = byCaregiver(shown?.items ?? []);

  return (
    <div className="ledger-view">
      <div className="view-actions">
        {!granting && (
          <button
            type="button"
            onClick={() => {
              setNotice(null);
              setGranting(true);
            }}
          >
            Grant access
          </button>
        )}
        <RefreshButton busy={query.state === 'loading'} onClick={reload} />
      </div>
      {granting && <GrantForm onGranted={reload} onClose={() => setGranting(false)} />}
      {notice && (
        <p className="banner success" role="status">
          {notice}
        </p>
      )}
      {groups.length === 0 ? (
        <SectionStatus
          query={query}
          emptyTitle={emptyTitle}
          emptyText={emptyText}
          failedLead="Your permissions could not be read."
        />
      ) : (
        <ul className="caregiver-list" aria-label="Caregivers with access">
          {groups.map((group) => (
            <li key={group.caregiver.id}>
              <CaregiverBlock
                group={group}
                onRevoke={() => {
                  setNotice(null);
                  setRevoking(group);
                }}
              />
            </li>
          ))}
        </ul>
      )}
      {revoking && (
        <RevokeDialog
          group={revoking}
          onClose={() => setRevoking(null)}
          onRevoked={(message) => {
            setRevoking(null);
            setNotice(message);
            reload();
          }}
        />
      )}
    </div>
  );
}

function CaregiverBlock({ group, onRevoke }: { group: CaregiverGrants; onRevoke: () => void }) {
  const { caregiver } = group;
  return (
    <section className="panel caregiver" aria-label={caregiver.displayName}>
      <div className="caregiver-head">
        <div>
          <h3>{caregiver.displayName}</h3>
          <p className="muted">
            {caregiver.department ?? 'No department'} · {caregiver.mspId ?? 'unknown hospital'}
          </p>
        </div>
        {group.categories.length > 0 && (
          <button type="button" className="danger" onClick={onRevoke}>
            Revoke
          </button>
        )}
      </div>
      <table className="data-table" aria-label={`Access of ${caregiver.displayName}`}>
        <thead>
          <tr>
            <th scope="col">Records</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">May</th>
          </tr>
        </thead>
        <tbody>
          {group.grants.map((grant) => (
            <tr
              key={grant.seq}
              className={grant.kind === 'break-glass' ? 'break-glass' : undefined}
              data-kind={grant.kind}
            >
              <th scope="row">
                {categoryLabel(grant.kind === 'break-glass' ? null : grant.category)}
                {grant.kind === 'break-glass' && grant.reason && (
                  <span className="reason">Reason: {grant.reason}</span>
                )}
              </th>
              <td>{formatDateTime(grant.validFrom)}</td>
              <td>{formatDateTime(grant.validTo)}</td>
              <td>{rightsLabel(grant.read, grant.write)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {group.categories.length === 0 && (
        <p className="muted">Emergency access ends by itself at the time shown.</p>
      )}
    </section>
  );
}

/** ["a", "b", "c"] → "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length < 2
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function RevokeDialog({
  group,
  onClose,
  onRevoked,
}: {
  group: CaregiverGrants;
  onClose: () => void;
  onRevoked: (message: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = group.caregiver.displayName;
  const revoke = async () => {
    setBusy(true);
    setError(null);
    const result = await settle(() =>
      ehr().revokeAccess({ caregiverId: group.caregiver.id, categories: group.categories }),
    );
    setBusy(false);
    if (result.ok) onRevoked(`Revoked ${name}’s access. It is on the ledger.`);
    else setError(result.error.message);
  };
  return (
    <ConfirmDialog
      title={`Revoke ${name}’s access?`}
      confirmLabel="Revoke access"
      busy={busy}
      onConfirm={() => void revoke()}
      onCancel={onClose}
    >
      <p>
        {name} ({personPlace(group.caregiver)}) will no longer be able to open your{' '}
        {listed(group.categories.map((c) => categoryLabel(c).toLowerCase()))} records.
      </p>
      <p>
        <strong>Copies the caregiver already opened cannot be recalled.</strong>
      </p>
      {busy && <p role="status">Saving on the ledger…</p>}
      {error && <ErrorBanner lead="Nothing was revoked." message={error} />}
    </ConfirmDialog>
  );
}
