// Turns a raw IPC call (channel name + untrusted arguments) into a validated handler call
// and a result envelope. This is the only path from any renderer into the main process.
import type { z } from 'zod';
import {
  contract,
  isChannelName,
  type ArgsOut,
  type ChannelName,
  type ResultOf,
} from '../../shared/ipc/contract';
import type { IpcResult } from '../../shared/ipc/errors';
import { EhrError } from '../errors';

export type HandlerTable = {
  [C in ChannelName]: (args: ArgsOut<C>) => Promise<ResultOf<C>> | ResultOf<C>;
};

/** The handlers of one contract slice. */
export type HandlersOf<S extends Record<string, { args: z.ZodType; result: unknown }>> = {
  [C in keyof S]: (args: z.output<S[C]['args']>) => Promise<S[C]['result']> | S[C]['result'];
};

export type Dispatch = (channel: unknown, args: unknown) => Promise<IpcResult<unknown>>;

export interface DispatchOptions {
  /** Where unexpected errors go in full; the renderer only gets a summary. */
  logError?: (channel: string, error: unknown) => void;
}

export function describeIssues(channel: string, issues: z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, 3).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : 'the arguments';
    return `${where}: ${issue.message}`;
  });
  return `Invalid arguments for ${channel}: ${parts.join('; ')}.`;
}

export function createDispatcher(table: HandlerTable, options: DispatchOptions = {}): Dispatch {
  const logError = options.logError ?? ((channel, error) => console.error(channel, error));
  return async (channel, rawArgs) => {
    if (!isChannelName(channel)) {
      return {
        ok: false,
        error: {
          code: 'UNKNOWN_CHANNEL',
          message: `There is no channel named ${String(channel)}.`,
        },
      };
    }
    const parsed = contract[channel].args.safeParse(rawArgs);
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: describeIssues(channel, parsed.error.issues) },
      };
    }
    try {
      const handler = table[channel] as (args: unknown) => unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      if (error instanceof EhrError) return { ok: false, error: error.toIpcError() };
      logError(channel, error);
      return {
        ok: false,
        error: {
          code: 'INTERNAL',
          message: `Something went wrong in ${channel}. The details are in the workstation's log.`,
        },
      };
    }
  };
}
