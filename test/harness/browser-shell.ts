// The browser shell: serves the built UI on loopback with the app's own security headers,
// opens it in Debian's Chromium through playwright-core, and bridges the real handler
// table in place of Electron's preload. Used by the E2E tests and by `npm start` where no
// Electron binary can be had.
import { build } from 'esbuild';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { AppEvents } from '../../src/main/app/compose';
import type { Dispatch } from '../../src/main/ipc/dispatch';
import { EVENT_NAMES } from '../../src/shared/ipc/channels';
import { serveRendererFile } from '../../src/main/window/renderer-files';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const RENDERER_DIR = join(REPO_ROOT, 'dist', 'renderer');
export const ARTIFACTS_DIR = join(REPO_ROOT, 'artifacts');
export const CHROMIUM_PATH = process.env.EHR_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a quiet, sandbox-free Chromium on a closed network (see the brief). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export interface BrowserShellOptions {
  dispatch: Dispatch;
  /** Main-process events to forward into the page, as Electron's webContents.send does. */
  events?: AppEvents;
  headless?: boolean;
  /** The server and browser stop by themselves after this long. */
  maxLifetimeMs?: number;
  viewport?: { width: number; height: number };
  /** Installs Playwright's clock before the page loads, so a test can move time on. */
  controlledClock?: boolean;
  /** Scripts run in the page before the app's own (e.g. a gate on the viewer's worker). */
  initScripts?: readonly string[];
}

export interface BrowserShell {
  baseUrl: string;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Saves a screenshot under artifacts/<folder>/<name>.png and returns its path. */
  screenshot(folder: string, name: string): Promise<string>;
  close(): Promise<void>;
}

let bridgeSource: Promise<string> | null = null;

function bundleBridge(): Promise<string> {
  bridgeSource ??= build({
    entryPoints: [fileURLToPath(new URL('./bridge.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'warning',
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return bridgeSource;
}

function startRendererServer(parked: ParkedBytes): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path.startsWith(PARKED_PREFIX)) {
      const bytes = parked.take(path);
      res.writeHead(bytes ? 200 : 404, {
        'Content-Type': 'application/octet-stream',
        'Cache-Control': 'no-store',
      });
      res.end(bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : undefined);
      return;
    }
    void serveRendererFile(RENDERER_DIR, path).then((file) => {
      res.writeHead(file.status, file.headers);
      res.end(file.body);
    });
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address !== 'object' || !address) return reject(new Error('no address'));
      resolvePromise({ server, baseUrl: `http://127.0.0.1:${address.port}` });
    });
  });
}

/**
 * What the binding can carry. Playwright serialises a Uint8Array that is a view into a
 * larger buffer (a decrypted record's files are views into one bundle) as empty, one CDP
 * message cannot carry a 100 MB CT series, and bytes through a binding travel as text, far
 * slower than Electron's IPC. So byte arrays travel apart: each backing buffer is parked
 * under an unguessable one-time path of the shell's own loopback server (same origin, so
 * the page's CSP allows the fetch), and the bridge fetches it as binary, putting views of
 * it back in place of the arrays. As with Electron's structured clone, views into one
 * buffer (a record's files) cross once, as that buffer; a small view into a large
 * unrelated buffer (Node's Buffer pool) crosses alone. The first fetch takes the bytes away.
 */
const PARKED_PREFIX = '/__ehr-parked/';

class ParkedBytes {
  private readonly parked = new Map<string, Uint8Array>();

  /** The reply with its byte arrays replaced by where to fetch them. */
  replace(value: unknown): unknown {
    const viewed = new Map<ArrayBufferLike, number>();
    collectViews(value, viewed);
    const paths = new Map<ArrayBufferLike, string>();
    const park = (bytes: Uint8Array) => {
      const id = randomUUID();
      this.parked.set(id, bytes);
      return `${PARKED_PREFIX}${id}`;
    };
    const walk = (v: unknown): unknown => {
      if (v instanceof Uint8Array) {
        const whole = (viewed.get(v.buffer) ?? 0) * 2 >= v.buffer.byteLength;
        if (!whole) return { __ehrParkedBytes: park(v), offset: 0, length: v.byteLength };
        let path = paths.get(v.buffer);
        if (!path) paths.set(v.buffer, (path = park(new Uint8Array(v.buffer))));
        return { __ehrParkedBytes: path, offset: v.byteOffset, length: v.byteLength };
      }
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object') {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      }
      return v;
    };
    return walk(value);
  }

  /** The bytes parked under `path` (once), or null. */
  take(path: string): Uint8Array | null {
    if (!path.startsWith(PARKED_PREFIX)) return null;
    const id = path.slice(PARKED_PREFIX.length);
    const bytes = this.parked.get(id) ?? null;
    this.parked.delete(id);
    return bytes;
  }

  clear(): void {
    this.parked.clear();
  }
}

/** Bytes viewed per backing buffer in a reply. */
function collectViews(value: unknown, viewed: Map<ArrayBufferLike, number>): void {
  if (value instanceof Uint8Array) {
    viewed.set(value.buffer, (viewed.get(value.buffer) ?? 0) + value.byteLength);
  } else if (Array.isArray(value)) {
    for (const v of value) collectViews(v, viewed);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) collectViews(v, viewed);
  }
}

export async function openBrowserShell(options: BrowserShellOptions): Promise<BrowserShell> {
  const bridge = await bundleBridge();
  const parked = new ParkedBytes();
  const { server, baseUrl } = await startRendererServer(parked);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: options.headless ?? true,
    args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 860 },
  });
  // Like Electron's session handlers: the page gets no permissions at all.
  await context.clearPermissions();
  await context.exposeBinding('__ehrInvoke', async (_source, channel: unknown, args: unknown) =>
    parked.replace(await options.dispatch(channel, args)),
  );
  await context.addInitScript({ content: bridge });
  for (const content of options.initScripts ?? []) await context.addInitScript({ content });
  const page = await context.newPage();
  const forwarders = EVENT_NAMES.map((name) => {
    const forward = (payload: unknown) => {
      for (const open of context.pages()) {
        void open
          .evaluate(([event, data]) => window.__ehrEmit(event as string, data), [
            name,
            payload,
          ] as const)
          .catch(() => undefined);
      }
    };
    options.events?.on(name, forward);
    return () => options.events?.off(name, forward);
  });

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    clearTimeout(lifetime);
    for (const stop of forwarders) stop();
    parked.clear();
    await browser.close().catch(() => undefined);
    await new Promise<void>((done) => server.close(() => done()));
  };
  const lifetime = setTimeout(() => void close(), options.maxLifetimeMs ?? 10 * 60_000);
  lifetime.unref();

  if (options.controlledClock) await page.clock.install();
  await page.goto(`${baseUrl}/index.html`);
  return {
    baseUrl,
    browser,
    context,
    page,
    async screenshot(folder, name) {
      const dir = join(ARTIFACTS_DIR, folder);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    close,
  };
}
