// A real Orthanc (with DICOMweb) for a test file, on a port block reserved for it
// (port-blocks.ts), with a throwaway storage folder, bounded in time so nothing outlives the run.
import { join } from 'node:path';
import { orthancInstalled, startOrthanc, type OrthancServer } from '../../scripts/hospital/orthanc';
import { startOnOwnPorts } from './port-blocks';

export interface TestOrthanc extends OrthancServer {
  /** Stops the server, frees its ports and deletes its storage. */
  close(): Promise<void>;
}

/** Why Orthanc tests cannot run here, or undefined when they can. */
export function orthancMissing(): string | undefined {
  return orthancInstalled()
    ? undefined
    : 'Orthanc or orthanc-dicomweb is not installed (npm run setup installs both)';
}

export async function startTestOrthanc(
  name = 'TestPACS',
  options: { luaScripts?: string[] } = {},
): Promise<TestOrthanc> {
  return startOnOwnPorts([0, 1], 'orthanc-', (base, folder) =>
    startOrthanc({
      name,
      httpPort: base,
      dicomPort: base + 1,
      storageDir: join(folder, 'db'),
      lifetimeMs: 15 * 60_000,
      ...options,
    }),
  );
}
