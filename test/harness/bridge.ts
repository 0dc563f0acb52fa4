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

/** Puts back the byte arrays the shell parked (see ParkedBytes in browser-shell.ts). */
async function unpark(value: unknown): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map(unpark));
  if (value && typeof value === 'object') {
    const parked = value as { __ehrParkedBytes?: string; length?: number };
    if (typeof parked.__ehrParkedBytes === 'string' && typeof parked.length === 'number') {
      const response = await fetch(parked.__ehrParkedBytes);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (!response.ok || bytes.byteLength !== parked.length)
        throw new Error('the workstation sent other bytes than it said');
      return bytes;
    }
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await unpark(v)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

Object.defineProperty(window, 'ehr', {
  value: createEhrApi(
    async (channel, args) => unpark(await window.__ehrInvoke(channel, args)),
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
