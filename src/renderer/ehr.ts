// The renderer's only door to the rest of the workstation: window.ehr, put there by the
// preload (Electron) or by the E2E bridge (Chromium). Nothing else is reachable.
import type { EhrApi } from '../shared/ipc/api';
import type { IpcResult } from '../shared/ipc/errors';

declare global {
  interface Window {
    ehr?: EhrApi;
  }
}

export function ehr(): EhrApi {
  if (!window.ehr) {
    throw new Error(
      'The workstation bridge is missing: this page must be opened by the workstation.',
    );
  }
  return window.ehr;
}

/** Unwraps a result for places where a failure can only be shown as a message. */
export function valueOr<T>(result: IpcResult<T>, onError: (message: string) => void): T | null {
  if (result.ok) return result.value;
  onError(result.error.message);
  return null;
}
