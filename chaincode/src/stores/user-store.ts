import type { Context } from 'fabric-contract-api';
import { keys } from '../ledger/keys';
import { readJson, readText } from '../ledger/state';
import type { DirectoryUser } from '../model/user';

export function readUser(ctx: Context, userId: string): Promise<DirectoryUser | null> {
  return readJson<DirectoryUser>(ctx, keys.user(ctx, userId));
}

export async function readUserByCertificate(
  ctx: Context,
  fingerprint: string,
): Promise<DirectoryUser | null> {
  const userId = await readText(ctx, keys.userByCertificate(ctx, fingerprint));
  return userId === null ? null : readUser(ctx, userId);
}
