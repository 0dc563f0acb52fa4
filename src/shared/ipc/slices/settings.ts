// Connection settings and what the app is.
import { z } from 'zod';
import { SETTING_KEYS, type SettingKey, type Settings } from '../../settings';
import { returns } from './returns';

const settingKey = z.enum(SETTING_KEYS);
const settingValue = z.string().max(4096);
// Absent = leave as is; null or '' = clear.
const optionalSetting = settingValue.nullable().optional();

export interface AppInfo {
  name: string;
  version: string;
  /** True on a clinic kiosk: settings are locked and the window cannot be left. */
  kiosk: boolean;
  /** Where the UI runs: the Electron shell, or Chromium driven by the harness. */
  shell: 'electron' | 'browser-harness';
  /** Seconds without use after which the UI warns, then signs out (hospital IT's policy). */
  idleLogoffSeconds: number;
}

export type FieldCheck = { valid: true; detail?: string } | { valid: false; message: string };

export const settingsContract = {
  getAppInfo: { args: z.undefined(), result: returns<AppInfo>() },
  getSettings: { args: z.undefined(), result: returns<Settings>() },
  checkSetting: {
    args: z.object({ key: settingKey, value: settingValue }).strict(),
    result: returns<FieldCheck>(),
  },
  saveSettings: {
    args: z
      .object({
        values: z
          .object({
            peerEndpoint: optionalSetting,
            peerTlsCaPath: optionalSetting,
            mspId: optionalSetting,
            pkcs11ModulePath: optionalSetting,
            pacsUrl: optionalSetting,
            ehrUrl: optionalSetting,
            caUrl: optionalSetting,
            caTlsCaPath: optionalSetting,
          } satisfies Record<SettingKey, z.ZodType>)
          .strict(),
      })
      .strict(),
    result: returns<Settings>(),
  },
};
