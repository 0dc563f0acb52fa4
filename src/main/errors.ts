import type { ErrorCode, IpcError } from '../shared/ipc/errors';

/** An expected failure with a message meant for the person at the screen. */
export class EhrError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'EhrError';
  }

  toIpcError(): IpcError {
    return this.fields
      ? { code: this.code, message: this.message, fields: this.fields }
      : { code: this.code, message: this.message };
  }
}
