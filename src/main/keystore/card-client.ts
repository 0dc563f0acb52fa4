// The main process's handle on the card process. Every card operation is a message to a
// separate process, so the event loop (and the UI) never waits on a slow or stuck card.
// A call that takes too long kills the card process: a hung PKCS#11 module cannot be
// interrupted any other way.
import { EventEmitter } from 'node:events';
import { launch, type ChildHandle, type ChildScript } from '../offload/child-process';
import type { CardMessage, CardOperation, CardOperations, CardRequest } from './card-protocol';
import { CardError } from './errors';

export interface CardClientOptions {
  modulePath: string;
  script: ChildScript;
  /** How often the card process checks that the signed-in card is still there. */
  presencePollMs?: number;
  /** Longest any single card operation may take. */
  timeoutMs?: number;
  /** Environment of the card process (e.g. SOFTHSM2_CONF for a test token). */
  env?: NodeJS.ProcessEnv;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: CardError) => void;
  timer: NodeJS.Timeout;
}

export class CardClient extends EventEmitter<{
  removed: [serial: string];
  stopped: [reason: string];
}> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stoppedReason: string | null = null;

  private constructor(
    private readonly child: ChildHandle,
    private readonly timeoutMs: number,
  ) {
    super();
    child.on('message', (raw) => this.onMessage(raw as CardMessage));
    child.on('exit', (code, signal) =>
      this.onStopped(`the card process ended (${signal ?? `exit ${code}`})`),
    );
  }

  static start(options: CardClientOptions): Promise<CardClient> {
    const child = launch(options.script, {
      serialization: 'advanced',
      env: options.env ?? process.env,
      stderr: 'inherit',
    });
    const client = new CardClient(child, options.timeoutMs ?? 30_000);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new CardError('CARD_TIMEOUT', 'The smart-card library did not start in time.'));
      }, options.timeoutMs ?? 30_000);
      const onFirst = (raw: unknown) => {
        const message = raw as CardMessage;
        if (message.kind !== 'ready' && message.kind !== 'init-failed') return;
        clearTimeout(timer);
        child.off('message', onFirst);
        if (message.kind === 'ready') resolve(client);
        else {
          child.kill();
          reject(new CardError(message.code, message.message));
        }
      };
      child.on('message', onFirst);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new CardError('CARD_MODULE', `The card process could not start: ${error.message}`));
      });
      const init: CardRequest = {
        kind: 'init',
        modulePath: options.modulePath,
        presencePollMs: options.presencePollMs ?? 1000,
      };
      child.send(init);
    });
  }

  call<Op extends CardOperation>(
    op: Op,
    args: CardOperations[Op]['args'],
  ): Promise<CardOperations[Op]['result']> {
    if (this.stoppedReason) {
      return Promise.reject(
        new CardError(
          'CARD_MODULE',
          `The smart-card service is not running: ${this.stoppedReason}.`,
        ),
      );
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new CardError(
            'CARD_TIMEOUT',
            'The card did not answer in time. Remove it and insert it again.',
          ),
        );
        this.child.kill();
      }, this.timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      const request: CardRequest = { kind: 'call', id, op, args };
      this.child.send(request);
    });
  }

  private onMessage(message: CardMessage): void {
    if (message.kind === 'removed') {
      this.emit('removed', message.serial);
      return;
    }
    if (message.kind !== 'reply') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(new CardError(message.code, message.message));
  }

  private onStopped(reason: string): void {
    if (this.stoppedReason) return;
    this.stoppedReason = reason;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(
        new CardError('CARD_MODULE', `The smart-card library stopped unexpectedly (${reason}).`),
      );
      this.pending.delete(id);
    }
    this.emit('stopped', reason);
  }

  async stop(): Promise<void> {
    if (this.stoppedReason) return;
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.end();
      setTimeout(() => this.child.kill(), 3000).unref();
    });
  }
}
