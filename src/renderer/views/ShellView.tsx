// The signed-in workstation: navigation for the user's role and the chosen section.
import { useState } from 'react';
import type { Session } from '../../shared/ipc/contract';
import { ROLE_LABELS } from '../../shared/roles';
import { EmptyState } from '../components/EmptyState';
import { ROLE_SECTIONS } from './roleSections';

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
                onClick={() => setActiveId(section.id)}
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
        {active && (
          <>
            <h1>{active.label}</h1>
            <EmptyState title={active.emptyTitle}>{active.emptyText}</EmptyState>
          </>
        )}
      </main>
    </div>
  );
}
