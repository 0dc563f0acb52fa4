// What can go wrong with a FHIR server. Raw fetch and socket errors never leave the client:
// each becomes a FhirError here, turned into the user's sentence in failures.ts.

export type FhirErrorCode =
  | 'UNREACHABLE' // nothing answered (connection refused, DNS)
  | 'TIMEOUT' // it stopped answering
  | 'REFUSED' // a 4xx: the server refused the request (its OperationOutcome says why)
  | 'SERVER_ERROR' // a 5xx
  | 'NOT_FHIR' // the answer is not FHIR JSON (an HTML page, malformed JSON, no resourceType)
  | 'NOT_R4' // a FHIR server, but not of release R4 (4.0.x), or a resource R4 does not have
  | 'ABORTED'; // cancelled by the caller

export class FhirError extends Error {
  constructor(
    readonly code: FhirErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FhirError';
    this.status = options?.status;
  }

  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;
}
