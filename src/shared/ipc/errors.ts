// Error shapes that cross the IPC boundary. Every failure a person can meet is one of
// these codes with a sentence they can act on; nothing raw (stack traces, native error
// objects) ever reaches the renderer.

export const ERROR_CODES = [
  'INVALID_ARGUMENT', // the call's arguments do not match the channel's schema
  'UNKNOWN_CHANNEL', // no such channel in the contract
  'UNTRUSTED_SENDER', // the call came from a frame that is not the workstation's own UI
  'INVALID_SETTING', // one or more settings failed their checks; nothing was saved
  'KIOSK_LOCKED', // the action is not available on a clinic kiosk
  'STORAGE_FAILURE', // the local database could not be read or written
  'CARD_UNAVAILABLE', // no smart-card library configured, or it cannot be started
  'CARD_NOT_PRESENT', // no card in the reader
  'CARD_WRONG_PIN',
  'CARD_PIN_LOCKED',
  'CARD_REMOVED',
  'CARD_NOT_PROVISIONED', // the card holds no ACTION-EHR keys or certificate
  'CARD_FAILED', // the card could not complete the operation
  'INTERNAL', // a bug: logged in full in the main process, summarised here
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface IpcError {
  code: ErrorCode;
  message: string;
  /** Per-field messages when the error concerns a form (e.g. settings). */
  fields?: Record<string, string>;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };
