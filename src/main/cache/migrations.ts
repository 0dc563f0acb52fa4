// Versioned schema migrations, applied in order, each in its own transaction. Never edit
// a migration that has shipped: add a new one. The version lives in PRAGMA user_version.
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'connection settings',
    sql: `
      CREATE TABLE settings (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    description: 'ledger event cache and its checkpoint',
    sql: `
      -- Where the chaincode-event stream stopped, written in the same transaction as the
      -- events it covers, so a crash can neither lose nor repeat one.
      CREATE TABLE ledger_checkpoints (
        stream       TEXT PRIMARY KEY,
        block_number INTEGER NOT NULL,
        tx_id        TEXT NOT NULL,
        updated_at   TEXT NOT NULL
      ) STRICT;
      -- Every chaincode event applied, once (tx_id is the key: a repeat would fail loudly).
      -- Each payload carries the whole stored object, so views read from here.
      CREATE TABLE ledger_events (
        tx_id        TEXT PRIMARY KEY,
        block_number INTEGER NOT NULL,
        event_type   TEXT NOT NULL,
        patient_id   TEXT,
        break_glass  INTEGER NOT NULL,
        tx_time      TEXT NOT NULL,
        payload      TEXT NOT NULL
      ) STRICT;
      CREATE INDEX ledger_events_by_patient ON ledger_events (patient_id, block_number);
    `,
  },
];
