/**
 * Every refusal names its kind and what it is about, so a client can show the reason and
 * decide whether retrying makes sense. The message is what reaches the client through the
 * peer, in the form `CODE(subject): detail`, e.g.
 * `INVALID_ARGUMENT(category): 'xray' is not one of radiotherapy-plan, dose, ...`.
 */
export type ErrorCode =
  /** An argument is malformed; `subject` is the argument's name. */
  | 'INVALID_ARGUMENT'
  /** The caller is not allowed; `subject` is the rule that refused. */
  | 'FORBIDDEN'
  /** Something the call refers to is not on the ledger; `subject` is the argument naming it. */
  | 'NOT_FOUND'
  /** The call clashes with what is already on the ledger; `subject` is the argument. */
  | 'CONFLICT';

export class ChaincodeError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly subject: string,
    readonly detail: string,
  ) {
    super(`${code}(${subject}): ${detail}`);
    this.name = 'ChaincodeError';
  }
}

export const invalidArgument = (field: string, detail: string): ChaincodeError =>
  new ChaincodeError('INVALID_ARGUMENT', field, detail);

export const forbidden = (rule: string, detail: string): ChaincodeError =>
  new ChaincodeError('FORBIDDEN', rule, detail);

export const notFound = (field: string, detail: string): ChaincodeError =>
  new ChaincodeError('NOT_FOUND', field, detail);

export const conflict = (field: string, detail: string): ChaincodeError =>
  new ChaincodeError('CONFLICT', field, detail);
