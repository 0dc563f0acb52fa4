// The devnet's PACS: one Orthanc per hospital (orthanc-hospitala, orthanc-hospitalb), each with
// its own storage folder under the state dir, started through proc.ts so that `down`, `reset`
// and the owner-pid watchdog stop it like every other devnet process.
import { join } from 'node:path';
import { PEER_ORGS, port, type DevnetConfig, type PeerOrg } from '../devnet/config.ts';
import { alivePid, logFile, startDaemon, waitFor } from '../devnet/proc.ts';
import type { StatusLine } from '../devnet/network.ts';
import { ORTHANC_BINARY, orthancAnswers, orthancInstalled, writeOrthancConfig } from './orthanc.ts';

export function pacsName(org: PeerOrg): string {
  return `orthanc-${org.key}`;
}

/** The hospital's PACS REST root; its DICOMweb root is this + /dicom-web. */
export function pacsUrl(cfg: DevnetConfig, org: PeerOrg): string {
  return `http://127.0.0.1:${port(cfg, pacsName(org))}`;
}

export async function startPacs(cfg: DevnetConfig): Promise<void> {
  if (!orthancInstalled()) {
    throw new Error('Orthanc and its DICOMweb plugin are not installed: run npm run setup');
  }
  for (const org of PEER_ORGS) {
    const name = pacsName(org);
    const dir = join(cfg.stateDir, name);
    const config = writeOrthancConfig(dir, {
      name: `${org.name}PACS`,
      httpPort: port(cfg, name),
      dicomPort: port(cfg, `${name}-dicom`),
      storageDir: join(dir, 'db'),
    });
    const { pid } = startDaemon(cfg, name, ORTHANC_BINARY, [config], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      cwd: dir,
    });
    await waitFor(`${name} to answer /system`, () => orthancAnswers(port(cfg, name)), cfg.waitMs, {
      intervalMs: 300,
      logHint: logFile(cfg, name),
      isAlive: () => alivePid(cfg, name) === pid,
    });
    cfg.log(`${name} at ${pacsUrl(cfg, org)} (DICOMweb ${pacsUrl(cfg, org)}/dicom-web)`);
  }
}

export async function pacsStatus(cfg: DevnetConfig): Promise<StatusLine[]> {
  return Promise.all(
    PEER_ORGS.filter((org) => cfg.ports[pacsName(org)] !== undefined).map(async (org) => {
      const name = pacsName(org);
      return {
        name,
        pid: alivePid(cfg, name),
        endpoint: pacsUrl(cfg, org),
        answers: await orthancAnswers(port(cfg, name)),
        detail: 'PACS (DICOMweb at /dicom-web)',
      };
    }),
  );
}
