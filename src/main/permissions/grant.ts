// Use case: the patient grants a caregiver access to one or more categories for a window.
// Each category is one grant on the ledger, signed on the patient's card; once they are
// committed, the keys of the existing records in those categories follow (key-sharing.ts).
import type { GrantResult } from '../../shared/ipc/contract';
import type { Category, GrantEntry } from '../../shared/ledger';
import { EhrError } from '../errors';
import type { Operation } from '../app/operations';
import type { SignedInServices } from '../app/signed-in-services';
import type { DirectoryLookup } from '../directory/lookup';
import { toUserError } from '../failures';
import { shareKeys } from './key-sharing';
import { grantView } from './views';

export interface GrantRequest {
  caregiverId: string;
  categories: Category[];
  validFrom: Date;
  validTo: Date;
  read: boolean;
  write: boolean;
}

export function requirePatient(services: SignedInServices): void {
  if (services.user.role !== 'patient') {
    throw new EhrError('NOT_ALLOWED', 'Only the patient can change who may see his records.');
  }
}

export async function grantAccess(
  services: SignedInServices,
  directory: DirectoryLookup,
  request: GrantRequest,
  op: Operation,
): Promise<GrantResult> {
  requirePatient(services);
  const caregiver = await directory.user(request.caregiverId).catch((e: unknown) => {
    throw toUserError(e, 'Your grant was not saved.');
  });
  if (!caregiver || caregiver.role !== 'caregiver') {
    throw new EhrError(
      'LEDGER_NOT_FOUND',
      'That caregiver is not in the directory. Your grant was not saved.',
    );
  }
  const entries: GrantEntry[] = [];
  try {
    for (const category of request.categories) {
      op.report('ledger', entries.length, request.categories.length, 'items');
      const { value } = await services.ledger.grant({
        patientId: services.user.id,
        caregiverId: request.caregiverId,
        category,
        validFrom: request.validFrom,
        validTo: request.validTo,
        read: request.read,
        write: request.write,
      });
      entries.push(value);
    }
  } catch (error) {
    const outcome =
      entries.length === 0
        ? 'Your grant was not saved.'
        : `Only ${entries.map((e) => e.category).join(', ')} ${entries.length === 1 ? 'was' : 'were'} granted; the rest was not saved.`;
    throw toUserError(error, outcome);
  }
  let recordsShared = 0;
  if (request.read) {
    try {
      recordsShared = await shareKeys(
        services,
        { id: caregiver.userId, encryptionPublicKeyPem: caregiver.encryptionPublicKey },
        request.categories,
        op,
      );
    } catch (error) {
      throw toUserError(
        error,
        'The grant is on the ledger, but your existing records could not all be shared with the caregiver yet. Grant again to finish.',
      );
    }
  }
  return { granted: await Promise.all(entries.map((e) => grantView(e, directory))), recordsShared };
}
