// Navigation per role: what each kind of user comes to the workstation for. Every section
// names the view that fills it (the shell maps view ids to components) and what that view
// says while it has nothing to list.
import type { Role } from '../../shared/roles';

export type SectionViewId =
  | 'patient-records'
  | 'sharing'
  | 'access-history'
  | 'shared-with-me'
  | 'users'
  | 'enrol'
  | 'rt-review'
  | 'rt-dose-history'
  | 'break-glass-open'
  | 'break-glass-review'
  | 'record-gateways';

export interface Section {
  id: string;
  label: string;
  /** Shown (as a heading) while the view has nothing to list. */
  emptyTitle: string;
  emptyText: string;
  view: SectionViewId;
}

const SHARED_WITH_ME: Section = {
  id: 'patients',
  label: 'Shared with me',
  emptyTitle: 'No shared patients to show',
  emptyText:
    'Patients who grant you access appear here with what they shared and until when. Open a record to see it in the viewer.',
  view: 'shared-with-me',
};

const EMERGENCY_ACCESS: Section = {
  id: 'emergency',
  label: 'Emergency access',
  emptyTitle: 'You hold no emergency access now.',
  emptyText:
    'In an emergency, when a patient who has not shared with you needs care, open read-only access to all of his records for a few hours. Give the reason in words: it is recorded on the ledger, the patient is told, and your hospital’s administrator reviews it.',
  view: 'break-glass-open',
};

const BREAK_GLASS_REVIEW: Section = {
  id: 'break-glass-review',
  label: 'Emergency access review',
  emptyTitle: 'No emergency access to review',
  emptyText:
    'Every emergency (break-glass) opening by this hospital’s caregivers is listed here: who, which patient, why, when and what was opened. Mark each reviewed with your comment; the patient sees it.',
  view: 'break-glass-review',
};

export const ROLE_SECTIONS: Record<Role, Section[]> = {
  patient: [
    {
      id: 'records',
      label: 'My records',
      emptyTitle: 'No records to show',
      emptyText:
        'Your radiotherapy records from every hospital are listed here, with who added them and when.',
      view: 'patient-records',
    },
    {
      id: 'sharing',
      label: 'Who may see what',
      emptyTitle: 'No permissions to show',
      emptyText:
        'Caregivers you grant access to, what they may see and until when, are listed here. Use “Grant access” to let a caregiver see your records.',
      view: 'sharing',
    },
    {
      id: 'history',
      label: 'Access history',
      emptyTitle: 'No history to show',
      emptyText:
        'Every grant, revocation and every time someone opened your records is listed here, newest first.',
      view: 'access-history',
    },
  ],
  oncologist: [
    SHARED_WITH_ME,
    {
      id: 'review',
      label: 'Review',
      emptyTitle: 'Nothing open for review',
      emptyText:
        'Open a record under “Shared with me”, or open the files of one radiotherapy course — the CT series with its RTSTRUCT, RTPLAN, RTDOSE and RT treatment records — to review the CT, structures, plan, dose and DVHs here. The files are read on this workstation only.',
      view: 'rt-review',
    },
    EMERGENCY_ACCESS,
  ],
  physicist: [
    {
      id: 'dose-history',
      label: 'Dose history',
      emptyTitle: 'No dose history',
      emptyText:
        'Open records under “Shared with me”, or open the files of a course — RTPLAN and RT treatment records for the history; RTSTRUCT and RTDOSE as well for DVHs — then add earlier courses to see prescribed against delivered dose and the summed dose across courses.',
      view: 'rt-dose-history',
    },
    SHARED_WITH_ME,
    EMERGENCY_ACCESS,
  ],
  admin: [
    {
      id: 'users',
      label: 'Users',
      emptyTitle: 'No users to show',
      emptyText:
        'This hospital’s patients (by pseudonym), caregivers and administrators in the ledger’s directory are listed here, with their role, department, when they were enrolled and whether they are revoked.',
      view: 'users',
    },
    BREAK_GLASS_REVIEW,
    {
      id: 'enrol',
      label: 'Enrol a card',
      emptyTitle: 'No card in the reader',
      emptyText:
        'Insert a blank card, or a card to enrol again, then refresh. Your own card is never offered.',
      view: 'enrol',
    },
    {
      id: 'record-gateways',
      label: 'Record gateways',
      emptyTitle: 'No record gateway is published',
      emptyText:
        'Each hospital’s record gateway, in front of its storage, is published on the ledger: every workstation fetches that hospital’s records through it and holds no storage key itself. Publish yours with its URL.',
      view: 'record-gateways',
    },
  ],
};
