// The workstation's local SQLite database: settings now, the ledger metadata cache later.
// WAL so readers never wait on the event-sync writer; synchronous=FULL because a cache
// checkpoint must not be lost with the data it describes.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { EhrError } from '../errors';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file);
  } catch (error) {
    throw new EhrError(
      'STORAGE_FAILURE',
      `The workstation database at ${file} could not be opened: ${(error as Error).message}`,
    );
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, migrations: readonly Migration[]): void {
  const newest = migrations.at(-1)?.version ?? 0;
  const current = schemaVersion(db);
  if (current > newest) {
    db.close();
    throw new EhrError(
      'STORAGE_FAILURE',
      `The workstation database is at schema version ${current}, newer than this version of the workstation knows (${newest}). Update the workstation.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
