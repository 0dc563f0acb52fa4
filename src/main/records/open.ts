// Use case: open a record. For a caregiver the disclosure is recorded on the ledger
// (AccessLog:recordDownload) while the encrypted object downloads: the record's gateway
// hands out its key envelopes only once that disclosure is committed, so nothing can be
// decrypted, let alone shown, before the ledger has it. Then the data key is unwrapped on
// the card, the object checked against the ledger's hash and each chunk's tag, and the
// record decrypted in memory — never to disk — and split into files.
import { pipeline } from 'node:stream';
import type { OpenedRecord } from '../../shared/ipc/contract';
import type { RecordMetadata, RecordAccessBasis } from '../../shared/ledger';
import { EhrError } from '../errors';
import type { SignedInServices } from '../app/signed-in-services';
import { stoppedError, type Operation } from '../app/operations';
import type { DirectoryLookup } from '../directory/lookup';
import { toUserError } from '../failures';
import { decryptToMemory } from '../vault/memory';
import { StoredBytesHasher } from '../vault/stored-bytes-hasher';
import { readBundle } from './bundle';
import type { Download, GatewayObjectStore } from '../storage/gateway-store';
import type { ProgressListener } from '../storage/progress';
import { readEnvelopes, unwrapWithCard } from './envelopes';
import { patientOf } from './list';
import { recordView } from './views';

const OUTCOME = 'Nothing of the record was shown.';

async function disclose(
  services: SignedInServices,
  patientId: string,
  recordId: string,
): Promise<{ record: RecordMetadata; basis: RecordAccessBasis }> {
  if (services.user.role === 'patient') {
    // A patient's own downloads are not disclosures: the listing is his proof of access.
    const listing = await services.ledger.listRecords(patientId);
    const found = listing.records.find((r) => r.record.recordId === recordId);
    if (!found)
      throw new EhrError('LEDGER_NOT_FOUND', 'There is no such record of yours on the ledger.');
    return { record: found.record, basis: 'patient' };
  }
  const { entry, record } = (await services.ledger.recordDownload(patientId, recordId)).value;
  return { record, basis: entry.basis };
}

/**
 * Under break-glass the opening is on the ledger (flagged) before any key is looked for. A
 * record whose data key was never wrapped for this card is then wrapped for it by the
 * record's own hospital's gateway, from that hospital's emergency envelope: the gateway
 * checks on its peer that this break-glass disclosure is committed (src/gateway/emergency-key.ts).
 */
async function emergencyDataKey(
  services: SignedInServices,
  envelopesAt: { store: GatewayObjectStore; key: string },
  patientId: string,
  signal: AbortSignal,
): Promise<Buffer> {
  const envelope = await envelopesAt.store.emergencyEnvelope(
    envelopesAt.key,
    { patientId },
    { signal },
  );
  return unwrapWithCard([envelope], services.card);
}

/**
 * A caregiver's download of the record's encrypted object, started beside his disclosure
 * (the gateway lets him have those bytes with his read grant alone: they are noise without
 * the key envelopes it gives only after the commit). Found from the ledger's listing, and
 * drained into memory (and hashed) as it comes rather than left in the socket until the
 * key is there.
 * Only a head start: any failure gives null, and the opening then downloads after the
 * commit, where the failure, if real, is told.
 */
function downloadAhead(
  services: SignedInServices,
  patientId: string,
  recordId: string,
  signal: AbortSignal,
  onProgress: ProgressListener,
): Promise<{ record: RecordMetadata; download: Download } | null> {
  return (async () => {
    const listing = await services.ledger.listRecords(patientId);
    const record = listing.records.find((r) => r.record.recordId === recordId)?.record;
    if (!record) return null;
    const { store, key } = await services.storage.locate(record.storagePointer);
    const download = await store.get(key, { patientId }, { signal, onProgress });
    // Encrypted bytes only, hashed as they come; the object's size bounds what is held.
    const ahead = new StoredBytesHasher({ highWaterMark: Math.max(download.size, 64 * 1024) });
    pipeline(download.body, ahead, () => undefined);
    return { record, download: { ...download, body: ahead } };
  })().catch(() => null);
}

