// Use case: open a record. For a caregiver the disclosure is recorded on the ledger first
// (AccessLog:recordDownload, committed before a byte is fetched); then the stored object is
// downloaded, checked against the ledger's hash and each chunk's tag, its data key unwrapped
// on the card, and the record decrypted in memory — never to disk — and split into files.
import type { OpenedRecord } from '../../shared/ipc/contract';
import type { RecordMetadata, RecordAccessBasis } from '../../shared/ledger';
import { EhrError } from '../errors';
import type { SignedInServices } from '../app/signed-in-services';
import { stoppedError, type Operation } from '../app/operations';
import type { DirectoryLookup } from '../directory/lookup';
import { toUserError } from '../failures';
import { decryptToMemory } from '../vault/memory';
import { readBundle } from './bundle';
import type { GatewayObjectStore } from '../storage/gateway-store';
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

export async function openRecord(
  services: SignedInServices,
  directory: DirectoryLookup,
  request: { patientId: string; recordId: string },
  op: Operation,
): Promise<OpenedRecord> {
  const patientId = patientOf(services, request.patientId);
  let dataKey: Buffer | null = null;
  try {
    op.report('ledger', 0, 1);
    const { record, basis } = await disclose(services, patientId, request.recordId);
    op.report('ledger', 1, 1);
    // The record's own hospital's gateway answers only now that the disclosure is committed.
    // The data key (envelopes read, unwrapped on the card) and the download start side by
    // side: the body waits in the socket until the key is there to decrypt it.
    const scope = { patientId };
    const { store, key: objectKey } = await services.storage.locate(record.storagePointer);
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
    const downloading = store.get(objectKey, scope, {
      signal: op.signal,
      onProgress: (p) => op.report('download', p.loaded, p.total ?? record.sizeBytes),
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
    const plaintext = await decryptToMemory(download.body, unwrapped.value, record);
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
  }
}
