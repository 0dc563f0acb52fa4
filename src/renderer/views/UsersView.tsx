// The administrator's list of the caregivers in the ledger's directory, across hospitals:
// name, department and the hospital that registered them.
import { useCallback } from 'react';
import { ehr } from '../ehr';
import { RefreshButton, SectionStatus } from './SectionStatus';
import { useLedger } from './useLedger';

interface Props {
  emptyTitle: string;
  emptyText: string;
}

export function UsersView({ emptyTitle, emptyText }: Props) {
  const read = useCallback(() => ehr().listCaregivers(), []);
  const { query, shown, reload } = useLedger(read);
  const people = [...(shown?.items ?? [])].sort(
    (a, b) =>
      (a.mspId ?? '').localeCompare(b.mspId ?? '') || a.displayName.localeCompare(b.displayName),
  );
  return (
    <div className="ledger-view">
      <div className="view-actions">
        <RefreshButton busy={query.state === 'loading'} onClick={reload} />
      </div>
      {people.length === 0 ? (
        <SectionStatus
          query={query}
          emptyTitle={emptyTitle}
          emptyText={emptyText}
          failedLead="The directory could not be read."
        />
      ) : (
        <table className="data-table" aria-label="Caregivers">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Department</th>
              <th scope="col">Hospital</th>
            </tr>
          </thead>
          <tbody>
            {people.map((person) => (
              <tr key={person.id}>
                <th scope="row">{person.displayName}</th>
                <td>{person.department ?? '—'}</td>
                <td>{person.mspId ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
