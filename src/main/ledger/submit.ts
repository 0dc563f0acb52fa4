// Submitting a transaction so that it is never lost silently and never applied twice.
// Fabric Gateway does not resubmit on its own, so this decides, per step:
//   endorse fails, transient      → nothing reached the orderer: endorse the same proposal again
//     (a peer the policy needs is unreachable or not yet rediscovered by gossip counts too)
//   endorse refused by chaincode  → final: the policy said no (LedgerError with the rule)
//   submit fails, transient       → the orderer may or may not have it: send the SAME signed
//                                   transaction again (same id; a copy that arrives twice is
//                                   invalidated as DUPLICATE_TXID, the first one stands)
//   commit status unavailable     → ask again for the same transaction id; never a new one
//   committed invalid, MVCC/phantom conflict → known not committed: a NEW proposal
//   committed invalid, any other reason      → final error
// Every wait is bounded; when attempts run out the error says the transaction's fate is
// unknown if it is (the caller shows it and can check the transaction id).
import type { Contract, Transaction, SubmittedTransaction } from '@hyperledger/fabric-gateway';
import type { RetryPolicy } from '../retry-policy';
import { chaincodeRefusal, isEndorsersMissing, isTransientGrpc, LedgerError } from './errors';

// peer.TxValidationCode values that mean "not committed because of a concurrent change".
const MVCC_READ_CONFLICT = 11;
const PHANTOM_READ_CONFLICT = 12;
const VALID = 0;

export type { RetryPolicy };

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 5_000 };

export interface SubmitReport {
  result: Uint8Array;
  transactionId: string;
  blockNumber: bigint;
  /** How many new transactions were needed (1 unless a conflict forced a retry). */
  transactions: number;
}

function backoff(policy: RetryPolicy, attempt: number): Promise<void> {
  const ms = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms / 2 + Math.random() * (ms / 2)));
}

async function endorse(
  contract: Contract,
  name: string,
  args: string[],
  policy: RetryPolicy,
): Promise<Transaction> {
  const proposal = contract.newProposal(name, { arguments: args });
  for (let attempt = 0; ; attempt++) {
    try {
      return await proposal.endorse();
    } catch (error) {
      const refusal = chaincodeRefusal(error);
      if (refusal) throw refusal;
      const transient = isTransientGrpc(error) || isEndorsersMissing(error);
      if (!transient || attempt + 1 >= policy.maxAttempts) {
        throw new LedgerError(
          'UNAVAILABLE',
          `The ledger did not endorse ${name}: ${(error as Error).message}`,
          undefined,
          true,
        );
      }
      await backoff(policy, attempt);
    }
  }
}

async function submitOnce(
  transaction: Transaction,
  name: string,
  policy: RetryPolicy,
): Promise<SubmittedTransaction> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await transaction.submit();
    } catch (error) {
      if (!isTransientGrpc(error) || attempt + 1 >= policy.maxAttempts) {
        throw new LedgerError(
          'UNAVAILABLE',
          `The ordering service did not accept ${name} (transaction ${transaction.getTransactionId()}; it may still commit): ${(error as Error).message}`,
          undefined,
          false,
        );
      }
      await backoff(policy, attempt);
    }
  }
}

async function statusOf(submitted: SubmittedTransaction, name: string, policy: RetryPolicy) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await submitted.getStatus();
    } catch (error) {
      if (attempt + 1 >= policy.maxAttempts) {
        throw new LedgerError(
          'UNAVAILABLE',
          `Whether ${name} committed is not known yet (transaction ${submitted.getTransactionId()}): ${(error as Error).message}`,
        );
      }
      await backoff(policy, attempt);
    }
  }
}

export async function submitTransaction(
  contract: Contract,
  name: string,
  args: string[],
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<SubmitReport> {
  for (let transactions = 1; ; transactions++) {
    const transaction = await endorse(contract, name, args, policy);
    const submitted = await submitOnce(transaction, name, policy);
    const status = await statusOf(submitted, name, policy);
    if (status.code === VALID) {
      return {
        result: submitted.getResult(),
        transactionId: status.transactionId,
        blockNumber: status.blockNumber,
        transactions,
      };
    }
    const conflict = status.code === MVCC_READ_CONFLICT || status.code === PHANTOM_READ_CONFLICT;
    if (!conflict || transactions >= policy.maxAttempts) {
      throw new LedgerError(
        'NOT_COMMITTED',
        `${name} was not committed (transaction ${status.transactionId}, validation code ${status.code}).`,
        undefined,
        conflict,
      );
    }
    await backoff(policy, transactions);
  }
}
