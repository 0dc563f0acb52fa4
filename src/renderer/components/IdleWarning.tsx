// The last seconds before the automatic logoff. It covers the screen, so the touch that
// keeps the session does not also press whatever was under the finger.
interface Props {
  secondsLeft: number;
}

export function IdleWarning({ secondsLeft }: Props) {
  return (
    <div className="idle-warning" role="alertdialog" aria-labelledby="idle-warning-title">
      <div className="idle-warning-card">
        <h2 id="idle-warning-title">Are you still there?</h2>
        <p>
          For your privacy you will be signed out in{' '}
          <strong className="idle-seconds">{secondsLeft}</strong>{' '}
          {secondsLeft === 1 ? 'second' : 'seconds'}.
        </p>
        <p className="muted">Touch the screen or press a key to stay signed in.</p>
      </div>
    </div>
  );
}
