// Use case: add records for a patient — a course folder (CT, RTSTRUCT, RTPLAN, RTDOSE, RT
// treatment records) or FHIR R4 JSON files. The files are classified into categories (one
// record per category), each record bundled, encrypted with a fresh data key while it
// streams to storage, its key wrapped for every reader, and registered on the ledger.
//
// Nothing is left half-done: files that cannot be classified refuse the whole add before
// anything is stored; a caregiver without a write grant is refused before uploading; and
// when storage or the ledger fails, what this add stored is deleted again. A retried add
// of the same stored object never makes two records (the chaincode keys records by pointer).
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AddedRecord } from '../../shared/ipc/contract';
import type { Category } from '../../shared/ledger';
import { EhrError } from '../errors';
import { stoppedError, type Operation } from '../app/operations';
import type { SignedInServices } from '../app/signed-in-services';
import type { DirectoryLookup } from '../directory/lookup';
import { toUserError } from '../failures';
import { LedgerError } from '../ledger/errors';
import { newObjectKey } from '../storage/keys';
import { EncryptStream } from '../vault/encrypt-stream';
import { bundlePieces, bundleSize, type BundleFile } from './bundle';
import { classifyFiles, groupIntoRecords, type RecordGroup } from './classify';
import { pointerUri } from '../storage/record-storage';
import type { GatewayObjectStore } from '../storage/gateway-store';
import { sealedSize } from '../vault/format';
import { envelopeKeyOf, envelopesFor, writeEnvelopes, type Recipient } from './envelopes';
import { recordView } from './views';

export interface AddRecordsRequest {
  patientId: string;
  files: BundleFile[];
}

async function checkWriteGrants(
  services: SignedInServices,
  patientId: string,
  groups: RecordGroup[],
) {
  if (services.user.role === 'patient') {
    if (patientId !== services.user.id) {
      throw new EhrError('NOT_ALLOWED', 'A patient can only add records of his own.');
    }
    return;
  }
  const now = Date.now();
  const grants = await services.ledger.listSharedWithMe();
  const writable = new Set(
    grants
      .filter(
        (g) =>
          g.patientId === patientId &&
          g.kind === 'grant' &&
          g.write &&
          Date.parse(g.validFrom) <= now &&
          now < Date.parse(g.validTo),
      )
      .flatMap((g) => (g.kind === 'grant' ? [g.category] : [])),
  );
  const missing = groups.map((g) => g.category).filter((c) => !writable.has(c));
  if (missing.length > 0 && writable.size === 0) {
    const emergency = await services.ledger.listMyBreakGlass();
    if (emergency.some((e) => e.patientId === patientId)) {
      throw new EhrError(
        'NOT_ALLOWED',
        'Emergency access only lets you read this patient’s records: it never allows adding any. Nothing was added.',
      );
    }
  }
  if (missing.length > 0) {
    throw new EhrError(
      'LEDGER_REFUSED',
      `The patient has not given you write access now for: ${[...new Set(missing)].join(', ')}. Nothing was added.`,
    );
  }
}

/**
 * Who can open the new records, per category: the patient, the uploader, and every
 * caregiver the patient lets read the category now or later (the chaincode tells the
 * patient, and a caregiver who may write the category). Read once per add.
 */
async function recipientsByCategory(
  services: SignedInServices,
  directory: DirectoryLookup,
  patientId: string,
): Promise<(category: Category) => Promise<Recipient[]>> {
  const self: Recipient = {
    id: services.user.id,
    encryptionPublicKeyPem: services.card.identity.encryptionPublicKeyPem,
  };
  const owner: Recipient[] = [];
  if (services.user.role !== 'patient') {
    const patient = await directory.user(patientId);
    if (!patient)
      throw new EhrError(
        'LEDGER_NOT_FOUND',
        `No patient ${patientId} is registered on the ledger. Nothing was added.`,
      );
    owner.push({ id: patient.userId, encryptionPublicKeyPem: patient.encryptionPublicKey });
  }
  return async (category) => {
    const readers = await services.ledger.listReaders(patientId, category);
    const others = await Promise.all(
      readers.filter((r) => r.caregiverId !== self.id).map((r) => directory.user(r.caregiverId)),
    );
    return [
      ...owner,
      self,
      ...others.flatMap((u) =>
        u ? [{ id: u.userId, encryptionPublicKeyPem: u.encryptionPublicKey }] : [],
      ),
    ];
  };
}

/**
 * Stores and registers one record. Records of one add touch different ledger keys, so they
 * go up and commit side by side, most often in a single block.
 */
