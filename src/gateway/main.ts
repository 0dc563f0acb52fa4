// Runs one hospital's record gateway as a process:
//   tsx src/gateway/main.ts --profile <own profile.json> --trust <profile.json>... \
//     --bucket <name> --s3-endpoint <url> --port <n> [--emergency-key <pem file>]
//     [--owner-pid <pid>] [--lifetime-ms <ms>]
// The emergency key (created there when missing; emergency-key.ts) is what break-glass
// openings of this hospital's records are decrypted through; its public half is published
// on the ledger with the gateway.
// The bucket's credentials come from the environment (EHR_GATEWAY_S3_ACCESS_KEY_ID,
// EHR_GATEWAY_S3_SECRET_ACCESS_KEY): the gateway is their only holder. It signs its ledger
// queries with the service identity of its own profile (identities.gateway, a software key
// in the devnet state dir). It stops when its owner process is gone or its lifetime is up.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startGatewayFromProfile, type GatewayProfile } from './from-profile';
import { loadEmergencyKey } from './emergency-key';
import { emergencyRecipientId } from '../shared/gateway/protocol';

const readProfile = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as GatewayProfile;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string' },
      trust: { type: 'string', multiple: true },
      bucket: { type: 'string' },
      's3-endpoint': { type: 'string' },
      's3-region': { type: 'string', default: 'us-east-1' },
      port: { type: 'string' },
      'emergency-key': { type: 'string' },
      'owner-pid': { type: 'string' },
      'lifetime-ms': { type: 'string' },
    },
  });
  const accessKeyId = process.env.EHR_GATEWAY_S3_ACCESS_KEY_ID;
  const secretAccessKey = process.env.EHR_GATEWAY_S3_SECRET_ACCESS_KEY;
  if (!values.profile || !values.bucket || !values['s3-endpoint'] || !values.port) {
    throw new Error('--profile, --bucket, --s3-endpoint and --port are required');
  }
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      'EHR_GATEWAY_S3_ACCESS_KEY_ID and EHR_GATEWAY_S3_SECRET_ACCESS_KEY must be set',
    );
  }
  const own = readProfile(values.profile);
  const gateway = await startGatewayFromProfile(own, (values.trust ?? []).map(readProfile), {
    port: Number(values.port),
    bucket: values.bucket,
    s3: {
      endpoint: values['s3-endpoint'],
      region: values['s3-region'],
      accessKeyId,
      secretAccessKey,
    },
    onAnswer: (line) => console.log(`${new Date().toISOString()} ${line}`),
    ...(values['emergency-key']
      ? { emergencyKey: loadEmergencyKey(values['emergency-key'], emergencyRecipientId(own.mspId)) }
      : {}),
  });
  console.log(`record gateway of ${own.mspId} listening at ${gateway.url}`);

  const stop = async (why: string) => {
    console.log(`record gateway stopping: ${why}`);
    await gateway.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  const ownerPid = values['owner-pid'] ? Number(values['owner-pid']) : undefined;
  if (ownerPid) {
    setInterval(() => {
      try {
        process.kill(ownerPid, 0);
      } catch {
        void stop(`owner ${ownerPid} is gone`);
      }
    }, 1000).unref();
  }
  if (values['lifetime-ms']) {
    setTimeout(() => void stop('lifetime is up'), Number(values['lifetime-ms'])).unref();
  }
}

main().catch((error: unknown) => {
  console.error(`record gateway failed to start: ${(error as Error).message}`);
  process.exit(1);
});
