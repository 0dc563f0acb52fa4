// Navigation per role: what each kind of user comes to the workstation for. Each section
// says honestly what it will hold; the parts that fill them (ledger, vault, RT review)
// arrive in later work.
import type { Role } from '../../shared/roles';

export interface Section {
  id: string;
  label: string;
  emptyTitle: string;
  emptyText: string;
  /** A working view that replaces the empty state (it shows emptyTitle until used). */
  view?: 'rt-review' | 'rt-dose-history';
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
      emptyText:
        'Open the files of one radiotherapy course — the CT series with its RTSTRUCT, RTPLAN, RTDOSE and RT treatment records — to review the CT, structures, plan, dose and DVHs here. The files are read on this workstation only.',
      view: 'rt-review',
    },
  ],
  physicist: [
    {
      id: 'dose-history',
      label: 'Dose history',
      emptyTitle: 'No dose history',
      emptyText:
        'Open the files of a course — RTPLAN and RT treatment records for the history; RTSTRUCT and RTDOSE as well for DVHs — then add earlier courses to see prescribed against delivered dose and the summed dose across courses.',
      view: 'rt-dose-history',
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
