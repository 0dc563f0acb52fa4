// Sign-in: the person's smart card and its PIN. The keys stay on the card; the PIN goes to
// the card and nowhere else, and the field is emptied after every attempt.
import { useEffect, useState } from 'react';
import type { CardSummary, Session } from '../../shared/ipc/contract';
import { ehr } from '../ehr';
import { PinPad } from '../components/PinPad';

interface Props {
  reason: string;
  kiosk: boolean;
  onOpenSettings: () => void;
  onSignedIn: (session: Session) => void;
}

type CardState =
  | { status: 'looking' }
  | { status: 'found'; cards: CardSummary[] }
  | { status: 'problem'; message: string };

const CARD_POLL_MS = 2000;

export function SignInView({ reason, kiosk, onOpenSettings, onSignedIn }: Props) {
  const [card, setCard] = useState<CardState>({ status: 'looking' });
  const [pin, setPin] = useState('');
  const [chosen, setChosen] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Look for the card now and every few seconds, so inserting it is noticed without a click.
  useEffect(() => {
    let alive = true;
    const look = async () => {
      const result = await ehr().listCards();
      if (!alive) return;
      setCard(
        result.ok
          ? { status: 'found', cards: result.value }
          : { status: 'problem', message: result.error.message },
      );
    };
    void look();
    const timer = setInterval(() => void look(), CARD_POLL_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);

  const cards = card.status === 'found' ? card.cards : [];
  // One card: that one. Several (a multi-slot reader): the one the person picked.
  const selected = cards.length === 1 ? cards[0] : cards.find((c) => c.serial === chosen);
  const ready = selected !== undefined && pin.length >= 4 && !busy;

  async function signIn() {
    setBusy(true);
    setError(null);
    const result = await ehr().signIn({ pin, serial: selected?.serial });
    setPin('');
    setBusy(false);
    if (result.ok) onSignedIn(result.value);
    else setError(result.error.message);
  }

  return (
    <main className="centered">
      <section
        className={kiosk ? 'card sign-in kiosk' : 'card sign-in'}
        aria-labelledby="sign-in-title"
      >
        <p className="brand">ACTION-EHR</p>
        <h1 id="sign-in-title">Sign in with your smart card</h1>
        <p>
          Your keys stay on your card. Insert it into the reader, then enter its PIN. Without the
          card, the workstation can neither read nor share records.
        </p>
        <p className="notice" role="status">
          {reason}
        </p>
        <p className="card-status" aria-live="polite">
          {card.status === 'looking' && 'Looking for your card…'}
          {card.status === 'problem' && card.message}
          {card.status === 'found' && cards.length === 0 && 'No card in the reader.'}
          {card.status === 'found' && cards.length === 1 && `Card: ${cards[0]!.label}`}
          {card.status === 'found' && cards.length > 1 && 'Several cards are inserted.'}
        </p>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (ready) void signIn();
          }}
        >
          {cards.length > 1 && (
            <>
              <label htmlFor="card-choice">Card</label>
              <select
                id="card-choice"
                value={chosen ?? ''}
                onChange={(event) => setChosen(event.target.value || null)}
              >
                <option value="">Choose your card…</option>
                {cards.map((c) => (
                  <option key={c.serial} value={c.serial}>
                    {c.label}
                  </option>
                ))}
              </select>
            </>
          )}
          <label htmlFor="pin">Card PIN</label>
          <input
            id="pin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            value={pin}
            disabled={cards.length === 0 || busy}
            aria-invalid={error !== null}
            aria-describedby="pin-error"
            onChange={(event) => setPin(event.target.value)}
          />
          <p
            id="pin-error"
            className="field-message"
            data-state={error ? 'invalid' : 'idle'}
            role={error ? 'alert' : undefined}
          >
            {error ?? ''}
          </p>
          {kiosk && (
            <PinPad
              disabled={cards.length === 0 || busy}
              onDigit={(digit) => setPin((p) => (p.length < 64 ? p + digit : p))}
              onBackspace={() => setPin((p) => p.slice(0, -1))}
              onClear={() => setPin('')}
            />
          )}
          <button type="submit" disabled={!ready}>
            {busy ? 'Checking with your card…' : 'Sign in'}
          </button>
        </form>
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
