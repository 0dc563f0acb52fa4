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
  {
    version: 3,
    description: 'per-user view cache; the event journal keeps no payloads',
    sql: `
      -- The event stream is a trigger to re-query what an event touches; the query is the
      -- truth. So the journal keeps which events each user's stream applied (exactly once),
      -- never their payloads: other patients' events leave no data here.
      DROP INDEX ledger_events_by_patient;
      DROP TABLE ledger_events;
      CREATE TABLE ledger_events (
        stream       TEXT NOT NULL,
        tx_id        TEXT NOT NULL,
        block_number INTEGER NOT NULL,
        event_type   TEXT NOT NULL,
        PRIMARY KEY (stream, tx_id)
      ) STRICT;
      -- The last answer of each view the signed-in user opened (what the chaincode's own
      -- queries returned to him), so screens open at once and still show something, with
      -- its time, when the peer cannot be reached. Never a decrypted byte.
      CREATE TABLE view_cache (
        owner_id TEXT NOT NULL,
        view     TEXT NOT NULL,
        scope    TEXT NOT NULL,
        json     TEXT NOT NULL,
        as_of    TEXT NOT NULL,
        PRIMARY KEY (owner_id, view, scope)
      ) STRICT;
    `,
  },
];
