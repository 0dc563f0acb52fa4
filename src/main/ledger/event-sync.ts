// Keeps the local cache in step with the ledger: listens to the chaincode's events from the
// last checkpoint and applies each one, and the new checkpoint, in ONE SQLite transaction.
// (Fabric Gateway's file checkpointer writes without fsync and apart from our data; after
// a crash it could point past an event we never stored, or before one we did.)
import type { ChaincodeEvent, Checkpoint, Network } from '@hyperledger/fabric-gateway';
import type { Db } from '../cache/database';
import { patientTag } from './patient-tag';

/**
 * What a chaincode event says (schema 2, chaincode/README.md "Events"): its kind and whose
 * data changed, as the patient's tag — never what changed or who changed it. The cache
 * re-queries to learn that.
 */
export interface LedgerEventPayload {
  type: string;
  txId: string;
  /** patientTag() of the patient concerned; null for directory events. */
  patientTag: string | null;
}

export interface AppliedEvent {
  txId: string;
  blockNumber: bigint;
  type: string;
  patientTag: string | null;
}

export function payloadOf(event: ChaincodeEvent): LedgerEventPayload {
  const raw = JSON.parse(Buffer.from(event.payload).toString('utf8')) as {
    type: string;
    txId: string;
    patientTag?: string | null;
    /** Schema 1, in blocks written before the chaincode's schema 2. */
    patientId?: string | null;
  };
  const tag = raw.patientTag ?? (raw.patientId ? patientTag(raw.patientId) : null);
  return { type: raw.type, txId: raw.txId, patientTag: tag };
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

  /**
   * Applies one event — its journal row, the cache writes it caused (`writes`) and the new
   * checkpoint — atomically. The journal's key makes a repeated event fail loudly.
   */
  apply(event: ChaincodeEvent, writes?: () => void): AppliedEvent {
    const payload = payloadOf(event);
    const applied: AppliedEvent = {
      txId: event.transactionId,
      blockNumber: event.blockNumber,
      type: event.eventName,
      patientTag: payload.patientTag,
    };
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO ledger_events (stream, tx_id, block_number, event_type) VALUES (?, ?, ?, ?)',
        )
        .run(this.stream, event.transactionId, Number(event.blockNumber), event.eventName);
      writes?.();
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
    return (
      this.db
        .prepare('SELECT count(*) AS n FROM ledger_events WHERE stream = ?')
        .get(this.stream) as {
        n: number;
      }
    ).n;
  }

  /** Forgets this stream (a kiosk forgets its patient at sign-out). */
  forget(): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM ledger_events WHERE stream = ?').run(this.stream);
      this.db.prepare('DELETE FROM ledger_checkpoints WHERE stream = ?').run(this.stream);
    })();
  }
}

export interface SyncOptions {
  chaincodeName: string;
  signal: AbortSignal;
  /**
   * Re-queries what the event touches before it is applied, and returns the cache writes
   * to make in the same transaction as the event's checkpoint (null: nothing to write).
   */
  refresh?: (event: ChaincodeEvent) => Promise<(() => void) | null>;
  /** The stream is open (true) or broken and about to reconnect (false). */
  onLive?: (live: boolean) => void;
  /** Without a checkpoint: from the first block (default), or from the next one committed. */
  withoutCheckpoint?: 'first-block' | 'next-block';
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
        checkpoint
          ? { checkpoint }
          : options.withoutCheckpoint === 'next-block'
            ? {}
            : { startBlock: 0n },
      );
      options.onLive?.(true);
      for await (const event of events) {
        const writes = options.refresh ? await options.refresh(event) : null;
        // Applied first, reported after: `onApplied?.(apply())` would skip the apply itself
        // whenever nobody listens.
        const applied = cache.apply(event, writes ?? undefined);
        options.onApplied?.(applied);
      }
    } catch (error) {
      if (options.signal.aborted) break;
      options.onError?.(error);
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 1000));
    } finally {
      options.onLive?.(false);
      options.signal.removeEventListener('abort', stop);
      events?.close();
    }
  }
}
