// Use case: every hospital's caregivers, for the patient's grant form.
import type { PersonView } from '../../shared/ipc/contract';
import type { SignedInServices } from '../app/signed-in-services';
import { withOutcome } from '../failures';
import { summarise, type DirectoryLookup } from './lookup';

export async function listCaregivers(
  services: SignedInServices,
  directory: DirectoryLookup,
): Promise<PersonView[]> {
  return withOutcome('The caregiver directory could not be read.', async () => {
    const users = await services.ledger.listCaregivers('');
    directory.prime(users);
    return users.map(summarise);
  });
}
