// Navigation per role: what each kind of user comes to the workstation for. Each section
// says honestly what it will hold; the parts that fill them (ledger, vault, RT review)
// arrive in later work.
import type { Role } from '../../shared/roles';

export interface Section {
  id: string;
  label: string;
  emptyTitle: string;
  emptyText: string;
}

const LEDGER_PENDING = 'The ledger connection is not part of this version of the workstation yet.';

export const ROLE_SECTIONS: Record<Role, Section[]> = {
  patient: [
    {
      id: 'records',
      label: 'My records',
      emptyTitle: 'No records yet',
      emptyText: `Your radiotherapy records from every hospital will be listed here. ${LEDGER_PENDING}`,
    },
    {
      id: 'sharing',
      label: 'Who may see what',
      emptyTitle: 'Nobody has access',
      emptyText: `Caregivers you grant access to, what they may see and until when, will appear here. ${LEDGER_PENDING}`,
    },
    {
      id: 'history',
      label: 'Access history',
      emptyTitle: 'No history yet',
      emptyText: `Every grant, revocation and every time someone opened your records will be listed here. ${LEDGER_PENDING}`,
    },
  ],
  oncologist: [
    {
      id: 'patients',
      label: 'Shared with me',
      emptyTitle: 'No patients have shared records with you',
      emptyText: `Patients who grant you access appear here with what they shared and until when. ${LEDGER_PENDING}`,
    },
    {
      id: 'review',
      label: 'Review',
      emptyTitle: 'Nothing open for review',
      emptyText: 'Open a shared course to review its CT, structures, plan and dose here.',
    },
  ],
  physicist: [
    {
      id: 'dose-history',
      label: 'Dose history',
      emptyTitle: 'No dose history',
      emptyText: `Prescribed and delivered dose per course, and cumulative dose across courses and hospitals, will appear here. ${LEDGER_PENDING}`,
    },
    {
      id: 'patients',
      label: 'Shared with me',
      emptyTitle: 'No patients have shared records with you',
      emptyText: `Patients who grant you access appear here. ${LEDGER_PENDING}`,
    },
  ],
  admin: [
    {
      id: 'users',
      label: 'Users',
      emptyTitle: 'No users listed',
      emptyText: `Users of your hospital, with their roles and departments, will be listed here. ${LEDGER_PENDING}`,
    },
    {
      id: 'enrol',
      label: 'Enrol a card',
      emptyTitle: 'Card enrolment is not available yet',
      emptyText:
        'Enrolment generates the keys on a new card, writes its certificate from the hospital CA and registers the user on the ledger.',
    },
  ],
};
