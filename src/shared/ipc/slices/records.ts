// Records: list, open (download, verify, decrypt in memory), add, and long-work control.
import { z } from 'zod';
import type { EnrolmentStep } from './admin';
import type { Category, RecordAccessBasis } from '../../ledger';
import { operationId, patientId, recordId, type Freshness, type PersonView } from './ids';
import { returns } from './returns';

export interface RecordView {
  recordId: string;
  patientId: string;
  category: Category;
  contentType: string;
  /** Stored (encrypted) size in bytes. */
  sizeBytes: number;
  recordedAt: string;
  uploader: PersonView;
  accessBasis: RecordAccessBasis;
}

export interface RecordList extends Freshness {
  patientId: string;
  records: RecordView[];
  /** The signed-in caregiver's open break-glass session on this patient, if any. */
  breakGlassUntil: string | null;
}

export interface OpenedRecord {
  record: RecordView;
  /** The decrypted files, in memory only. */
  files: { name: string; bytes: Uint8Array }[];
}

export interface AddedRecord {
  record: RecordView;
  /** Which picked file went into this record, and what it is. */
  files: { name: string; kind: string }[];
}

/** Progress of a long operation, pushed as the `operationProgress` event. */
export interface OperationProgress {
  operationId: string;
  stage: 'ledger' | 'download' | 'decrypt' | 'upload' | 'keys' | 'registration' | EnrolmentStep;
  /** What `done` and `total` count: stored bytes, or items (categories, records, resources). */
  unit: ProgressUnit;
  done: number;
  total: number | null;
  /** For bytes: the rate so far in this stage; 0 when counting items. */
  bytesPerSecond: number;
}

export type ProgressUnit = 'bytes' | 'items';

const MAX_FILES = 5000;
const MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024;

export const recordsContract = {
  listRecords: {
    args: z.object({ patientId: patientId.optional() }).strict().optional(),
    result: returns<RecordList>(),
  },
  openRecord: {
    args: z.object({ patientId, recordId, operationId: operationId.optional() }).strict(),
    result: returns<OpenedRecord>(),
  },
  addRecords: {
    args: z
      .object({
        patientId,
        files: z
          .array(
            z
              .object({
                name: z.string().min(1).max(255),
                bytes: z
                  .custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be the file’s bytes')
                  .refine((b) => b.length <= MAX_FILE_BYTES, 'file too large'),
              })
              .strict(),
          )
          .min(1, 'pick at least one file')
          .max(MAX_FILES),
        operationId: operationId.optional(),
      })
      .strict(),
    result: returns<AddedRecord[]>(),
  },
  cancelOperation: {
    args: z.object({ operationId }).strict(),
    result: returns<{ cancelled: boolean }>(),
  },
};
