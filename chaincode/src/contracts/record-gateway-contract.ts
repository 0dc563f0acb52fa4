import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { EhrContract } from './ehr-contract';
import { certificateFingerprint } from '../auth/certificate-fingerprint';
import { forbidden, invalidArgument, notFound } from '../errors';
import { canonicalJson } from '../ledger/canonical-json';
import { keys } from '../ledger/keys';
import { readText } from '../ledger/state';
import { toIsoTime, txTimeMillis } from '../ledger/tx-time';
import type { GatewayDecision } from '../model/gateway-decision';
import type { DirectoryUser } from '../model/user';
import { findReadBasis, findWriteGrant } from '../policy/caregiver-access';
import { readDisclosures, readObjectOwner, readRecord } from '../stores/record-store';
import { readUserByCertificate } from '../stores/user-store';
import { parseCategory } from '../validation/categories';
import { parsePatientId } from '../validation/ids';
import { requireString } from '../validation/primitives';
import { parseObjectUri } from '../validation/record-fields';

/** CA attribute of a hospital's record gateway service identity (not a person, not in the directory). */
export const GATEWAY_ATTRIBUTE = { name: 'role', value: 'gateway' } as const;

/**
 * How long after a committed disclosure its caregiver may still fetch the record's objects:
 * long enough for a slow download and its resumptions, short enough that a fetch days later
 * needs a disclosure of its own (every download is accounted for).
 */
export const DISCLOSURE_FRESH_MILLIS = 15 * 60_000;

/**
 * Queries a hospital's record gateway evaluates on its own peer before it presigns a URL
 * for one stored object. The gateway signs with its service identity (role=gateway); the
 * person asking is named by his card's certificate, which the gateway has already checked
 * against the request's signature. Each refusal names its rule.
 */
@Info({ title: 'RecordGateway', description: 'May this card have this stored object?' })
export class RecordGatewayContract extends EhrContract {
  constructor() {
    super('RecordGateway');
  }

  /**
   * Reading `objectPointer` (a record's object or its key envelopes; `recordObjectPointer`
   * is the record's own object it belongs beside). The patient reads his own records. A
   * caregiver with a basis for reading in force may fetch the record's encrypted object at
   * once, so his download runs while his disclosure commits; its key envelopes, without
   * which those bytes are noise, only once a disclosure of this record by him is committed,
   * within DISCLOSURE_FRESH_MILLIS. So nothing of a record can be read before its
   * disclosure is on the ledger.
   */
  @Transaction(false)
  @Returns('string')
  async authorizeRead(
    ctx: Context,
    callerCertificatePem: string,
    patientId: string,
    objectPointer: string,
    recordObjectPointer: string,
  ): Promise<string> {
    requireGateway(ctx);
    const patient = parsePatientId('patientId', patientId);
    const object = parseObjectUri('objectPointer', objectPointer);
    const base = parseObjectUri('recordObjectPointer', recordObjectPointer);
    const now = txTimeMillis(ctx);
    const caller = await callerOf(ctx, callerCertificatePem);

    const owner = await readObjectOwner(ctx, base);
    const record =
      owner?.patientId === patient ? await readRecord(ctx, patient, owner.recordId) : null;
    if (!record || (record.storagePointer !== object && record.keyEnvelopeRef !== object)) {
      throw notFound('objectPointer', `no record of patient ${patient} keeps object ${object}`);
    }
    const decided = { callerId: caller.userId, callerMspId: caller.mspId, patientId: patient };
    if (caller.role === 'patient') {
      if (caller.userId !== patient) {
        throw forbidden(
          'patient-own-records',
          `patient ${caller.userId} may only read his own records`,
        );
      }
      return canonicalJson({
        ...decided,
        rule: 'patient-self',
        recordId: record.recordId,
      } satisfies GatewayDecision);
    }
    if (caller.role !== 'caregiver') {
      throw forbidden(
        'patient-or-caregiver',
        `${caller.userId} is an ${caller.role}, who reads no records`,
      );
    }
    const readBasis = await findReadBasis(ctx, patient, caller.userId, record.category, now);
    if (!readBasis) {
      throw forbidden(
        'caregiver-read-grant',
        `caregiver ${caller.userId} has no read permission in force for ${record.category} of patient ${patient} at ${toIsoTime(now)}`,
      );
    }
    if (object === record.storagePointer) {
      return canonicalJson({
        ...decided,
        rule: 'caregiver-read-basis',
        recordId: record.recordId,
        basis: readBasis.basis,
      } satisfies GatewayDecision);
    }
    const disclosure = (await readDisclosures(ctx, patient))
      .filter((d) => d.caregiverId === caller.userId && d.recordId === record.recordId)
      .pop();
    const age = disclosure ? now - Date.parse(disclosure.accessedAt) : Number.POSITIVE_INFINITY;
    if (!disclosure || age > DISCLOSURE_FRESH_MILLIS) {
      throw forbidden(
        'download-disclosure',
        disclosure
          ? `caregiver ${caller.userId}'s latest disclosure of record ${record.recordId} is from ${disclosure.accessedAt}, older than ${DISCLOSURE_FRESH_MILLIS / 60_000} minutes; record the download again`
          : `caregiver ${caller.userId} has no committed download disclosure (AccessLog:recordDownload) for record ${record.recordId}`,
      );
    }
    return canonicalJson({
      ...decided,
      rule: 'caregiver-disclosure',
      recordId: record.recordId,
      accessId: disclosure.accessId,
      basis: disclosure.basis,
      callerEncryptionPublicKey: caller.encryptionPublicKey,
    } satisfies GatewayDecision);
  }

