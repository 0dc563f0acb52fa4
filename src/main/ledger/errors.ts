// Ledger failures as a person should read them. The chaincode refuses with
// "CODE(subject): detail" (see chaincode/README.md); the gateway wraps that in gRPC errors
// whose details carry each peer's message. We dig it out so the refusal names the rule.
import { GatewayError } from '@hyperledger/fabric-gateway';

export type LedgerErrorCode =
  | 'INVALID_ARGUMENT' // the chaincode refused the arguments
  | 'FORBIDDEN' // the policy refused (the rule is in `subject`)
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAVAILABLE' // the peer or orderer could not be reached in time
  | 'NOT_COMMITTED' // the transaction was ordered but not valid (e.g. a conflict)
  | 'FAILED';

export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    readonly subject?: string,
    /** Whether trying again (a new transaction) may succeed. */
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

const CHAINCODE_REFUSAL = /\b(INVALID_ARGUMENT|FORBIDDEN|NOT_FOUND|CONFLICT)\(([^)]*)\): ([^\n]*)/;

/** The chaincode's own refusal, if the error carries one. */
export function chaincodeRefusal(error: unknown): LedgerError | null {
  const texts: string[] = [];
  if (error instanceof GatewayError) {
    texts.push(...error.details.map((d) => d.message), error.message);
  } else if (error instanceof Error) {
    texts.push(error.message);
  }
  for (const text of texts) {
    const match = CHAINCODE_REFUSAL.exec(text);
    if (match) {
      const [, code, subject, detail] = match;
      return new LedgerError(code as LedgerErrorCode, `${detail} (${code}: ${subject})`, subject);
    }
  }
  return null;
}

// gRPC status codes that mean "the service did not answer", as opposed to "it said no".
const TRANSIENT_GRPC = new Set([
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  14, // UNAVAILABLE
]);

export function isTransientGrpc(error: unknown): boolean {
  return error instanceof GatewayError && TRANSIENT_GRPC.has(error.code);
}

/**
 * The gateway could not find peers enough to satisfy the endorsement policy: a hospital's
 * peer is down or gossip has not (re)discovered it yet. Nothing was endorsed, and the
 * condition clears on its own when the peer is back, so it is worth another try.
 */
export function isEndorsersMissing(error: unknown): boolean {
  return (
    error instanceof GatewayError &&
    error.code === 9 && // FAILED_PRECONDITION
    /no (combination of peers|peer combination)/.test(error.message)
  );
}
