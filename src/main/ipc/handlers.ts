// The handler table: one plain function per contract channel. It imports nothing from
// Electron, so the same table serves the Electron shell, the E2E harness and unit tests.
import type { AppInfo } from '../../shared/ipc/contract';
import { EhrError } from '../errors';
import type { SessionSource } from '../session/session';
import type { SettingsStore } from '../settings/store';
import type { HandlerTable } from './dispatch';

export interface HandlerDeps {
  appInfo: AppInfo;
  settings: SettingsStore;
  session: SessionSource;
}

export function createHandlerTable({ appInfo, settings, session }: HandlerDeps): HandlerTable {
  return {
    getAppInfo: () => appInfo,
    getSettings: () => settings.read(),
    checkSetting: ({ key, value }) => settings.check(key, value),
    saveSettings: ({ values }) => {
      if (appInfo.kiosk) {
        throw new EhrError(
          'KIOSK_LOCKED',
          'Connection settings cannot be changed on a clinic kiosk. Ask your hospital IT.',
        );
      }
      return settings.save(values);
    },
    getSession: () => session.current(),
    listCards: () => session.listCards(),
    signIn: ({ pin, serial }) => session.signIn({ pin, serial }),
    signOut: () => session.signOut(),
  };
}
