import type { Context } from 'fabric-contract-api';
import { forbidden } from '../errors';
import { ADMIN_ATTRIBUTE } from './caller';

/**
 * An administrator (CA attribute role=admin) of any hospital; returns his hospital (MSP).
 * What he may then see or do is limited to that hospital by the caller.
 */
export function requireAnyAdmin(ctx: Context, action: string): string {
  const role = ctx.clientIdentity.getAttributeValue(ADMIN_ATTRIBUTE.name);
  if (role !== ADMIN_ATTRIBUTE.value) {
    throw forbidden(
      'admin-role',
      `only hospital administrators may ${action}; the signer has ${ADMIN_ATTRIBUTE.name}=${role ?? '(none)'}`,
    );
  }
  return ctx.clientIdentity.getMSPID();
}
