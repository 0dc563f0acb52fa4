// The workstation's constraint table: the published defaults until a physicist edits it,
// then his department's table, kept in the workstation database (a preference of this
// machine, not PHI: organs, metrics and limits, no patient). Stored as one JSON value in
// the settings table, so no migration is needed; the connection settings ignore the key.
// A save is checked whole first (every constraint must be evaluable) and changes nothing
// when one is not.
import type { Db } from '../cache/database';
import { EhrError } from '../errors';
import { checkConstraint, DEFAULT_CONSTRAINTS, type Constraint } from '../../shared/rt/constraints';
import { isRtError } from '../../shared/rt/errors';
import type { ConstraintTableView } from '../../shared/ipc/slices/rt';

const KEY = 'rt.constraintTable';

export class ConstraintTableStore {
  constructor(private readonly db: Db) {}

  read(): ConstraintTableView {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(KEY) as
      { value: string } | undefined;
    if (!row) return { constraints: DEFAULT_CONSTRAINTS.map((c) => ({ ...c })), isDefault: true };
    return { constraints: JSON.parse(row.value) as Constraint[], isDefault: false };
  }

  save(constraints: readonly Constraint[]): ConstraintTableView {
    constraints.forEach((c, i) => {
      try {
        checkConstraint(c);
      } catch (error) {
        if (!isRtError(error)) throw error;
        throw new EhrError(
          'INVALID_CONSTRAINT',
          `Row ${i + 1}: ${error.message}. The saved table was not changed.`,
        );
      }
    });
    this.write(JSON.stringify(constraints));
    return this.read();
  }

  reset(): ConstraintTableView {
    this.write(null);
    return this.read();
  }

  private write(value: string | null): void {
    try {
      if (value === null) this.db.prepare('DELETE FROM settings WHERE key = ?').run(KEY);
      else
        this.db
          .prepare(
            `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
          )
          .run(KEY, value, new Date().toISOString());
    } catch (error) {
      throw new EhrError(
        'STORAGE_FAILURE',
        `The constraint table could not be written to the workstation database: ${(error as Error).message}`,
      );
    }
  }
}