const sameObject = (a: RecordMetadata, b: RecordMetadata) =>
  a.storagePointer === b.storagePointer && a.sha256 === b.sha256 && a.sizeBytes === b.sizeBytes;

export async function openRecord(
  services: SignedInServices,
  directory: DirectoryLookup,
  request: { patientId: string; recordId: string },
  op: Operation,
): Promise<OpenedRecord> {
  const patientId = patientOf(services, request.patientId);
  let dataKey: Buffer | null = null;
  // The bar: the download while bytes arrive, then the decryption of what had arrived
  // before the key (never both at once, so it does not flicker between them).
  let arrived = false;
  const reportDownload: ProgressListener = ({ loaded, total }) => {
    const whole = total ?? loaded;
    arrived = loaded >= whole;
    op.report('download', loaded, whole);
  };
  // Stops the head start when the opening ends without it.
  const ahead = new AbortController();
  const early =
    services.user.role === 'patient'
      ? Promise.resolve(null)
      : downloadAhead(
          services,
          patientId,
          request.recordId,
          AbortSignal.any([op.signal, ahead.signal]),
          reportDownload,
        );
  try {
    op.report('ledger', 0, 1, 'items');
    const { record, basis } = await disclose(services, patientId, request.recordId);
    op.report('ledger', 1, 1, 'items');
    // The data key (envelopes read, unwrapped on the card) and the download go side by
    // side; the envelopes come only now that the disclosure is committed.
    const scope = { patientId };
    const envelopesAt = await services.storage.locate(record.keyEnvelopeRef);
    const unwrapping = (async () => {
      const envelopes = await readEnvelopes(envelopesAt.store, envelopesAt.key, scope, op.signal);
      return unwrapWithCard(envelopes, services.card).catch((error: unknown) => {
        if (
          basis !== 'break-glass' ||
          !(error instanceof EhrError) ||
          error.code !== 'RECORD_NOT_SHARED'
        )
          throw error;
        return emergencyDataKey(services, envelopesAt, patientId, op.signal);
      });
    })();
    const downloading = early.then(async (started) => {
      if (started && sameObject(started.record, record)) return started.download;
      started?.download.body.destroy();
      const { store, key: objectKey } = await services.storage.locate(record.storagePointer);
      return store.get(objectKey, scope, {
        signal: op.signal,
        onProgress: (p) => reportDownload({ ...p, total: p.total ?? record.sizeBytes }),
      });
    });
    const [unwrapped, started] = await Promise.allSettled([unwrapping, downloading]);
    if (unwrapped.status === 'fulfilled') dataKey = unwrapped.value;
    if (started.status === 'fulfilled' && unwrapped.status === 'rejected')
      started.value.body.destroy();
    if (unwrapped.status === 'rejected') throw unwrapped.reason;
    if (started.status === 'rejected') throw started.reason;
    const download = started.value;
    if (download.size !== record.sizeBytes) {
      download.body.destroy();
      throw new EhrError(
        'RECORD_ALTERED',
        `The stored record is ${download.size} bytes but the ledger registered ${record.sizeBytes}: it was altered, so nothing of it is shown.`,
      );
    }
    const plaintext = await decryptToMemory(download.body, unwrapped.value, record, (p) => {
      if (arrived) op.report('decrypt', p.storedBytesRead, record.sizeBytes);
    });
    // The card may have left the reader while the last bytes arrived: show nothing then.
    if (op.signal.aborted) {
      plaintext.fill(0);
      throw stoppedError(op, 'download', OUTCOME);
    }
    const files = readBundle(plaintext);
    return { record: await recordView(record, basis, directory), files };
  } catch (error) {
    if (op.signal.aborted) throw stoppedError(op, 'download', OUTCOME);
    throw toUserError(error, OUTCOME);
  } finally {
    dataKey?.fill(0);
    ahead.abort();
    void early.then((started) => started?.download.body.destroy());
  }
}
