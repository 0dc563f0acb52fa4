// Use cases: the patient's permissions in force now or later, and what patients shared with
// the signed-in caregiver.
import type { GrantView, SharedPatientView } from '../../shared/ipc/contract';
import { EhrError } from '../errors';
import type { SignedInServices } from '../app/signed-in-services';
import type { DirectoryLookup } from '../directory/lookup';
import { withOutcome } from '../failures';
import { requirePatient } from './grant';
import { grantView } from './views';

export async function listMyGrants(
  services: SignedInServices,
  directory: DirectoryLookup,
): Promise<GrantView[]> {
  requirePatient(services);
  return withOutcome('Your permissions could not be listed.', async () => {
    const entries = await services.ledger.listCurrent(services.user.id);
    return Promise.all(entries.map((e) => grantView(e, directory)));
  });
}

export async function listSharedWithMe(
  services: SignedInServices,
  directory: DirectoryLookup,
): Promise<SharedPatientView[]> {
  if (services.user.role === 'patient' || services.user.role === 'admin') {
    throw new EhrError('NOT_ALLOWED', 'Only caregivers have records shared with them.');
  }
  return withOutcome('The patients who shared with you could not be listed.', async () => {
    const entries = await services.ledger.listSharedWithMe();
    const byPatient = new Map<string, SharedPatientView>();
    for (const entry of entries) {
      if (entry.kind !== 'grant') continue;
      const view = byPatient.get(entry.patientId) ?? {
        patientId: entry.patientId,
        mspId: null,
        grants: [],
      };
      view.grants.push({
        category: entry.category,
        validFrom: entry.validFrom,
        validTo: entry.validTo,
        read: entry.read,
        write: entry.write,
      });
      byPatient.set(entry.patientId, view);
    }
    const views = [...byPatient.values()];
    await Promise.all(
      views.map(async (v) => {
        v.mspId = (await directory.visibleUser(v.patientId))?.mspId ?? null;
      }),
    );
    return views;
  });
}
