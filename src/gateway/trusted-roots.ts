// The channel's hospital CAs as a gateway trusts them: each hospital's MSP root
// certificates (msp/cacerts), read from that hospital's connection profile.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrustedRoot } from './verify-request';

export interface ProfileWithMsp {
  mspId: string;
  identities: Record<string, { mspDir: string }>;
}

export function rootsFromProfiles(profiles: readonly ProfileWithMsp[]): TrustedRoot[] {
  return profiles.flatMap((profile) => {
    const msp = profile.identities.gateway ?? profile.identities.appadmin;
    if (!msp) throw new Error(`the profile of ${profile.mspId} names no MSP folder`);
    const dir = join(msp.mspDir, 'cacerts');
    return readdirSync(dir).map((name) => ({
      mspId: profile.mspId,
      certificatePem: readFileSync(join(dir, name), 'utf8'),
    }));
  });
}