  /**
   * Writing or deleting `objectPointer` in `category` of the patient (`recordObjectPointer`
   * as for reads). An object of a registered record is the patient's alone (his workstation
   * rewrites key envelopes at grant and revoke); a new object may be stored by the patient
   * or by a caregiver with a write grant in force for the category.
   */
  @Transaction(false)
  @Returns('string')
  async authorizeWrite(
    ctx: Context,
    callerCertificatePem: string,
    patientId: string,
    category: string,
    objectPointer: string,
    recordObjectPointer: string,
  ): Promise<string> {
    requireGateway(ctx);
    const patient = parsePatientId('patientId', patientId);
    const parsedCategory = parseCategory('category', category);
    parseObjectUri('objectPointer', objectPointer);
    const base = parseObjectUri('recordObjectPointer', recordObjectPointer);
    const now = txTimeMillis(ctx);
    const caller = await callerOf(ctx, callerCertificatePem);
    const decided = { callerId: caller.userId, callerMspId: caller.mspId, patientId: patient };

    const owner = await readObjectOwner(ctx, base);
    if (caller.role === 'patient') {
      if (caller.userId !== patient || (owner && owner.patientId !== patient)) {
        throw forbidden(
          'patient-own-records',
          `patient ${caller.userId} may only store objects of his own records`,
        );
      }
      return canonicalJson({
        ...decided,
        rule: 'patient-self',
        ...(owner ? { recordId: owner.recordId } : {}),
      } satisfies GatewayDecision);
    }
    if (caller.role !== 'caregiver') {
      throw forbidden(
        'patient-or-caregiver',
        `${caller.userId} is an ${caller.role}, who stores no records`,
      );
    }
    if (owner) {
      throw forbidden(
        'registered-object',
        `object ${base} belongs to a registered record; only its patient may change it`,
      );
    }
    if (!(await findWriteGrant(ctx, patient, caller.userId, parsedCategory, now))) {
      throw forbidden(
        'caregiver-write-grant',
        `caregiver ${caller.userId} has no write permission in force for ${parsedCategory} of patient ${patient} at ${toIsoTime(now)}`,
      );
    }
    return canonicalJson({ ...decided, rule: 'caregiver-write-grant' } satisfies GatewayDecision);
  }
}

function requireGateway(ctx: Context): void {
  const role = ctx.clientIdentity.getAttributeValue(GATEWAY_ATTRIBUTE.name);
  if (role !== GATEWAY_ATTRIBUTE.value) {
    throw forbidden(
      'gateway-role',
      `only a hospital's record gateway (certificate attribute ${GATEWAY_ATTRIBUTE.name}=${GATEWAY_ATTRIBUTE.value}) asks this; the signer has ${GATEWAY_ATTRIBUTE.name}=${role ?? '(none)'}`,
    );
  }
}

/** The directory user a card certificate belongs to, unless his hospital revoked it. */
async function callerOf(ctx: Context, certificatePem: string): Promise<DirectoryUser> {
  let fingerprint: string;
  try {
    fingerprint = certificateFingerprint(requireString('callerCertificatePem', certificatePem));
  } catch {
    throw invalidArgument('callerCertificatePem', 'not a PEM X.509 certificate');
  }
  const revoked = await readText(ctx, keys.revokedCertificate(ctx, fingerprint));
  if (revoked !== null) {
    throw forbidden(
      'revoked-user',
      `user ${revoked} was revoked by his hospital (certificate sha256 ${fingerprint})`,
    );
  }
  const user = await readUserByCertificate(ctx, fingerprint);
  if (!user) {
    throw forbidden(
      'registered-user',
      `the certificate (sha256 ${fingerprint}) is not registered in the directory`,
    );
  }
  return user;
}
