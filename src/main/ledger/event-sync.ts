// Keeps the local cache in step with the ledger: listens to the chaincode's events from the
// last checkpoint and applies each one, and the new checkpoint, in ONE SQLite transaction.
// (Fabric Gateway's file checkpointer writes without fsync and apart from our data; after
// a crash it could point past an event we never stored, or before one we did.)
import type { ChaincodeEvent, Checkpoint, Network } from '@hyperledger/fabric-gateway';
import type { Db } from '../cache/database';

export interface LedgerEventPayload {
  type: string;
  txId: string;
  timestamp: string;
  patientId?: string | null;
  breakGlass?: boolean;
  data: unknown;
}

export interface AppliedEvent {
  txId: string;
  blockNumber: bigint;
  type: string;
  patientId: string | null;
}

export class EventCache {
  constructor(
    private readonly db: Db,
    readonly stream: string,
  ) {}

  /** The position to resume from; with none, the stream starts at the first block. */
  checkpoint(): Checkpoint | null {
    const row = this.db
      .prepare('SELECT block_number, tx_id FROM ledger_checkpoints WHERE stream = ?')
      .get(this.stream) as { block_number: number; tx_id: string } | undefined;
    if (!row) return null;
    return {
      getBlockNumber: () => BigInt(row.block_number),
      getTransactionId: () => row.tx_id,
    };
  }

  /** Applies one event and moves the checkpoint past it, atomically. */
  apply(event: ChaincodeEvent): AppliedEvent {
    const payload = JSON.parse(Buffer.from(event.payload).toString('utf8')) as LedgerEventPayload;
    const applied: AppliedEvent = {
      txId: event.transactionId,
      blockNumber: event.blockNumber,
      type: event.eventName,
      patientId: payload.patientId ?? null,
    };
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO ledger_events (tx_id, block_number, event_type, patient_id, break_glass, tx_time, payload)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          event.transactionId,
          Number(event.blockNumber),
          event.eventName,
          applied.patientId,
          payload.breakGlass ? 1 : 0,
          payload.timestamp,
          JSON.stringify(payload),
        );
      this.db
        .prepare(
          `INSERT INTO ledger_checkpoints (stream, block_number, tx_id, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT(stream) DO UPDATE SET block_number = excluded.block_number,
             tx_id = excluded.tx_id, updated_at = excluded.updated_at`,
        )
        .run(this.stream, Number(event.blockNumber), event.transactionId, new Date().toISOString());
    })();
    return applied;
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM ledger_events').get() as { n: number }).n;
  }
}

export interface SyncOptions {
  chaincodeName: string;
  signal: AbortSignal;
  onApplied?: (event: AppliedEvent) => void;
  onError?: (error: unknown) => void;
  /** Pause before reconnecting after the stream broke. */
  retryDelayMs?: number;
}

/** Runs until aborted, reconnecting from the checkpoint whenever the stream breaks. */
export async function syncEvents(
  network: Network,
  cache: EventCache,
  options: SyncOptions,
): Promise<void> {
  while (!options.signal.aborted) {
    const checkpoint = cache.checkpoint();
    let events: Awaited<ReturnType<Network['getChaincodeEvents']>> | null = null;
    const stop = () => events?.close();
    options.signal.addEventListener('abort', stop, { once: true });
    try {
      events = await network.getChaincodeEvents(
        options.chaincodeName,
        checkpoint ? { checkpoint } : { startBlock: 0n },
      );
      for await (const event of events) {
        options.onApplied?.(cache.apply(event));
      }
    } catch (error) {
      if (options.signal.aborted) break;
      options.onError?.(error);
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 1000));
    } finally {
      options.signal.removeEventListener('abort', stop);
      events?.close();
    }
  }
}
