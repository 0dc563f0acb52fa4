/// <reference lib="dom" />
// Stands in for the preload inside Chromium: builds window.ehr with the very same
// createEhrApi the preload uses, but each call crosses to Node through a Playwright
// binding instead of ipcRenderer. The main-process side (dispatcher + handler table) is
// the real one.
import { createEhrApi } from '../../src/shared/ipc/api';

declare global {
  interface Window {
    __ehrInvoke: (channel: string, args: unknown) => Promise<unknown>;
  }
}

Object.defineProperty(window, 'ehr', {
  value: createEhrApi((channel, args) => window.__ehrInvoke(channel, args)),
  writable: false,
  configurable: false,
});
