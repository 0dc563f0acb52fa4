// The kiosk's PIN pad: large keys a finger can hit, so a patient at a touch screen needs no
// keyboard. It only edits the PIN field's value (still masked there); the PIN goes to the
// card as from the keyboard.
interface Props {
  disabled: boolean;
  onDigit: (digit: string) => void;
  onBackspace: () => void;
  onClear: () => void;
}

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

export function PinPad({ disabled, onDigit, onBackspace, onClear }: Props) {
  return (
    <div className="pin-pad" role="group" aria-label="PIN pad">
      {DIGITS.map((d) => (
        <button
          key={d}
          type="button"
          className="pin-key"
          disabled={disabled}
          onClick={() => onDigit(d)}
        >
          {d}
        </button>
      ))}
      <button type="button" className="pin-key secondary" disabled={disabled} onClick={onClear}>
        Clear
      </button>
      <button type="button" className="pin-key" disabled={disabled} onClick={() => onDigit('0')}>
        0
      </button>
      <button
        type="button"
        className="pin-key secondary"
        disabled={disabled}
        aria-label="Delete last digit"
        onClick={onBackspace}
      >
        ⌫
      </button>
    </div>
  );
}
