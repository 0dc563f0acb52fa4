// Names for ids: the screens show "Dr Ada Demo, Radiation Oncology, HospitalB" where the
// ledger stores cg-…. One lookup per signed-in session, so each directory entry is read once.
import type { DirectoryUser } from '../../shared/ledger';
import type { EhrLedger } from '../ledger/ehr-ledger';
import { LedgerError } from '../ledger/errors';

export interface PersonSummary {
  id: string;
  role: 'patient' | 'caregiver' | 'admin' | 'unknown';
  displayName: string;
  department: string | null;
  mspId: string | null;
}

export function summarise(user: DirectoryUser): PersonSummary {
  return {
    id: user.userId,
    role: user.role,
    displayName: user.displayName ?? (user.role === 'patient' ? 'Patient' : user.userId),
    department: user.department,
    mspId: user.mspId,
  };
}

export class DirectoryLookup {
  private readonly users = new Map<string, Promise<DirectoryUser | null>>();

  constructor(private readonly ledger: EhrLedger) {}

  /** The directory entry, or null when the id is not (or no longer) registered. */
  user(id: string): Promise<DirectoryUser | null> {
    let found = this.users.get(id);
    if (!found) {
      found = this.ledger.getUser(id).catch((error: unknown) => {
        this.users.delete(id);
        if (error instanceof LedgerError && error.code === 'NOT_FOUND') return null;
        throw error;
      });
      this.users.set(id, found);
    }
    return found;
  }

  /**
   * The entry if this user may read it: like user(), and null too when the ledger refuses
   * (a patient's entry is only for him, his hospital's admins and caregivers he granted, so
   * a grant ending between two queries makes his entry unreadable).
   */
  visibleUser(id: string): Promise<DirectoryUser | null> {
    return this.user(id).catch((error: unknown) => {
      if (error instanceof LedgerError && error.code === 'FORBIDDEN') return null;
      throw error;
    });
  }

  /** How to name `id` on a screen; an entry this user may not read shows as the id. */
  async person(id: string): Promise<PersonSummary> {
    const user = await this.visibleUser(id);
    return user
      ? summarise(user)
      : { id, role: 'unknown', displayName: id, department: null, mspId: null };
  }

  /** Remembers entries already fetched in bulk (the caregiver list). */
  prime(users: readonly DirectoryUser[]): void {
    for (const u of users) this.users.set(u.userId, Promise.resolve(u));
  }
}
