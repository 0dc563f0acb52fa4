// Preload: exposes exactly one object, window.ehr, derived from the IPC contract. Nothing
// of Electron or Node reaches the page; every call goes through ipcRenderer.invoke on a
// contract channel, where the main process validates it.
import { contextBridge, ipcRenderer } from 'electron';
import { createEhrApi } from '../shared/ipc/api';
import { ipcChannel } from '../shared/ipc/channels';

contextBridge.exposeInMainWorld(
  'ehr',
  createEhrApi((channel, args) => ipcRenderer.invoke(ipcChannel(channel), args)),
);
