// S3 put/get throughput on loopback (MinIO built from its Go module) for a 64 MB object,
// each against raw Node HTTP moving the same bytes over loopback in the same run: a PUT into a
// sink that discards them, and a GET from a server holding them in memory. The ratio is what
// S3 costs on top of plain HTTP on this machine (SigV4 signing and payload hashing, checksums,
// MinIO writing to and reading from disk, multipart bookkeeping); larger is better.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ObjectStore } from '../src/main/storage';
import { chunked, minioMissingReason, readAll, startTestS3 } from '../test/storage/helpers';
import type { BenchFigure } from './format';

const SIZE = 64 * 1024 * 1024;
const ROUNDS = 3;
const MB = 1e6;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/** A loopback HTTP server that discards PUT bodies and serves `data` on GET. */
async function rawServer(data: Buffer): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.method === 'PUT') {
      req.resume();
      req.on('end', () => res.end());
      return;
    }
    res.writeHead(200, { 'content-length': data.length });
    void pipeline(chunked(data, 1024 * 1024), res).catch(() => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

function rawPut(port: number, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path: '/sink',
        headers: { 'content-length': data.length },
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    pipeline(Readable.from(chunked(data)), req).catch(reject);
  });
}

function rawGet(port: number, size: number): Promise<void> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/source' }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () => (n === size ? resolve() : reject(new Error(`got ${n} bytes`))));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

export async function run(): Promise<BenchFigure[]> {
  const missing = minioMissingReason();
  if (missing) {
    console.error(`storage bench skipped: ${missing}`);
    return [];
  }
  const data = randomBytes(SIZE);
  const s3 = await startTestS3(10 * 60_000);
  const store = new ObjectStore(s3.settings);
  const raw = await rawServer(data);
  try {
    // Warm up connections, JIT and MinIO's first writes.
    const warm = await store.put(chunked(data.subarray(0, 16 * 1024 * 1024)));
    await readAll(await store.getStream(warm.key));
    await rawPut(raw.port, data);
    await rawGet(raw.port, SIZE);

    const put: number[] = [];
    const get: number[] = [];
    const refPut: number[] = [];
    const refGet: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      let key = '';
      put.push(
        await timed(async () => {
          key = (await store.put(chunked(data))).key;
        }),
      );
      get.push(
        await timed(async () => {
          const body = await store.getStream(key);
          for await (const _chunk of body) {
            // consume only
          }
        }),
      );
      await store.delete(key);
      refPut.push(await timed(() => rawPut(raw.port, data)));
      refGet.push(await timed(() => rawGet(raw.port, SIZE)));
    }
    const rate = (secs: number[]) => SIZE / MB / median(secs);
    return [
      {
        name: 's3_put_64MB_MBps',
        value: rate(put),
        unit: 'MB/s',
        reference: { name: 'raw_http_loopback_put', value: rate(refPut) },
      },
      {
        name: 's3_get_64MB_MBps',
        value: rate(get),
        unit: 'MB/s',
        reference: { name: 'raw_http_loopback_get', value: rate(refGet) },
      },
    ];
  } finally {
    raw.server.closeAllConnections();
    raw.server.close();
    store.close();
    await s3.stop();
  }
}
