// Connection settings in the local database. A save is all or nothing: every submitted
// field is checked first, and only when all pass are they written, in one transaction.
import { SETTING_KEYS, emptySettings, type SettingKey, type Settings } from '../../shared/settings';
import type { Db } from '../cache/database';
import { EhrError } from '../errors';
import { checkSetting, type SettingCheckDeps } from './checks';

export type SettingsUpdate = Partial<Record<SettingKey, string | null>>;

export class SettingsStore {
  constructor(
    private readonly db: Db,
    private readonly checkDeps: SettingCheckDeps,
  ) {}

  read(): Settings {
    const settings = emptySettings();
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as {
      key: string;
      value: string;
    }[];
    for (const row of rows) {
      if ((SETTING_KEYS as readonly string[]).includes(row.key)) {
        settings[row.key as SettingKey] = row.value;
      }
    }
    return settings;
  }

  check(key: SettingKey, value: string) {
    return checkSetting(key, value, this.checkDeps);
  }

  async save(update: SettingsUpdate): Promise<Settings> {
    const entries = Object.entries(update) as [SettingKey, string | null][];
    const failures: Record<string, string> = {};
    await Promise.all(
      entries.map(async ([key, value]) => {
        if (value === null || value === '') return;
        const result = await this.check(key, value);
        if (!result.valid) failures[key] = result.message;
      }),
    );
    const failed = Object.keys(failures);
    if (failed.length > 0) {
      throw new EhrError(
        'INVALID_SETTING',
        `Nothing was saved: ${failed.length === 1 ? 'one setting needs' : `${failed.length} settings need`} correcting.`,
        failures,
      );
    }
    const now = new Date().toISOString();
    const upsert = this.db.prepare(
      `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
    const remove = this.db.prepare('DELETE FROM settings WHERE key = ?');
    try {
      this.db.transaction(() => {
        for (const [key, value] of entries) {
          if (value === null || value === '') remove.run(key);
          else upsert.run(key, value, now);
        }
      })();
    } catch (error) {
      throw new EhrError(
        'STORAGE_FAILURE',
        `The settings could not be written to the workstation database: ${(error as Error).message}`,
      );
    }
    return this.read();
  }
}
