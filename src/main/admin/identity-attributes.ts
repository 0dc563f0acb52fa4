// What the hospital CA certifies for a user, and his ledger id. The ledger knows patient,
// caregiver and admin; the workstation tells physicists from oncologists by department
// (session/roles.ts), so the department must agree with the role chosen.
import { randomBytes } from 'node:crypto';
import type { Role } from '../../shared/roles';
import type { LedgerRole } from '../../shared/ledger';
import { EhrError } from '../errors';
import { roleFromAttributes } from '../session/roles';

export interface PersonDetails {
  role: Role;
  displayName: string;
  department: string;
}

export const ledgerRoleOf = (role: Role): LedgerRole =>
  role === 'patient' ? 'patient' : role === 'admin' ? 'admin' : 'caregiver';

const PREFIX: Record<LedgerRole, string> = { patient: 'pat', caregiver: 'cg', admin: 'adm' };

/** 128 random bits: for a patient this is his pseudonym, linking to nothing. */
export function newUserId(role: Role): string {
  return `${PREFIX[ledgerRoleOf(role)]}-${randomBytes(16).toString('hex')}`;
}

/** The certificate attributes: role, and for staff their name and department. */
export function caAttributes(person: PersonDetails): Record<string, string> {
  if (person.role === 'patient') return { role: 'patient' };
  return {
    role: ledgerRoleOf(person.role),
    department: person.department,
    displayName: person.displayName,
  };
}

/**
 * An administrator's card is his hospital CA's registrar and revoker: it registers the cards
 * he enrols (with these attributes only) and revokes them.
 */
export const ADMIN_REGISTRAR_ATTRIBUTES: Record<string, string> = {
  'hf.Registrar.Roles': 'client',
  'hf.Registrar.Attributes':
    'role,department,displayName,hf.Registrar.Roles,hf.Registrar.Attributes,hf.Revoker',
  'hf.Revoker': 'true',
};

export function checkPersonDetails(person: PersonDetails): void {
  if (person.role === 'patient') {
    if (person.displayName !== '' || person.department !== '') {
      throw new EhrError(
        'INVALID_ARGUMENT',
        'A patient card carries no name or department, only a pseudonym. Nothing was enrolled.',
        { displayName: 'leave empty for a patient' },
      );
    }
    return;
  }
  const signsInAs = roleFromAttributes({ role: 'caregiver', department: person.department });
  if (person.role === 'physicist' && signsInAs !== 'physicist') {
    throw new EhrError(
      'INVALID_ARGUMENT',
      `A physicist's department must name physics (e.g. Medical Physics): the workstation tells physicists by it. Nothing was enrolled.`,
      { department: 'name the physics department' },
    );
  }
  if (person.role === 'oncologist' && signsInAs !== 'oncologist') {
    throw new EhrError(
      'INVALID_ARGUMENT',
      `"${person.department}" is a physics department, so the card would sign in as a physicist. Choose the physicist role or another department. Nothing was enrolled.`,
      { department: 'not a physics department for an oncologist' },
    );
  }
}
