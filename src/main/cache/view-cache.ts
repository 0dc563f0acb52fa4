// The last answer of each view a signed-in user opened, as the chaincode's own queries gave
// it to him: his records, grants, history, what was shared with him, the directory. Rows
// are per user and replaced whole; nothing decrypted is ever written here.
import type { Db } from './database';

export const VIEW_NAMES = [
  'records',
  'grants',
  'shared',
  'history',
  'caregivers',
  // The admin's review list, the patient's notices, the caregiver's sessions in force.
  'break-glass',
  'users',
] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

export interface CachedView<T> {
  value: T;
  asOf: string;
}

export class ViewCache {
  constructor(private readonly db: Db) {}

  read<T>(owner: string, view: ViewName, scope = ''): CachedView<T> | null {
    const row = this.db
      .prepare('SELECT json, as_of FROM view_cache WHERE owner_id = ? AND view = ? AND scope = ?')
      .get(owner, view, scope) as { json: string; as_of: string } | undefined;
    return row ? { value: JSON.parse(row.json) as T, asOf: row.as_of } : null;
  }

  write(owner: string, view: ViewName, scope: string, value: unknown, asOf: string): void {
    this.db
      .prepare(
        `INSERT INTO view_cache (owner_id, view, scope, json, as_of) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(owner_id, view, scope) DO UPDATE SET json = excluded.json, as_of = excluded.as_of`,
      )
      .run(owner, view, scope, JSON.stringify(value), asOf);
  }

  /** The views this user has cached (what an event may need to refresh). */
  cached(owner: string): { view: ViewName; scope: string }[] {
    return this.db.prepare('SELECT view, scope FROM view_cache WHERE owner_id = ?').all(owner) as {
      view: ViewName;
      scope: string;
    }[];
  }

  delete(owner: string, view: ViewName, scope: string): void {
    this.db
      .prepare('DELETE FROM view_cache WHERE owner_id = ? AND view = ? AND scope = ?')
      .run(owner, view, scope);
  }

  forget(owner: string): void {
    this.db.prepare('DELETE FROM view_cache WHERE owner_id = ?').run(owner);
  }
}
