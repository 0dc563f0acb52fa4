// Sign-in: the workstation needs the person's smart card and its PIN. Card sign-in comes
// with the keystore; until then this screen says so rather than pretending.
interface Props {
  reason: string;
  kiosk: boolean;
  onOpenSettings: () => void;
}

export function SignInView({ reason, kiosk, onOpenSettings }: Props) {
  return (
    <main className="centered">
      <section className="card sign-in" aria-labelledby="sign-in-title">
        <p className="brand">ACTION-EHR</p>
        <h1 id="sign-in-title">Sign in with your smart card</h1>
        <p>
          Your keys stay on your card. Insert it into the reader, then enter its PIN. Without the
          card, the workstation can neither read nor share records.
        </p>
        <label htmlFor="pin">Card PIN</label>
        <input id="pin" type="password" inputMode="numeric" autoComplete="off" disabled />
        <button type="button" disabled>
          Sign in
        </button>
        <p className="notice" role="status">
          {reason}
        </p>
        {!kiosk && (
          <p>
            <button type="button" className="link" onClick={onOpenSettings}>
              Connection settings
            </button>
          </p>
        )}
      </section>
    </main>
  );
}
