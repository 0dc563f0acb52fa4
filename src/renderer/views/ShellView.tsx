// The signed-in workstation: navigation for the user's role and the chosen section. Records
// a caregiver opens under "Shared with me" are handed to the role's viewer, and the shell
// switches to it.
import { useState } from 'react';
import type { OpenedRecord, Session } from '../../shared/ipc/contract';
import { ROLE_LABELS } from '../../shared/roles';
import { DoseHistoryView } from '../viewer/DoseHistoryView';
import { ReviewView } from '../viewer/ReviewView';
import { AccessHistoryView } from './AccessHistoryView';
import { BreakGlassBanner } from './break-glass/BreakGlassBanner';
import { BreakGlassNotice } from './break-glass/BreakGlassNotice';
import { BreakGlassReviewView } from './break-glass/BreakGlassReviewView';
import { EmergencyAccessView } from './break-glass/EmergencyAccessView';
import { PatientRecordsView } from './PatientRecordsView';
import { ROLE_SECTIONS, type Section, type SectionViewId } from './roleSections';
import { SharedWithMeView } from './SharedWithMeView';
import { SharingView } from './SharingView';
import { EnrolView } from './EnrolView';
import { UsersView } from './UsersView';
import { RecordGatewaysView } from './RecordGatewaysView';
import './ledger.css';
import { addOpened, type ViewerLoad } from './viewerLoad';

type User = Extract<Session, { state: 'signed-in' }>['user'];

interface Props {
  user: User;
  kiosk: boolean;
  onOpenSettings: () => void;
  onSignOut: () => void;
}

const VIEWER_VIEWS: readonly SectionViewId[] = ['rt-review', 'rt-dose-history'];

export function ShellView({ user, kiosk, onOpenSettings, onSignOut }: Props) {
  const sections = ROLE_SECTIONS[user.role];
  const [activeId, setActiveId] = useState(sections[0]?.id ?? '');
  const active = sections.find((s) => s.id === activeId) ?? sections[0];
  // The viewers stay mounted once visited, so an opened course survives a look elsewhere;
  // the ledger lists mount when shown, so each visit reads the ledger afresh.
  const [visited, setVisited] = useState<ReadonlySet<string>>(new Set([activeId]));
  const [viewerLoad, setViewerLoad] = useState<ViewerLoad | null>(null);
  const [patientId, setPatientId] = useState<string | null>(null);
  const viewer = sections.find((s) => VIEWER_VIEWS.includes(s.view));
  const choose = (id: string) => {
    setActiveId(id);
    setVisited((v) => (v.has(id) ? v : new Set([...v, id])));
  };
  const onOpened = (opened: OpenedRecord) => {
    setViewerLoad((previous) => addOpened(previous, opened));
    if (viewer) choose(viewer.id);
  };
  return (
    // On a kiosk every control is sized for a finger (styles.css, "Kiosk shell").
    <div className={kiosk ? 'shell kiosk' : 'shell'}>
      <header className="topbar">
        <span className="brand">ACTION-EHR</span>
        <span className="who" aria-label="Signed in as">
          {user.displayName} · {ROLE_LABELS[user.role]} · {user.mspId}
        </span>
        <button type="button" className="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav className="sidenav" aria-label={`${ROLE_LABELS[user.role]} navigation`}>
        <ul>
          {sections.map((section) => (
            <li key={section.id}>
              <button
                type="button"
                aria-current={section.id === active?.id ? 'page' : undefined}
                onClick={() => choose(section.id)}
              >
                {section.label}
              </button>
            </li>
          ))}
          {user.role === 'admin' && !kiosk && (
            <li>
              <button type="button" onClick={onOpenSettings}>
                Connection settings
              </button>
            </li>
          )}
        </ul>
      </nav>
      <main className="content">
        {(user.role === 'oncologist' || user.role === 'physicist') && <BreakGlassBanner />}
        {user.role === 'patient' && <BreakGlassNotice />}
        {active && <h1>{active.label}</h1>}
        {sections
          .filter(
            (s) => s.id === active?.id || (VIEWER_VIEWS.includes(s.view) && visited.has(s.id)),
          )
          .map((s) => (
            <div key={s.id} hidden={s.id !== active?.id}>
              <SectionView
                section={s}
                viewerLabel={viewer?.label ?? 'the viewer'}
                viewerLoad={viewerLoad}
                onOpened={onOpened}
                patientId={patientId}
                onSelectPatient={setPatientId}
              />
            </div>
          ))}
      </main>
    </div>
  );
}

interface SectionViewProps {
  section: Section;
  viewerLabel: string;
  viewerLoad: ViewerLoad | null;
  onOpened: (opened: OpenedRecord) => void;
  /** The patient chosen under "Shared with me" (kept while the caregiver looks elsewhere). */
  patientId: string | null;
  onSelectPatient: (patientId: string) => void;
}

/** Section view id → component (a table, not an if-chain per role). */
const SECTION_VIEWS: Record<SectionViewId, (props: SectionViewProps) => React.ReactNode> = {
  'patient-records': ({ section }) => <PatientRecordsView {...emptyOf(section)} />,
  sharing: ({ section }) => <SharingView {...emptyOf(section)} />,
  'access-history': ({ section }) => <AccessHistoryView {...emptyOf(section)} />,
  'shared-with-me': ({ section, viewerLabel, onOpened, patientId, onSelectPatient }) => (
    <SharedWithMeView
      {...emptyOf(section)}
      viewerLabel={viewerLabel}
      onOpened={onOpened}
      selected={patientId}
      onSelect={onSelectPatient}
    />
  ),
  users: ({ section }) => <UsersView {...emptyOf(section)} />,
  enrol: ({ section }) => <EnrolView {...emptyOf(section)} />,
  'rt-review': ({ section, viewerLoad }) => (
    <ReviewView {...emptyOf(section)} incoming={viewerLoad} />
  ),
  'rt-dose-history': ({ section, viewerLoad }) => (
    <DoseHistoryView {...emptyOf(section)} incoming={viewerLoad} />
  ),
  'break-glass-open': ({ section, viewerLabel, onOpened }) => (
    <EmergencyAccessView {...emptyOf(section)} viewerLabel={viewerLabel} onOpened={onOpened} />
  ),
  'break-glass-review': ({ section }) => <BreakGlassReviewView {...emptyOf(section)} />,
  'record-gateways': ({ section }) => <RecordGatewaysView {...emptyOf(section)} />,
};

function emptyOf(section: Section) {
  return { emptyTitle: section.emptyTitle, emptyText: section.emptyText };
}

function SectionView(props: SectionViewProps) {
  return SECTION_VIEWS[props.section.view](props);
}
