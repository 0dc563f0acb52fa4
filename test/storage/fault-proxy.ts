// An HTTP proxy between the store and MinIO that misbehaves on request: answers 503 SlowDown,
// or cuts a response after some bytes, as a congested or flaky hospital network would.
// SigV4 signatures survive it: the client signs the Host it connects to (the proxy's), and
// the proxy forwards that Host header unchanged.
import { createServer, request, type IncomingMessage } from 'node:http';
import { once } from 'node:events';

export type Fault =
  | { kind: 'pass' }
  | { kind: 'status'; status: number; code: string }
  /** Forward the response but destroy the connection after this many body bytes. */
  | { kind: 'cut'; afterBytes: number };

export interface SeenRequest {
  method: string;
  path: string;
  range?: string;
  fault: Fault['kind'];
}

export interface FaultProxy {
  endpoint: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startFaultProxy(
  target: string,
  /** May be async: the request waits (e.g. while the test changes the object). */
  decide: (req: IncomingMessage, index: number) => Fault | Promise<Fault>,
): Promise<FaultProxy> {
  const upstream = new URL(target);
  const seen: SeenRequest[] = [];
  const server = createServer(async (req, res) => {
    req.pause();
    const index = seen.length;
    const entry: SeenRequest = {
      method: req.method ?? '?',
      path: req.url ?? '?',
      fault: 'pass',
      ...(typeof req.headers.range === 'string' ? { range: req.headers.range } : {}),
    };
    seen.push(entry);
    const fault = await decide(req, index);
    entry.fault = fault.kind;
    if (fault.kind === 'status') {
      // Read the whole request first, as a real server would, then refuse it.
      req.resume();
      req.on('end', () => {
        res.writeHead(fault.status, { 'content-type': 'application/xml' });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>injected by the test proxy</Message></Error>`,
        );
      });
      return;
    }
    const headers = { ...req.headers };
    delete headers.expect; // the proxy already answered 100-continue itself
    const up = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
      },
      (upRes) => {
        if (fault.kind === 'cut' && fault.afterBytes === 0) {
          // The service did the work, but its answer never arrives.
          upRes.destroy();
          res.socket?.destroy();
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (fault.kind !== 'cut') {
          upRes.pipe(res);
          return;
        }
        let sent = 0;
        upRes.on('data', (chunk: Buffer) => {
          const room = fault.afterBytes - sent;
          if (room <= 0) return;
          res.write(chunk.subarray(0, room));
          sent += Math.min(room, chunk.length);
          if (sent >= fault.afterBytes) {
            upRes.destroy();
            // Let the bytes written so far reach the client, then drop the connection.
            setTimeout(() => res.socket?.destroy(), 20);
          }
        });
      },
    );
    up.on('error', () => res.socket?.destroy());
    req.pipe(up);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    seen,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}
