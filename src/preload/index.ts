// Preload: exposes exactly one object, window.ehr, derived from the IPC contract. Nothing
// of Electron or Node reaches the page; every call goes through ipcRenderer.invoke on a
// contract channel, where the main process validates it.
import { contextBridge, ipcRenderer } from 'electron';
import { createEhrApi } from '../shared/ipc/api';
import { ipcChannel, ipcEventChannel } from '../shared/ipc/channels';

contextBridge.exposeInMainWorld(
  'ehr',
  createEhrApi(
    (channel, args) => ipcRenderer.invoke(ipcChannel(channel), args),
    (event, listener) => {
      // The page gets the payload only, never Electron's event object.
      const forward = (_event: unknown, payload: unknown) => listener(payload);
      ipcRenderer.on(ipcEventChannel(event), forward);
      return () => ipcRenderer.off(ipcEventChannel(event), forward);
    },
  ),
);
