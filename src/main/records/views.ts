// From ledger metadata to what the screens show: ids resolved to names through the directory.
import type { RecordMetadata, RecordAccessBasis } from '../../shared/ledger';
import type { RecordView } from '../../shared/ipc/contract';
import type { DirectoryLookup } from '../directory/lookup';

export async function recordView(
  record: RecordMetadata,
  accessBasis: RecordAccessBasis,
  directory: DirectoryLookup,
): Promise<RecordView> {
  return {
    recordId: record.recordId,
    patientId: record.patientId,
    category: record.category,
    contentType: record.contentType,
    sizeBytes: record.sizeBytes,
    recordedAt: record.recordedAt,
    uploader: await directory.person(record.uploaderId),
    accessBasis,
  };
}
