// Test double for the identity part (smart-card sign-in), which does not exist yet: it
// reports a fixed signed-in user so the E2E suite can show each role's shell.
import type { CardSummary, Session } from '../../src/shared/ipc/contract';
import type { SessionSource } from '../../src/main/session/session';
import type { Role } from '../../src/shared/roles';

export class FixedSessionForTests implements SessionSource {
  constructor(private readonly role: Role) {}
  listCards(): Promise<CardSummary[]> {
    return Promise.resolve([]);
  }
  signIn(): Promise<Session> {
    return Promise.resolve(this.current());
  }
  signOut(): Promise<Session> {
    return Promise.resolve(this.current());
  }
  onChange(): void {}
  card(): null {
    return null;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  current(): Session {
    return {
      state: 'signed-in',
      user: {
        id: `test-${this.role}`,
        displayName: `Test ${this.role}`,
        role: this.role,
        mspId: 'HospitalAMSP',
      },
    };
  }
}
