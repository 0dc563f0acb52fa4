// Top of the UI: decides between sign-in, connection settings and the role's shell.
import { useEffect, useState } from 'react';
import type { AppInfo, Session } from '../shared/ipc/contract';
import { ehr } from './ehr';
import { SignInView } from './views/SignInView';
import { SettingsView } from './views/SettingsView';
import { ShellView } from './views/ShellView';
import { IdleWarning } from './components/IdleWarning';
import { useIdleLogoff } from './useIdleLogoff';

type Screen = 'home' | 'settings';

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [session, setSession] = useState<Session | null>(null);
  const [screen, setScreen] = useState<Screen>('home');
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    void (async () => {
      try {
        const [infoResult, sessionResult] = await Promise.all([
          ehr().getAppInfo(),
          ehr().getSession(),
        ]);
        if (!alive) return;
        if (!infoResult.ok) return setFailure(infoResult.error.message);
        if (!sessionResult.ok) return setFailure(sessionResult.error.message);
        setInfo(infoResult.value);
        setSession(sessionResult.value);
      } catch (error) {
        if (alive) setFailure((error as Error).message);
      }
    })();
    const stop = ehr().on('sessionChanged', (next) => {
      if (alive) setSession(next);
    });
    return () => {
      alive = false;
      stop();
    };
  }, []);

  if (failure) {
    return (
      <main className="centered">
        <div className="card" role="alert">
          <h1>The workstation could not start</h1>
          <p>{failure}</p>
        </div>
      </main>
    );
  }
  if (!info || !session) {
    return (
      <main className="centered" aria-busy="true">
        <p className="muted">Starting…</p>
      </main>
    );
  }
  if (screen === 'settings' && !info.kiosk) {
    return <SettingsView onClose={() => setScreen('home')} />;
  }
  if (session.state === 'signed-out') {
    return (
      <SignInView
        reason={session.reason}
        kiosk={info.kiosk}
        onOpenSettings={() => setScreen('settings')}
        onSignedIn={setSession}
      />
    );
  }
  return (
    <SignedIn
      idleLogoffSeconds={info.idleLogoffSeconds}
      onSignedOut={setSession}
      shell={(signOut) => (
        <ShellView
          user={session.user}
          kiosk={info.kiosk}
          onOpenSettings={() => setScreen('settings')}
          onSignOut={signOut}
        />
      )}
    />
  );
}

/** A signed-in screen with its automatic logoff. */
function SignedIn(props: {
  idleLogoffSeconds: number;
  onSignedOut: (session: Session) => void;
  shell: (signOut: () => void) => React.ReactNode;
}) {
  const { onSignedOut } = props;
  const signOut = (because?: 'idle') =>
    void ehr()
      .signOut(because ? { because } : undefined)
      .then((r) => r.ok && onSignedOut(r.value));
  const secondsLeft = useIdleLogoff(props.idleLogoffSeconds, () => signOut('idle'));
  return (
    <>
      {props.shell(() => signOut())}
      {secondsLeft !== null && <IdleWarning secondsLeft={secondsLeft} />}
    </>
  );
}
