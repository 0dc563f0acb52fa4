// Use cases: the hospital's record gateway on the ledger. Every workstation of the channel
// finds each hospital's gateway there (storage/record-storage.ts), so hospital IT sets it in
// one place: the administrator gives its URL, the workstation asks the gateway what it
// serves (its bucket and the public half of its emergency key, GET /v1/info) and his card
// signs HospitalServices:publishRecordGateway. Moving the gateway is publishing again.
import type { RecordGatewayView } from '../../shared/ipc/contract';
import { INFO_PATH, type GatewayInfo } from '../../shared/gateway/protocol';
import type { RecordGatewayEntry } from '../../shared/ledger';
import { checkHttpUrl } from '../../shared/settings';
import type { SignedInServices } from '../app/signed-in-services';
import { EhrError } from '../errors';
import { withOutcome } from '../failures';
import { requireAdmin } from './admin-deps';
import { keyIdOf, publicKeyFromPem } from '../vault/envelope';

const INFO_TIMEOUT_MS = 10_000;

/** The start of the key's id as envelopes name it (SHA-256 of its SPKI), to compare by eye. */
function keyFingerprint(pem: string): string {
  return keyIdOf(publicKeyFromPem(pem)).slice(0, 16);
}

function gatewayView(entry: RecordGatewayEntry, ownMspId: string): RecordGatewayView {
  return {
    mspId: entry.mspId,
    url: entry.url,
    bucket: entry.bucket,
    emergencyKeyFingerprint: keyFingerprint(entry.emergencyPublicKey),
    publishedAt: entry.publishedAt,
    ours: entry.mspId === ownMspId,
  };
}

export async function listRecordGateways(services: SignedInServices): Promise<RecordGatewayView[]> {
  requireAdmin(services);
  return withOutcome('The record gateways could not be read.', async () =>
    (await services.ledger.listRecordGateways()).map((g) => gatewayView(g, services.user.mspId)),
  );
}

/** What the gateway at `url` says it serves; each way it can fail says so. */
async function askGatewayInfo(url: string, signal?: AbortSignal): Promise<GatewayInfo> {
  let res: Response;
  try {
    res = await fetch(new URL(INFO_PATH, `${url}/`), {
      signal: signal ?? AbortSignal.timeout(INFO_TIMEOUT_MS),
    });
  } catch {
    throw new EhrError(
      'STORAGE_UNAVAILABLE',
      `Nothing answers at ${url}. Check the address of your hospital’s record gateway; nothing was published.`,
    );
  }
  const info = (await res.json().catch(() => null)) as Partial<GatewayInfo> | null;
  if (!res.ok || info?.service !== 'action-ehr-record-gateway' || typeof info.bucket !== 'string') {
    throw new EhrError(
      'NOT_CONFIGURED',
      `${url} answers, but it is not an ACTION-EHR record gateway; nothing was published.`,
    );
  }
  if (!info.emergencyPublicKey) {
    throw new EhrError(
      'NOT_CONFIGURED',
      `The record gateway at ${url} holds no emergency key, so break-glass could not decrypt its records. Start it with --emergency-key; nothing was published.`,
    );
  }
  return info as GatewayInfo;
}

export async function publishRecordGateway(
  services: SignedInServices,
  request: { url: string },
): Promise<RecordGatewayView> {
  requireAdmin(services);
  const url = request.url.trim().replace(/\/+$/, '');
  const problem = checkHttpUrl(url, 'https://records.hospital-a.example');
  if (problem) {
    throw new EhrError('INVALID_ARGUMENT', `${problem} Nothing was published.`, { url: problem });
  }
  const info = await askGatewayInfo(url);
  return withOutcome('Nothing was published.', async () => {
    const { value } = await services.ledger.publishRecordGateway(
      url,
      info.bucket,
      info.emergencyPublicKey!,
    );
    return gatewayView(value, services.user.mspId);
  });
}
