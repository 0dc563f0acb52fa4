// The signed-in session, held by the smart card. Signing in = the card accepts the PIN and
// carries a certificate from the hospital CA; the session ends when the person signs out
// or the card leaves the reader, and the workstation then forgets who was there.
import { EventEmitter } from 'node:events';
import type { CardSummary, Session } from '../../shared/ipc/contract';
import { EhrError } from '../errors';
import { CardClient } from '../keystore/card-client';
import { CardError } from '../keystore/errors';
import { readCardIdentity } from '../keystore/provision';
import type { ChildScript } from '../offload/child-task';
import { Pkcs11ModulePolicy } from '../settings/pkcs11-modules';
import { roleFromAttributes } from './roles';
import { signedOut, type SessionSource, type SignedInCard, type SignOutCause } from './session';

export interface CardSessionDeps {
  /** The PKCS#11 module from the connection settings, read at each sign-in. */
  modulePath: () => string | null;
  mspId: () => string | null;
  cardScript: ChildScript;
  /** Where the module may be loaded from; default: this machine's policy. */
  pkcs11Modules?: Pkcs11ModulePolicy;
}

export const INSERT_CARD = 'Insert your smart card and enter its PIN.';
export const LOCKED_SIGNED_OUT =
  'The workstation locked when the screen locked or the computer went to sleep.';
export const IDLE_SIGNED_OUT =
  'You were signed out because the workstation was not used for a while, so nobody else sees your records.';
const SIGN_OUT_REASONS: Record<SignOutCause | 'asked', string> = {
  asked: 'You signed out.',
  idle: IDLE_SIGNED_OUT,
  locked: LOCKED_SIGNED_OUT,
};
export const CARD_REMOVED_REASON =
  'Your card was removed, so the workstation locked. Insert it and sign in again.';

export function toEhrError(error: unknown): EhrError {
  if (error instanceof EhrError) return error;
  if (!(error instanceof CardError)) {
    return new EhrError(
      'CARD_FAILED',
      `The card could not complete the operation: ${String(error)}`,
    );
  }
  switch (error.code) {
    case 'CARD_MODULE':
    case 'CARD_TIMEOUT':
      return new EhrError('CARD_UNAVAILABLE', error.message);
    case 'CARD_NOT_PRESENT':
    case 'CARD_WRONG_PIN':
    case 'CARD_PIN_LOCKED':
    case 'CARD_REMOVED':
    case 'CARD_NOT_PROVISIONED':
      return new EhrError(error.code, error.message);
    default:
      return new EhrError('CARD_FAILED', error.message);
  }
}

export class CardSession implements SessionSource {
  private client: CardClient | null = null;
  private clientModule: string | null = null;
  private state: Session = signedOut(INSERT_CARD);
  private signedIn: SignedInCard | null = null;
  private readonly changes = new EventEmitter<{ changed: [Session] }>();

  constructor(private readonly deps: CardSessionDeps) {}

  current(): Session {
    return this.state;
  }

  onChange(listener: (session: Session) => void): void {
    this.changes.on('changed', listener);
  }

  card(): SignedInCard | null {
    return this.state.state === 'signed-in' ? this.signedIn : null;
  }

  private setState(next: Session): Session {
    if (next.state === 'signed-out') this.signedIn = null;
    this.state = next;
    this.changes.emit('changed', next);
    return next;
  }

  private async cardClient(): Promise<CardClient> {
    const modulePath = this.deps.modulePath();
    if (!modulePath) {
      throw new EhrError(
        'CARD_UNAVAILABLE',
        'No smart-card library is set. Ask your hospital IT to set the PKCS#11 module in Connection settings.',
      );
    }
    if (this.client && this.clientModule === modulePath) return this.client;
    // Checked again here, not only when saved: the settings database is not a trusted source.
    const refusal = (this.deps.pkcs11Modules ?? Pkcs11ModulePolicy.fromMachine()).refusal(
      modulePath,
    );
    if (refusal) throw new EhrError('CARD_UNAVAILABLE', refusal);
    await this.client?.stop();
    this.client = null;
    const client = await CardClient.start({ modulePath, script: this.deps.cardScript }).catch(
      (error: unknown) => {
        throw toEhrError(error);
      },
    );
    client.on('removed', () => {
      if (this.state.state === 'signed-in') this.setState(signedOut(CARD_REMOVED_REASON));
    });
    client.on('stopped', () => {
      if (this.client === client) this.client = null;
      if (this.state.state === 'signed-in') {
        this.setState(
          signedOut('The smart-card service stopped, so the workstation locked. Sign in again.'),
        );
      }
    });
    this.client = client;
    this.clientModule = modulePath;
    return client;
  }

  async listCards(): Promise<CardSummary[]> {
    const client = await this.cardClient();
    try {
      const tokens = await client.call('listTokens', undefined);
      return tokens.map(({ serial, label, manufacturer }) => ({ serial, label, manufacturer }));
    } catch (error) {
      throw toEhrError(error);
    }
  }

  async signIn(request: { pin: string; serial?: string | undefined }): Promise<Session> {
    const client = await this.cardClient();
    try {
      const serial = request.serial ?? (await this.onlyCard(client));
      await client.call('signIn', { serial, pin: request.pin });
      const identity = await readCardIdentity(client);
      const role = roleFromAttributes(identity.attributes);
      if (!role) {
        await client.call('signOut', undefined);
        throw new EhrError(
          'CARD_NOT_PROVISIONED',
          'The certificate on this card names no workstation role. Ask your hospital to enrol it again.',
        );
      }
      this.signedIn = {
        identity,
        signDigest: async (digest) => client.call('signDigest', { digest }),
        deriveSharedSecret: async (peerPoint) =>
          Buffer.from(await client.call('deriveSharedSecret', { peerPoint })),
      };
      return this.setState({
        state: 'signed-in',
        user: {
          id: identity.enrollmentId,
          displayName: identity.attributes.displayName || identity.enrollmentId,
          role,
          mspId: this.deps.mspId() ?? 'MSP id not set',
        },
      });
    } catch (error) {
      throw toEhrError(error);
    }
  }

  private async onlyCard(client: CardClient): Promise<string> {
    const tokens = await client.call('listTokens', undefined);
    if (tokens.length === 0)
      throw new EhrError('CARD_NOT_PRESENT', 'No card is in the reader. Insert your card.');
    if (tokens.length > 1) {
      throw new EhrError(
        'CARD_FAILED',
        'Several cards are inserted. Leave only yours in the reader.',
      );
    }
    return tokens[0]!.serial;
  }

  async signOut(because?: SignOutCause): Promise<Session> {
    if (this.client && this.state.state === 'signed-in') {
      await this.client.call('signOut', undefined).catch(() => undefined);
    }
    return this.setState(signedOut(`${SIGN_OUT_REASONS[because ?? 'asked']} ${INSERT_CARD}`));
  }

  async close(): Promise<void> {
    await this.client?.stop();
    this.client = null;
  }
}
