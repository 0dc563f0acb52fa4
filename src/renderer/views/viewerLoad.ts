// What the shell hands the viewer after a caregiver opens records from the ledger. Records
// of one patient accumulate into one course load (the imaging, then the dose, then an
// earlier course); a record of another patient starts a new load.
import type { OpenedRecord } from '../../shared/ipc/contract';
import { CATEGORY_LABELS } from '../../shared/ledger';
import { shortId } from './format';

export interface RecordFile {
  name: string;
  bytes: Uint8Array;
}

/** Files for the viewer; a new `key` means "load these now". */
export interface IncomingFiles {
  key: number;
  files: RecordFile[];
  label: string;
}

export interface ViewerLoad extends IncomingFiles {
  patientId: string;
  records: OpenedRecord['record'][];
}

/** Adds an opened record to what the viewer shows (or starts over for another patient). */
export function addOpened(previous: ViewerLoad | null, opened: OpenedRecord): ViewerLoad {
  const { record } = opened;
  const same = previous?.patientId === record.patientId ? previous : null;
  const key = (previous?.key ?? 0) + 1;
  if (same?.records.some((r) => r.recordId === record.recordId)) return { ...same, key };
  const records = [...(same?.records ?? []), record];
  const taken = new Set(same?.files.map((f) => f.name));
  const files = [
    ...(same?.files ?? []),
    ...opened.files.map((file) => {
      // Two records may hold files of the same name (e.g. each course's RD.dcm).
      const name = taken.has(file.name) ? `${record.recordId.slice(0, 8)}/${file.name}` : file.name;
      taken.add(name);
      return { name, bytes: file.bytes };
    }),
  ];
  const what = [...new Set(records.map((r) => CATEGORY_LABELS[r.category]))].join(', ');
  // Every record opened by break-glass is flagged on screen as on the ledger.
  const emergency = records.some((r) => r.accessBasis === 'break-glass')
    ? ' · opened by emergency access'
    : '';
  const label = `Patient ${shortId(record.patientId)} · ${records.length} record${
    records.length === 1 ? '' : 's'
  } (${what})${emergency}`;
  return { key, patientId: record.patientId, records, files, label };
}
