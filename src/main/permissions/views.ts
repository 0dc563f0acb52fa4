import type { PermissionEntry } from '../../shared/ledger';
import type { GrantView } from '../../shared/ipc/contract';
import type { DirectoryLookup } from '../directory/lookup';

export async function grantView(
  entry: PermissionEntry,
  directory: DirectoryLookup,
): Promise<GrantView> {
  return {
    seq: entry.seq,
    kind: entry.kind === 'break-glass' ? 'break-glass' : 'grant',
    caregiver: await directory.person(entry.caregiverId),
    category: entry.kind === 'break-glass' ? null : entry.category,
    validFrom: entry.validFrom,
    validTo: entry.validTo,
    read: entry.read,
    write: entry.write,
    reason: entry.kind === 'break-glass' ? entry.reason : null,
  };
}
