// The people who use the workstation. The ledger knows patient, caregiver and admin;
// the workstation splits caregivers into oncologists and physicists by their department
// because their daily jobs (and navigation) differ.
export const ROLES = ['patient', 'oncologist', 'physicist', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  patient: 'Patient',
  oncologist: 'Radiation oncologist',
  physicist: 'Medical physicist',
  admin: 'Hospital administrator',
};
