// The signed-in user's services, kept in step with the session: built at first use after a
// card signs in (so missing settings are reported where they matter), closed — with every
// running operation cancelled — when the person signs out or the card leaves the reader.
import type { Settings } from '../../shared/settings';
import { EhrError } from '../errors';
import { DirectoryLookup } from '../directory/lookup';
import { CARD_REMOVED_REASON } from '../session/card-session';
import type { SessionSource } from '../session/session';
import type { ViewSync } from '../sync/view-sync';
import type { Operations } from './operations';
import { openSignedInServices, type SignedInServices } from './signed-in-services';

export interface Workspace {
  services: SignedInServices;
  directory: DirectoryLookup;
}

export interface WorkspaceOptions {
  /** Starts keeping the user's cached views in step (sync/view-sync.ts). */
  startSync?: (workspace: Workspace) => ViewSync;
  /** A kiosk forgets the patient's cached views at sign-out. */
  forgetAtSignOut?: boolean;
}

export type OpenServices = typeof openSignedInServices;

export class UserWorkspace {
  private open: Workspace | null = null;
  private sync: ViewSync | null = null;

  constructor(
    private readonly session: SessionSource,
    private readonly settings: () => Settings,
    private readonly operations: Operations,
    private readonly openServices: OpenServices = openSignedInServices,
    private readonly options: WorkspaceOptions = {},
  ) {
    session.onChange((next) => {
      if (next.state === 'signed-out') {
        const code = next.reason === CARD_REMOVED_REASON ? 'CARD_REMOVED' : 'NOT_SIGNED_IN';
        this.close(new EhrError(code, next.reason));
      } else if (next.user.id !== this.open?.services.user.id) {
        this.close();
      }
    });
  }

  /** Whether the signed-in user's views are being kept in step by the event stream. */
  get syncLive(): boolean {
    return this.sync?.live ?? false;
  }

  /** The signed-in user's workspace; NOT_SIGNED_IN when nobody is. */
  current(): Workspace {
    const state = this.session.current();
    const card = this.session.card();
    if (state.state !== 'signed-in' || !card) {
      throw new EhrError('NOT_SIGNED_IN', 'Sign in with your card first.');
    }
    if (this.open && this.open.services.user.id === state.user.id) return this.open;
    this.close();
    const services = this.openServices(
      card,
      { id: state.user.id, role: state.user.role, mspId: state.user.mspId },
      this.settings(),
    );
    this.open = { services, directory: new DirectoryLookup(services.ledger) };
    this.sync = this.options.startSync?.(this.open) ?? null;
    return this.open;
  }

  close(reason?: EhrError): void {
    this.operations.cancelAll(reason);
    this.sync?.stop(Boolean(this.options.forgetAtSignOut));
    this.sync = null;
    this.open?.services.close();
    this.open = null;
  }
}
