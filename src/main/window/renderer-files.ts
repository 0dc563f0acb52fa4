// Serves the built UI's files: to Electron's app:// protocol and to the E2E harness's
// loopback server alike, so both get the same files with the same security headers.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { rendererResponseHeaders } from './security';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export interface RendererFileResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function plain(status: number, text: string): RendererFileResponse {
  return {
    status,
    headers: rendererResponseHeaders('text/plain; charset=utf-8'),
    body: Buffer.from(text),
  };
}

/** Resolves a URL path inside rendererDir; anything that escapes it is refused. */
export function resolveRendererPath(rendererDir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = normalize(decoded === '/' || decoded === '' ? '/index.html' : decoded);
  const root = resolve(rendererDir);
  const full = resolve(join(root, relative));
  if (full !== root && !full.startsWith(root + sep)) return null;
  return full;
}

export async function serveRendererFile(
  rendererDir: string,
  urlPath: string,
): Promise<RendererFileResponse> {
  const full = resolveRendererPath(rendererDir, urlPath);
  if (!full) return plain(403, 'Forbidden');
  const type = CONTENT_TYPES[extname(full).toLowerCase()];
  if (!type) return plain(404, 'Not found');
  try {
    return { status: 200, headers: rendererResponseHeaders(type), body: await readFile(full) };
  } catch {
    return plain(404, 'Not found');
  }
}
