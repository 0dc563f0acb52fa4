// Presigned-URL issue latency at a hospital's record gateway (p50, p95): a signed request
// verified, decided by RecordGateway:authorizeRead on the gateway's own peer, and presigned.
// Reference in the same run: that same query evaluated directly through the same peer
// connection — the floor of any answer that asks the ledger — so the ratio (lower is
// better) is what signature checks, HTTP and presigning add on top.
// The requests are signed with a software key: this measures the gateway, not a card.
import { createHash, randomBytes } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startGateway } from '../src/gateway/server';
import { signPresignRequest } from '../src/main/gateway-client/sign-request';
import { companionKey, newObjectKey } from '../src/main/storage/keys';
import { PRESIGN_PATH, type PresignRequest } from '../src/shared/gateway/protocol';
import { ledgerSkipReason, startLedgerNetwork } from '../test/support/ledger-network';
import { channelRoots } from '../test/support/record-gateway';
import { minioMissingReason, startTestS3 } from '../test/storage/helpers';
import type { BenchFigure } from './format';

const REQUESTS = 200;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function timings(count: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 20; i++) await fn(); // warm up connections and JIT
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

export async function run(): Promise<BenchFigure[]> {
  const skip = ledgerSkipReason() ?? minioMissingReason();
  if (skip) {
    console.error(`gateway bench skipped: ${skip}`);
    return [];
  }
  const [net, s3] = await Promise.all([startLedgerNetwork(1), startTestS3(10 * 60_000)]);
  try {
    const patient = net.enrol(0, `pat-${randomBytes(16).toString('hex')}`, { role: 'patient' });
    await net.registerInDirectory(0, patient, 'patient');
    const key = newObjectKey();
    await s3.raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: 'x' }));
    const pointer = `s3://${s3.bucket}/${key}`;
    await net.connect(0, patient).ledger.addRecord({
      patientId: patient.id,
      category: 'dose',
      storagePointer: pointer,
      sha256: createHash('sha256').update('x').digest('hex'),
      sizeBytes: 1,
      contentType: 'application/dicom',
      keyEnvelopeRef: `s3://${s3.bucket}/${companionKey(key, 'keys')}`,
    });

    const service = net.enrol(0, `gateway-bench-${randomBytes(4).toString('hex')}`, {
      role: 'gateway',
    });
    const profile = net.profile(0);
    const contract = net
      .connect(0, service)
      .connection.gateway.getNetwork(profile.channel)
      .getContract(profile.chaincode);
    const gateway = await startGateway({
      port: 0,
      bucket: s3.bucket,
      s3: { ...s3.settings },
      contract,
      trustedRoots: channelRoots(net),
    });
    try {
      const request: PresignRequest = { operation: 'read', patientId: patient.id, objectKey: key };
      const signer = {
        certificatePem: patient.certificatePem,
        signDigest: patient.identity.signDigest,
      };
      const viaGateway = await timings(REQUESTS, async () => {
        const signed = await signPresignRequest(request, signer);
        const res = await fetch(`${gateway.url}${PRESIGN_PATH}`, {
          method: 'POST',
          body: signed.body,
          headers: signed.headers,
        });
        if (res.status !== 200)
          throw new Error(`gateway answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      });
      const direct = await timings(REQUESTS, () =>
        contract.evaluateTransaction(
          'RecordGateway:authorizeRead',
          patient.certificatePem,
          patient.id,
          pointer,
          pointer,
        ),
      );
      const directP50 = quantile(direct, 0.5);
      const reference = { name: 'authorizeRead-evaluate-p50', value: directP50 };
      return [
        { name: 'gateway.authorizeRead.evaluate.p50', value: directP50, unit: 'ms' },
        {
          name: 'gateway.presign.read.p50.lower_is_better',
          value: quantile(viaGateway, 0.5),
          unit: 'ms',
          reference,
        },
        {
          name: 'gateway.presign.read.p95.lower_is_better',
          value: quantile(viaGateway, 0.95),
          unit: 'ms',
          reference,
        },
      ];
    } finally {
      await gateway.close();
    }
  } finally {
    await net.stop();
    await s3.stop();
  }
}
