// What can go wrong with a PACS over DICOMweb. Raw fetch and socket errors never leave the
// client: each becomes a PacsError here, turned into the user's sentence in failures.ts.

export type PacsErrorCode =
  | 'UNREACHABLE' // nothing answered (connection refused, DNS)
  | 'TIMEOUT' // it stopped answering
  | 'REFUSED' // a 4xx: the PACS refused the request
  | 'SERVER_ERROR' // a 5xx
  | 'BAD_RESPONSE' // the answer is not what DICOMweb promises (JSON, multipart)
  | 'INSTANCE_FAILED' // STOW-RS: the PACS did not store one or more instances
  | 'PATIENT_CONFLICT' // the study is in the PACS under another patient
  | 'ABORTED'; // cancelled by the caller

export class PacsError extends Error {
  constructor(
    readonly code: PacsErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PacsError';
    this.status = options?.status;
  }

  /** The HTTP status, when the PACS answered. */
  readonly status: number | undefined;
}
