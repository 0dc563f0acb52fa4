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

Object.defineProperty(window, 'ehr', {
  value: createEhrApi(
    (channel, args) => window.__ehrInvoke(channel, args),
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
