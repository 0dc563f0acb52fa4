// The renderer's view of the contract: one async method per channel, each resolving to
// an IpcResult (never rejecting for an expected failure). Built from the contract so the
// preload and the E2E bridge expose exactly the same object.
import type { IpcResult } from './errors';
import { CHANNEL_NAMES, type ChannelName } from './channels';
import type { ArgsIn, ResultOf } from './contract';

export type EhrApi = {
  [C in ChannelName]: undefined extends ArgsIn<C>
    ? (args?: ArgsIn<C>) => Promise<IpcResult<ResultOf<C>>>
    : (args: ArgsIn<C>) => Promise<IpcResult<ResultOf<C>>>;
};

export type Invoke = (channel: ChannelName, args: unknown) => Promise<unknown>;

export function createEhrApi(invoke: Invoke): EhrApi {
  const api: Record<string, (args?: unknown) => Promise<unknown>> = {};
  for (const name of CHANNEL_NAMES) {
    api[name] = (args?: unknown) => invoke(name, args);
  }
  return Object.freeze(api) as unknown as EhrApi;
}
