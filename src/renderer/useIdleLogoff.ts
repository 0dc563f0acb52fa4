// Automatic logoff (HIPAA §164.312(a)(2)(iii)): after the policy's time without a touch,
// key or pointer, the workstation warns for the last seconds, then signs out. Any use
// cancels the warning. Time is read from Date.now on a one-second tick, so a suspended
// machine that wakes after the limit signs out at once.
import { useEffect, useRef, useState } from 'react';

const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;
export const IDLE_WARNING_SECONDS = 30;

/** Seconds left while the warning shows, else null. */
export function useIdleLogoff(idleSeconds: number, onIdle: () => void): number | null {
  const [secondsLeft, setSecondsLeft] = useState<number | null>(null);
  const onIdleRef = useRef(onIdle);
  useEffect(() => {
    onIdleRef.current = onIdle;
  }, [onIdle]);

  useEffect(() => {
    const warnFor = Math.min(IDLE_WARNING_SECONDS, idleSeconds / 2);
    let lastUse = Date.now();
    let done = false;
    const used = () => {
      lastUse = Date.now();
      setSecondsLeft(null);
    };
    for (const name of ACTIVITY)
      window.addEventListener(name, used, { capture: true, passive: true });
    const tick = window.setInterval(() => {
      if (done) return;
      const left = idleSeconds - (Date.now() - lastUse) / 1000;
      if (left <= 0) {
        done = true;
        setSecondsLeft(null);
        onIdleRef.current();
        return;
      }
      setSecondsLeft(left <= warnFor ? Math.ceil(left) : null);
    }, 1000);
    return () => {
      window.clearInterval(tick);
      for (const name of ACTIVITY) window.removeEventListener(name, used, { capture: true });
    };
  }, [idleSeconds]);

  return secondsLeft;
}
