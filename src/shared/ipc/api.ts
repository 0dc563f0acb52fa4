// The renderer's view of the contract: one async method per channel, each resolving to
// an IpcResult (never rejecting for an expected failure). Built from the contract so the
// preload and the E2E bridge expose exactly the same object.
import type { IpcResult } from './errors';
import { CHANNEL_NAMES, EVENT_NAMES, type ChannelName } from './channels';
import type { ArgsIn, EventPayloads, ResultOf } from './contract';
import type { EventName } from './channels';

export type EhrApi = {
  [C in ChannelName]: undefined extends ArgsIn<C>
    ? (args?: ArgsIn<C>) => Promise<IpcResult<ResultOf<C>>>
    : (args: ArgsIn<C>) => Promise<IpcResult<ResultOf<C>>>;
} & {
  /** Listens to an event from the main process; returns the function that stops listening. */
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
};

export type Invoke = (channel: ChannelName, args: unknown) => Promise<unknown>;
export type Subscribe = (event: EventName, listener: (payload: unknown) => void) => () => void;

export function createEhrApi(invoke: Invoke, subscribe: Subscribe): EhrApi {
  const api: Record<string, unknown> = {};
  for (const name of CHANNEL_NAMES) {
    api[name] = (args?: unknown) => invoke(name, args);
  }
  api.on = (event: EventName, listener: (payload: unknown) => void) => {
    if (!(EVENT_NAMES as readonly string[]).includes(event)) {
      throw new Error(`There is no event named ${String(event)}.`);
    }
    if (typeof listener !== 'function') throw new Error('An event listener must be a function.');
    return subscribe(event, listener);
  };
  return Object.freeze(api) as unknown as EhrApi;
}
