// The signed-in workstation: navigation for the user's role and the chosen section.
import { useState } from 'react';
import type { Session } from '../../shared/ipc/contract';
import { ROLE_LABELS } from '../../shared/roles';
import { EmptyState } from '../components/EmptyState';
import { DoseHistoryView } from '../viewer/DoseHistoryView';
import { ReviewView } from '../viewer/ReviewView';
import { ROLE_SECTIONS, type Section } from './roleSections';

type User = Extract<Session, { state: 'signed-in' }>['user'];

interface Props {
  user: User;
  kiosk: boolean;
  onOpenSettings: () => void;
  onSignOut: () => void;
}

export function ShellView({ user, kiosk, onOpenSettings, onSignOut }: Props) {
  const sections = ROLE_SECTIONS[user.role];
  const [activeId, setActiveId] = useState(sections[0]?.id ?? '');
  const active = sections.find((s) => s.id === activeId) ?? sections[0];
  // Working views stay mounted once visited, so an opened course survives a look elsewhere.
  const [visited, setVisited] = useState<ReadonlySet<string>>(new Set([activeId]));
  const choose = (id: string) => {
    setActiveId(id);
    setVisited((v) => (v.has(id) ? v : new Set([...v, id])));
  };
  return (
    <div className="shell">
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
        {active && <h1>{active.label}</h1>}
        {active && !active.view && (
          <EmptyState title={active.emptyTitle}>{active.emptyText}</EmptyState>
        )}
        {sections
          .filter((s) => s.view && visited.has(s.id))
          .map((s) => (
            <div key={s.id} hidden={s.id !== active?.id}>
              <SectionView section={s} />
            </div>
          ))}
      </main>
    </div>
  );
}

function SectionView({ section }: { section: Section }) {
  if (section.view === 'rt-review')
    return <ReviewView emptyTitle={section.emptyTitle} emptyText={section.emptyText} />;
  if (section.view === 'rt-dose-history')
    return <DoseHistoryView emptyTitle={section.emptyTitle} emptyText={section.emptyText} />;
  return null;
}
