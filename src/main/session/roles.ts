// From the attributes the hospital CA certified on the card to the workstation's role.
// The ledger knows patient, caregiver and admin; caregivers in a physics department work
// as medical physicists, every other caregiver as a radiation oncologist.
import type { Role } from '../../shared/roles';

export function roleFromAttributes(attributes: Record<string, string>): Role | null {
  switch (attributes.role) {
    case 'patient':
      return 'patient';
    case 'admin':
      return 'admin';
    case 'caregiver':
      return /physic/i.test(attributes.department ?? '') ? 'physicist' : 'oncologist';
    default:
      return null;
  }
}
