import type { RecordMetadata } from './record-metadata';

/** How the viewer of a record listing came to see each record. */
export type RecordAccessBasis = 'patient' | 'grant' | 'break-glass';

/** What Records:listRecords returns: the records the viewer may see, and why. */
export interface RecordListing {
  patientId: string;
  viewerId: string;
  /** The viewer's break-glass session, while one is open. */
  breakGlass: { seq: number; validTo: string } | null;
  records: Array<{ accessBasis: RecordAccessBasis; record: RecordMetadata }>;
}
