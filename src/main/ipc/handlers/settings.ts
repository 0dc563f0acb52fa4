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
  // On a kiosk the renderer may neither check nor save a setting: a check touches the
  // machine (reads a file, loads a library), and nobody at a kiosk configures it.
  const refuseOnKiosk = () => {
    if (appInfo.kiosk) {
      throw new EhrError(
        'KIOSK_LOCKED',
        'Connection settings cannot be checked or changed on a clinic kiosk. Ask your hospital IT.',
      );
    }
  };
  return {
    getAppInfo: () => appInfo,
    getSettings: () => settings.read(),
    checkSetting: ({ key, value }) => {
      refuseOnKiosk();
      return settings.check(key, value);
    },
    saveSettings: ({ values }) => {
      refuseOnKiosk();
      return settings.save(values);
    },
  };
}
