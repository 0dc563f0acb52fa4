// The main side of init-token.child.ts: one token initialised per child process.
import { runChildTask, type ChildScript } from '../offload/child-task';
import { CardError } from './errors';
import type { InitTokenOutcome, InitTokenRequest, InitializedToken } from './init-token';

const INIT_TIMEOUT_MS = 60_000;

export function runInitToken(
  script: ChildScript,
  request: InitTokenRequest,
  env?: NodeJS.ProcessEnv,
): Promise<InitTokenOutcome> {
  return runChildTask<InitTokenRequest, InitTokenOutcome>(
    script,
    request,
    INIT_TIMEOUT_MS,
    env ? { env } : {},
  );
}

/** For set-up code (demo, tests): a refusal is an error. */
export async function initTokenOrThrow(
  script: ChildScript,
  request: InitTokenRequest,
  env?: NodeJS.ProcessEnv,
): Promise<InitializedToken> {
  const outcome = await runInitToken(script, request, env);
  if ('refused' in outcome) {
    throw new CardError(
      'CARD_OPERATION_FAILED',
      `The card was not initialised: ${outcome.refused} (${outcome.detail}).`,
    );
  }
  return outcome;
}
