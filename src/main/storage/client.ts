// Builds the one S3Client the store talks through.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import type { StorageSettings, StorageTuning } from './settings';

export function createS3Client(settings: StorageSettings, tuning: StorageTuning): S3Client {
  // keepAlive: a multipart upload is dozens of requests to the same host; reusing connections
  // saves a TCP (and TLS) handshake per part. maxSockets leaves room for every part in flight
  // plus a control request (create/complete/abort) and a download.
  const agentOptions = { keepAlive: true, maxSockets: tuning.queueSize + 2 };
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: {
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
    },
    // Retries are ours (retry.ts): one policy, one budget, never a retried 4xx.
    maxAttempts: 1,
    // A wrong region must be reported, not silently followed to another service.
    followRegionRedirects: false,
    requestHandler: {
      connectionTimeout: tuning.connectTimeoutMs,
      // An idle-socket limit rather than a whole-request limit: a 200 MB study on a slow
      // hospital uplink may take minutes, but a silent socket for this long is a dead one.
      socketTimeout: tuning.idleTimeoutMs,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
    },
  });
}
