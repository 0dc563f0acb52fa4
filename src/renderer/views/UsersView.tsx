// The administrator's list of this hospital's users from the ledger's directory: name (a
// pseudonym for patients), role, department, when enrolled, and whether revoked; searchable.
// Revoking asks first and says what it does.
import { useCallback, useMemo, useState } from 'react';
import type { AdminUserView } from '../../shared/ipc/contract';
import { ROLE_LABELS } from '../../shared/roles';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorBanner } from '../components/ErrorBanner';
import { ehr } from '../ehr';
import { formatDateTime, shortId } from './format';
import { FreshnessNote, RefreshButton, SectionStatus } from './SectionStatus';
import { settle, useLedger } from './useLedger';

interface Props {
  emptyTitle: string;
  emptyText: string;
}

const nameOf = (user: AdminUserView) => user.displayName ?? `Patient ${shortId(user.id)}`;

export function matches(user: AdminUserView, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (!needle) return true;
  return [nameOf(user), user.id, ROLE_LABELS[user.role], user.department ?? '', user.status]
    .join(' ')
    .toLowerCase()
    .includes(needle);
}

export function UsersView({ emptyTitle, emptyText }: Props) {
  const read = useCallback(() => ehr().listUsers(), []);
  const { query, shown, reload } = useLedger(read, ['users']);
  const [search, setSearch] = useState('');
  const [revoking, setRevoking] = useState<AdminUserView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const users = useMemo(
    () =>
      [...(shown?.items ?? [])]
        .filter((u) => matches(u, search))
        .sort((a, b) => nameOf(a).localeCompare(nameOf(b))),
    [shown, search],
  );
  return (
    <div className="ledger-view">
      <div className="view-actions">
        <label className="search">
          Search users
          <input
            type="search"
            aria-label="Search users"
            value={search}
            placeholder="Name, role, department or id"
            onChange={(event) => setSearch(event.target.value)}
          />
        </label>
        <RefreshButton busy={query.state === 'loading'} onClick={reload} />
      </div>
      <FreshnessNote of={shown} />
      {notice && (
        <p className="banner success" role="status">
          {notice}
        </p>
      )}
      {users.length === 0 ? (
        search && shown?.items.length ? (
          <p className="muted">No user matches “{search}”.</p>
        ) : (
          <SectionStatus
            query={query}
            emptyTitle={emptyTitle}
            emptyText={emptyText}
            failedLead="The user list could not be read."
          />
        )
      ) : (
        <table className="data-table" aria-label="Users">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Department</th>
              <th scope="col">Enrolled</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id} data-status={user.status}>
                <th scope="row">
                  {nameOf(user)}
                  <span className="muted"> · {shortId(user.id)}</span>
                </th>
                <td>{ROLE_LABELS[user.role]}</td>
                <td>{user.department ?? '—'}</td>
                <td>
                  <time dateTime={user.enrolledAt}>{formatDateTime(user.enrolledAt)}</time>
                </td>
                <td>
                  {user.status === 'revoked'
                    ? `Revoked ${formatDateTime(user.revokedAt)}`
                    : 'Active'}
                </td>
                <td>
                  {user.status === 'active' && (
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Revoke ${nameOf(user)}`}
                      onClick={() => {
                        setNotice(null);
                        setRevoking(user);
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoking && (
        <RevokeUserDialog
          user={revoking}
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

function RevokeUserDialog({
  user,
  onClose,
  onRevoked,
}: {
  user: AdminUserView;
  onClose: () => void;
  onRevoked: (message: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = nameOf(user);
  const revoke = async () => {
    setBusy(true);
    setError(null);
    const result = await settle(() => ehr().revokeUser({ userId: user.id }));
    setBusy(false);
    if (result.ok) {
      onRevoked(
        `${name} is revoked: the ledger refuses everything that card signs, and the hospital CA has revoked its certificate.`,
      );
    } else setError(result.error.message);
  };
  return (
    <ConfirmDialog
      title={`Revoke ${name}?`}
      confirmLabel="Revoke user"
      busy={busy}
      onConfirm={() => void revoke()}
      onCancel={onClose}
    >
      <p>
        From now on the ledger refuses every transaction this user’s card signs, the grants patients
        gave them end (the patients see this in their access history), and the hospital CA revokes
        the certificate. This cannot be undone: coming back takes a new card enrolment.
      </p>
      {error && <ErrorBanner message={error} lead="Not revoked." />}
    </ConfirmDialog>
  );
}