async function addOne(
  services: SignedInServices,
  store: GatewayObjectStore,
  directory: DirectoryLookup,
  patientId: string,
  recipients: Recipient[],
  group: RecordGroup,
  op: Operation,
  stored: Map<string, Category>,
  onBytes: (loaded: number) => void,
): Promise<AddedRecord> {
  const files = group.files.map((f) => f.file);
  const scope = { patientId, category: group.category };
  const dataKey = randomBytes(32);
  const key = newObjectKey();
  const storagePointer = pointerUri(store.bucket, key);
  const encryptor = new EncryptStream(dataKey, { boundTo: storagePointer });
  const envelopeKey = envelopeKeyOf(key);
  stored.set(key, group.category).set(envelopeKey, group.category);
  try {
    // The envelopes go up beside the record, not after it: after it, their small upload
    // (and the gateway's check of it) came between the last record byte and the commit.
    // Both are settled before a failure is reported, so the clean-up in addRecords never
    // races an upload still under way.
    const uploads = await Promise.allSettled([
      store.put(
        key,
        {
          stream: Readable.from(bundlePieces(files)).pipe(encryptor),
          size: sealedSize(bundleSize(files)),
        },
        scope,
        { signal: op.signal, onProgress: (p) => onBytes(p.loaded) },
      ),
      writeEnvelopes(store, envelopeKey, envelopesFor(dataKey, recipients), scope, op.signal),
    ]);
    const failed = uploads.find((u): u is PromiseRejectedResult => u.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    dataKey.fill(0);
  }
  const sealed = encryptor.result();
  const { value: record } = await services.ledger
    .addRecord({
      patientId,
      category: group.category,
      storagePointer,
      sha256: sealed.sha256,
      sizeBytes: sealed.storedBytes,
      contentType: group.format,
      keyEnvelopeRef: pointerUri(store.bucket, envelopeKey),
    })
    .catch((error: unknown) => {
      // Reached the orderer, fate unknown: the record may be on the ledger, so its object
      // must stay (an orphan costs storage; a record pointing at nothing loses data).
      if (error instanceof LedgerError && error.code === 'UNAVAILABLE' && !error.retryable) {
        stored.delete(key);
        stored.delete(envelopeKey);
      }
      throw error;
    });
  // Registered: from here on the stored objects belong to the ledger's record.
  stored.delete(key);
  stored.delete(envelopeKey);
  return {
    record: await recordView(
      record,
      services.user.role === 'patient' ? 'patient' : 'grant',
      directory,
    ),
    files: group.files.map((f) => ({ name: f.file.name, kind: f.kind })),
  };
}

export async function addRecords(
  services: SignedInServices,
  directory: DirectoryLookup,
  request: AddRecordsRequest,
  op: Operation,
): Promise<AddedRecord[]> {
  const groups = groupIntoRecords(classifyFiles(request.files));
  const stored = new Map<string, Category>();
  const outcomes: PromiseSettledResult<AddedRecord>[] = [];
  let store: GatewayObjectStore | null = null;
  try {
    await checkWriteGrants(services, request.patientId, groups);
    const own = await services.storage.own();
    store = own.store;
    const totalBytes = groups.reduce((n, g) => n + bundleSize(g.files.map((f) => f.file)), 0);
    const loaded = groups.map(() => 0);
    const recipientsOf = await recipientsByCategory(services, directory, request.patientId);
    // Every record is also wrapped for this hospital's emergency key (break-glass).
    const recipients = await Promise.all(
      groups.map(async (g) => [...(await recipientsOf(g.category)), own.emergency]),
    );
    outcomes.push(
      ...(await Promise.allSettled(
        groups.map((group, i) =>
          addOne(
            services,
            own.store,
            directory,
            request.patientId,
            recipients[i]!,
            group,
            op,
            stored,
            (bytes) => {
              loaded[i] = bytes;
              op.report(
                'upload',
                Math.min(
                  totalBytes,
                  loaded.reduce((a, b) => a + b, 0),
                ),
                totalBytes,
              );
            },
          ),
        ),
      )),
    );
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
    return outcomes.map((o) => (o as PromiseFulfilledResult<AddedRecord>).value);
  } catch (error) {
    // What this add stored but did not register is deleted again.
    await Promise.all(
      [...stored].map(([key, category]) =>
        store?.delete(key, { patientId: request.patientId, category }).catch(() => undefined),
      ),
    );
    const added = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const done =
      added.length > 0
        ? `${added.length} of ${groups.length} records were added (${added.map((a) => a.record.category).join(', ')}); the rest were not.`
        : 'Nothing was added.';
    if (op.signal.aborted) throw stoppedError(op, 'upload', done);
    throw toUserError(error, done);
  }
}
