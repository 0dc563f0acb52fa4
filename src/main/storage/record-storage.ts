// Which hospital's record gateway keeps an object. Each hospital publishes its gateway and
// the bucket it serves on the ledger (HospitalServices:publishRecordGateway); a record's
// pointer (s3://<bucket>/<key>) names its bucket, so the workstation asks that bucket's
// gateway, and writes new records through its own hospital's. The workstation holds no
// bucket credentials and no address book of its own: the ledger's list is read once per
// sign-in and again when a pointer names a bucket it does not know yet.
import type { RecordGatewayEntry } from '../../shared/ledger';
import { EhrError } from '../errors';
import type { EhrLedger } from '../ledger/ehr-ledger';
import type { RequestSigner } from '../gateway-client/sign-request';
import { GatewayObjectStore } from './gateway-store';
import { emergencyRecipientId } from '../../shared/gateway/protocol';

export interface StoredPointer {
  bucket: string;
  key: string;
}

/** `s3://bucket/key` as the ledger holds it. */
export function pointerUri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

export function parsePointer(uri: string): StoredPointer {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) {
    throw new EhrError(
      'RECORD_MISSING',
      `The ledger points this record at ${uri}, which is not a storage address this workstation reads.`,
    );
  }
  const [, bucket, key] = match as unknown as [string, string, string];
  return { bucket, key };
}

export class RecordStorage {
  #gateways: Promise<RecordGatewayEntry[]> | null = null;
  readonly #stores = new Map<string, GatewayObjectStore>();

  constructor(
    private readonly ledger: Pick<EhrLedger, 'listRecordGateways'>,
    private readonly ownMspId: string,
    private readonly signer: RequestSigner,
  ) {}

  async #list(refresh: boolean): Promise<RecordGatewayEntry[]> {
    if (refresh || !this.#gateways) {
      const listing = this.ledger.listRecordGateways();
      this.#gateways = listing;
      // A failed read is not kept: the next call asks the ledger again.
      listing.catch(() => {
        if (this.#gateways === listing) this.#gateways = null;
      });
    }
    return this.#gateways;
  }

  async #find(match: (g: RecordGatewayEntry) => boolean): Promise<RecordGatewayEntry | null> {
    return (await this.#list(false)).find(match) ?? (await this.#list(true)).find(match) ?? null;
  }

  #storeOf(entry: RecordGatewayEntry): GatewayObjectStore {
    const id = `${entry.url} ${entry.bucket}`;
    let store = this.#stores.get(id);
    if (!store) {
      store = new GatewayObjectStore({
        gatewayUrl: entry.url,
        bucket: entry.bucket,
        signer: this.signer,
      });
      this.#stores.set(id, store);
    }
    return store;
  }

  /** The gateway that keeps the object `pointer` names, and its key there. */
  async locate(pointer: string): Promise<{ store: GatewayObjectStore; key: string }> {
    const { bucket, key } = parsePointer(pointer);
    const entry = await this.#find((g) => g.bucket === bucket);
    if (!entry) {
      throw new EhrError(
        'NOT_CONFIGURED',
        `This record is kept in the storage bucket "${bucket}", and no hospital has published a record gateway for it on the ledger. Ask your hospital IT.`,
      );
    }
    return { store: this.#storeOf(entry), key };
  }

  /**
   * This hospital's gateway, where the records added here are kept, and the recipient of
   * its emergency envelope: every record added here is also wrapped for it, for break-glass.
   */
  async own(): Promise<{
    store: GatewayObjectStore;
    emergency: { id: string; encryptionPublicKeyPem: string };
  }> {
    const entry = await this.#find((g) => g.mspId === this.ownMspId);
    if (!entry) {
      throw new EhrError(
        'NOT_CONFIGURED',
        `Your hospital (${this.ownMspId}) has not published its record gateway on the ledger, so records cannot be stored. Ask your hospital IT.`,
      );
    }
    return {
      store: this.#storeOf(entry),
      emergency: {
        id: emergencyRecipientId(entry.mspId),
        encryptionPublicKeyPem: entry.emergencyPublicKey,
      },
    };
  }
}
