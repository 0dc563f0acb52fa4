// The devnet's EHRs: one HAPI FHIR R4 server per hospital (ehr-hospitala, ehr-hospitalb), each
// with its own H2 database folder under the state dir, started through proc.ts so that `down`,
// `reset` and the owner-pid watchdog stop them like every other devnet process.
//
// HAPI takes about a minute to start (more on a loaded machine), so `up` launches them first
// and waits for them last: they start while the Fabric network comes up.
import { join } from 'node:path';
import { PEER_ORGS, port, type DevnetConfig, type PeerOrg } from '../devnet/config.ts';
import { alivePid, logFile, startDaemon, waitFor } from '../devnet/proc.ts';
import type { StatusLine } from '../devnet/network.ts';
import {
  cachedFhirServerJar,
  FHIR_NOT_BUILT,
  fhirServerAnswers,
  fhirServerArgs,
} from './fhir-server.ts';

/** HAPI's first start creates its schema: minutes on 2 busy cores, more than a Fabric step. */
const EHR_START_MS = 6 * 60_000;

export function ehrName(org: PeerOrg): string {
  return `ehr-${org.key}`;
}

/** The hospital's FHIR R4 base URL (what a workstation's `ehrUrl` is set to). */
export function ehrUrl(cfg: DevnetConfig, org: PeerOrg): string {
  return `http://127.0.0.1:${port(cfg, ehrName(org))}/fhir`;
}

/** Starts each hospital's EHR unless it runs already; does not wait (see waitForEhr). */
export function launchEhr(cfg: DevnetConfig): void {
  const jar = cachedFhirServerJar();
  if (!jar) throw new Error(FHIR_NOT_BUILT);
  for (const org of PEER_ORGS) {
    const name = ehrName(org);
    const dir = join(cfg.stateDir, name);
    const { started } = startDaemon(
      cfg,
      name,
      'java',
      fhirServerArgs({ jar, port: port(cfg, name), dataDir: join(dir, 'db') }),
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, cwd: cfg.stateDir },
    );
    if (started) cfg.log(`started ${name} (HAPI FHIR, about a minute to answer)`);
  }
}

export async function waitForEhr(cfg: DevnetConfig): Promise<void> {
  await Promise.all(
    PEER_ORGS.map(async (org) => {
      const name = ehrName(org);
      const pid = alivePid(cfg, name);
      await waitFor(
        `${name} to answer /fhir/metadata`,
        () => fhirServerAnswers(ehrUrl(cfg, org)),
        Math.max(cfg.waitMs, EHR_START_MS),
        {
          intervalMs: 1000,
          logHint: logFile(cfg, name),
          isAlive: () => pid !== undefined && alivePid(cfg, name) === pid,
        },
      );
      cfg.log(`${name} at ${ehrUrl(cfg, org)} (FHIR R4)`);
    }),
  );
}

export async function ehrStatus(cfg: DevnetConfig): Promise<StatusLine[]> {
  return Promise.all(
    PEER_ORGS.filter((org) => cfg.ports[ehrName(org)] !== undefined).map(async (org) => {
      const name = ehrName(org);
      return {
        name,
        pid: alivePid(cfg, name),
        endpoint: ehrUrl(cfg, org),
        answers: await fhirServerAnswers(ehrUrl(cfg, org)),
        detail: 'EHR (HAPI FHIR R4)',
      };
    }),
  );
}
