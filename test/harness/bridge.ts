/// <reference lib="dom" />
// Stands in for the preload inside Chromium: builds window.ehr with the very same
// createEhrApi the preload uses, but each call crosses to Node through a Playwright
// binding instead of ipcRenderer. The main-process side (dispatcher + handler table) is
// the real one.
import { createEhrApi } from '../../src/shared/ipc/api';

declare global {
  interface Window {
    __ehrInvoke: (channel: string, args: unknown) => Promise<unknown>;
    __ehrEmit: (event: string, payload: unknown) => void;
  }
}

// Events from Node arrive through page.evaluate(__ehrEmit), as ipcRenderer.on would deliver.
const listeners = new Map<string, Set<(payload: unknown) => void>>();
Object.defineProperty(window, '__ehrEmit', {
  value: (event: string, payload: unknown) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  },
});

/** The performance measure each call that carried bytes leaves (see below). */
const SHELL_TRANSPORT = 'ehr-shell-transport';

/** Puts back the byte arrays the shell parked (see ParkedBytes in browser-shell.ts). */
async function unpark(value: unknown): Promise<{ value: unknown; carriedBytes: boolean }> {
  const buffers = new Map<string, Promise<ArrayBuffer>>();
  const fetchOnce = (path: string) => {
    let buffer = buffers.get(path);
    if (!buffer) {
      buffer = fetch(path).then((response) => {
        if (!response.ok) throw new Error('the workstation sent other bytes than it said');
        return response.arrayBuffer();
      });
      buffers.set(path, buffer);
    }
    return buffer;
  };
  const walk = async (v: unknown): Promise<unknown> => {
    if (Array.isArray(v)) return Promise.all(v.map(walk));
    if (v && typeof v === 'object') {
      const parked = v as { __ehrParkedBytes?: string; offset?: number; length?: number };
      if (
        typeof parked.__ehrParkedBytes === 'string' &&
        typeof parked.offset === 'number' &&
        typeof parked.length === 'number'
      ) {
        const buffer = await fetchOnce(parked.__ehrParkedBytes);
        if (parked.offset + parked.length > buffer.byteLength)
          throw new Error('the workstation sent other bytes than it said');
        return new Uint8Array(buffer, parked.offset, parked.length);
      }
      const entries = await Promise.all(
        Object.entries(v).map(async ([k, x]) => [k, await walk(x)] as const),
      );
      return Object.fromEntries(entries);
    }
    return v;
  };
  const restored = await walk(value);
  return { value: restored, carriedBytes: buffers.size > 0 };
}

Object.defineProperty(window, 'ehr', {
  value: createEhrApi(
    async (channel, args) => {
      const answer = await window.__ehrInvoke(channel, args);
      const arrived = performance.now();
      const { value, carriedBytes } = await unpark(answer);
      // The time the shell's own byte transport took, where Electron's IPC would carry the
      // bytes: the record-flow bench reports it beside its figure.
      if (carriedBytes) performance.measure(SHELL_TRANSPORT, { start: arrived });
      return value;
    },
    (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  ),
  writable: false,
  configurable: false,
});
