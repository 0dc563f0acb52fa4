import type { AppInfo } from '../../../shared/ipc/contract';
import { EhrError } from '../../errors';
import type { SettingsStore } from '../../settings/store';
import type { HandlersOf } from '../dispatch';
import type { settingsContract } from '../../../shared/ipc/slices/settings';

export function settingsHandlers(deps: {
  appInfo: AppInfo;
  settings: SettingsStore;
}): HandlersOf<typeof settingsContract> {
  const { appInfo, settings } = deps;
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
  };
}
