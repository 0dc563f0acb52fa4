// The patient's records: every record on the ledger under his pseudonym, from every
// hospital — what it is, who added it, when, and how large it is stored.
import { useCallback } from 'react';
import { ehr } from '../ehr';
import { RecordsTable } from './RecordsTable';
import { LedgerView } from './SectionStatus';
import { useLedger } from './useLedger';

interface Props {
  emptyTitle: string;
  emptyText: string;
}

export function PatientRecordsView({ emptyTitle, emptyText }: Props) {
  const read = useCallback(() => ehr().listRecords(), []);
  const { query, shown, reload } = useLedger(read, ['records']);
  const records = shown?.records ?? [];
  return (
    <LedgerView
      query={query}
      shown={shown}
      reload={reload}
      empty={records.length === 0}
      emptyTitle={emptyTitle}
      emptyText={emptyText}
      failedLead="Your records could not be read."
    >
      <RecordsTable label="My records" records={records} />
    </LedgerView>
  );
}
