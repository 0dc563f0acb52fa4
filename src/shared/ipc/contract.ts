// The one IPC contract. Every channel is declared here once: its argument schema (checked
// in the main process before any handler runs) and its result type. The preload derives
// `window.ehr` from this table and the main process registers its handlers from it, so a
// channel cannot exist on one side only.
import { z } from 'zod';
import { SETTING_KEYS, type SettingKey, type Settings } from '../settings';
import type { Role } from '../roles';
import { CHANNEL_NAMES, type ChannelName, type EventName } from './channels';

/** Declares a result type without a runtime value: results are produced by our own code. */
function returns<T>(): T {
  return undefined as T;
}

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
}

export type FieldCheck = { valid: true; detail?: string } | { valid: false; message: string };

export type Session =
  | { state: 'signed-out'; reason: string }
  | {
      state: 'signed-in';
      user: { id: string; displayName: string; role: Role; mspId: string };
    };

export interface CardSummary {
  serial: string;
  label: string;
  manufacturer: string;
}

export interface EventPayloads {
  sessionChanged: Session;
}

export const contract = {
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
            storageEndpoint: optionalSetting,
            storageBucket: optionalSetting,
            storageRegion: optionalSetting,
            pkcs11ModulePath: optionalSetting,
            pacsUrl: optionalSetting,
          } satisfies Record<SettingKey, z.ZodType>)
          .strict(),
      })
      .strict(),
    result: returns<Settings>(),
  },
  getSession: { args: z.undefined(), result: returns<Session>() },
  listCards: { args: z.undefined(), result: returns<CardSummary[]>() },
  signIn: {
    args: z
      .object({
        pin: z.string().min(4, 'A PIN has at least 4 characters').max(64),
        serial: z.string().min(1).max(64).optional(),
      })
      .strict(),
    result: returns<Session>(),
  },
  signOut: { args: z.undefined(), result: returns<Session>() },
} as const satisfies Record<ChannelName, { args: z.ZodType; result: unknown }>;

export type Contract = typeof contract;
// Both directions: every contract entry has a name in channels.ts and vice versa.
type _NoExtraChannels = keyof Contract extends ChannelName ? true : never;
const _noExtraChannels: _NoExtraChannels = true;
void _noExtraChannels;
export type ArgsIn<C extends ChannelName> = z.input<Contract[C]['args']>;
export type ArgsOut<C extends ChannelName> = z.output<Contract[C]['args']>;
export type ResultOf<C extends ChannelName> = Contract[C]['result'];

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(contract, name);
}

export type { SettingKey, ChannelName, EventName };
export { CHANNEL_NAMES };
export { ipcChannel } from './channels';
