// Shared by the tests and benchmarks that need record storage: a real MinIO on loopback with
// a bucket, raw S3 access for checking what the gateways and workstations left behind, and
// byte sources.
import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  cachedMinioBinary,
  minioBinaryPath,
  startMinio,
  type MinioServer,
} from '../../scripts/s3/minio';
import { tempDir } from '../support/tmp';

/** Why MinIO tests are skipped, or undefined when the cached binary is there. */
export function minioMissingReason(): string | undefined {
  if (cachedMinioBinary()) return undefined;
  return `MinIO is not built (${minioBinaryPath()} missing); run \`npx tsx scripts/s3/minio.ts build\` (several minutes) to enable the S3 tests`;
}

/** Where the test bucket is and the root key to it (only gateways and tests hold it). */
export interface StorageSettings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

export interface TestS3 {
  server: MinioServer;
  bucket: string;
  settings: StorageSettings;
  /** Unretried raw SDK client with root credentials, to inspect the bucket directly. */
  raw: S3Client;
  stop(): Promise<void>;
}

export async function startTestS3(lifetimeMs = 5 * 60_000): Promise<TestS3> {
  const dir = tempDir('minio');
  const server = await startMinio({ dataDir: dir.path, lifetimeMs });
  const bucket = `records-${randomBytes(4).toString('hex')}`;
  const settings: StorageSettings = {
    endpoint: server.endpoint,
    bucket,
    region: server.region,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    forcePathStyle: true,
  };
  const raw = new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    maxAttempts: 1,
  });
  await raw.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    server,
    bucket,
    settings,
    raw,
    async stop() {
      raw.destroy();
      await server.stop();
      dir.cleanup();
    },
  };
}

/** Whether an object exists, asked without the store under test. */
export async function objectExists(s3: TestS3, key: string): Promise<boolean> {
  try {
    await s3.raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    return true;
  } catch (e) {
    if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
      return false;
    }
    throw e;
  }
}

/** Multipart uploads started for `key` and neither completed nor aborted. */
export async function pendingUploads(s3: TestS3, key: string): Promise<string[]> {
  const out = await s3.raw.send(
    new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: key }),
  );
  return (out.Uploads ?? []).map((u) => u.UploadId ?? '?');
}

/** Yields `data` in chunks of an odd size, so part boundaries never line up with chunks. */
export async function* chunked(data: Buffer, chunk = 1_000_003): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += chunk) {
    yield data.subarray(at, Math.min(at + chunk, data.length));
    // Let other work run, as a real producer (the vault's encryptor) would.
    if ((at / chunk) % 8 === 0) await new Promise((r) => setImmediate(r));
  }
}

export async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return Buffer.concat(parts);
}
