import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { EhrContract } from './ehr-contract';
import { requireAnyAdmin } from '../auth/hospital-admin';
import { conflict, invalidArgument } from '../errors';
import { applyChange } from '../ledger/change';
import { canonicalJson } from '../ledger/canonical-json';
import { buildEvent, EventName } from '../ledger/events';
import { KeyType, keys } from '../ledger/keys';
import { readJsonRange, readText } from '../ledger/state';
import { txTimeIso } from '../ledger/tx-time';
import type { RecordGatewayEntry } from '../model/record-gateway-entry';
import { matchPattern } from '../validation/primitives';
import { parseEncryptionPublicKey } from '../validation/public-key';

/** http(s) base URL of a service, printable ASCII, no query or fragment. */
const SERVICE_URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[\x21-\x22\x24-\x3e\x40-\x7e]*)?$/;
const MAX_URL_LENGTH = 512;
/** S3's bucket naming rule (lowercase, digits, dots, hyphens; 3–63 characters). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The hospitals' shared services, published by each hospital's administrator so every
 * workstation of the channel finds them on the ledger rather than in its own settings.
 */
@Info({ title: 'HospitalServices', description: "Where each hospital's services answer" })
export class HospitalServicesContract extends EhrContract {
  constructor() {
    super('HospitalServices');
  }

  /**
   * An administrator publishes (or moves) his hospital's record gateway, the bucket it
   * serves and the public half of its emergency key (RecordGatewayEntry). A bucket belongs to one hospital: the records pointing into it are fetched only
   * through that hospital's gateway, so another hospital cannot claim it.
   */
  @Transaction()
  @Returns('string')
  async publishRecordGateway(
    ctx: Context,
    url: string,
    bucket: string,
    emergencyPublicKeyPem: string,
  ): Promise<string> {
    const mspId = requireAnyAdmin(ctx, "publish their hospital's record gateway");
    const base = matchPattern(
      'url',
      url,
      SERVICE_URL,
      'an http(s) URL such as https://records.hospital-a.example',
    );
    if (base.length > MAX_URL_LENGTH) {
      throw invalidArgument('url', `must be at most ${MAX_URL_LENGTH} characters`);
    }
    const name = matchPattern(
      'bucket',
      bucket,
      BUCKET,
      'an S3 bucket name such as hospital-a-records',
    );
    const emergencyKey = parseEncryptionPublicKey('emergencyPublicKeyPem', emergencyPublicKeyPem);
    if (emergencyKey.type !== 'ec-p256') {
      throw invalidArgument(
        'emergencyPublicKeyPem',
        'must be an EC P-256 key (the envelopes use ECDH on P-256)',
      );
    }
    const owner = await readText(ctx, keys.recordGatewayByBucket(ctx, name));
    if (owner !== null && owner !== mspId) {
      throw conflict(
        'bucket',
        `bucket ${name} is already served by the record gateway of ${owner}`,
      );
    }
    const entry: RecordGatewayEntry = {
      mspId,
      url: base.replace(/\/+$/, ''),
      bucket: name,
      emergencyPublicKey: emergencyKey.pem,
      publishedAt: txTimeIso(ctx),
      publishedBy: ctx.clientIdentity.getID(),
    };
    await applyChange(
      ctx,
      [
        { key: keys.recordGateway(ctx, mspId), json: entry },
        { key: keys.recordGatewayByBucket(ctx, name), text: mspId },
      ],
      buildEvent(ctx, EventName.recordGatewayPublished, null),
    );
    return canonicalJson(entry);
  }

  /** Every hospital's record gateway, ordered by hospital. Names no person, so any member may read it. */
  @Transaction(false)
  @Returns('string')
  async listRecordGateways(ctx: Context): Promise<string> {
    return canonicalJson(await readJsonRange<RecordGatewayEntry>(ctx, KeyType.recordGateway, []));
  }
}
