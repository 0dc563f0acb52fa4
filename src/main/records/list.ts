// Use case: the records of a patient the signed-in user may see — the patient his own, a
// caregiver those in categories the patient lets him read now (or all, during his
// break-glass). The chaincode decides; this only names the uploaders.
import type { RecordList } from '../../shared/ipc/contract';
import { EhrError } from '../errors';
import type { SignedInServices } from '../app/signed-in-services';
import type { DirectoryLookup } from '../directory/lookup';
import { withOutcome } from '../failures';
import { recordView } from './views';

export function patientOf(services: SignedInServices, patientId?: string): string {
  if (services.user.role === 'patient') {
    if (patientId && patientId !== services.user.id) {
      throw new EhrError('NOT_ALLOWED', 'A patient can only see his own records.');
    }
    return services.user.id;
  }
  if (!patientId) throw new EhrError('INVALID_ARGUMENT', 'Say whose records to list.');
  return patientId;
}

export async function listRecords(
  services: SignedInServices,
  directory: DirectoryLookup,
  request: { patientId?: string | undefined } = {},
): Promise<Omit<RecordList, 'asOf' | 'stale'>> {
  const patientId = patientOf(services, request.patientId);
  return withOutcome('The records could not be listed.', async () => {
    const listing = await services.ledger.listRecords(patientId);
    const records = await Promise.all(
      listing.records.map(({ record, accessBasis }) => recordView(record, accessBasis, directory)),
    );
    records.sort((a, b) => b.recordedAt.localeCompare(a.recordedAt));
    return { patientId, records, breakGlassUntil: listing.breakGlass?.validTo ?? null };
  });
}
