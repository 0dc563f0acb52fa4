// A real Orthanc (with DICOMweb) for a test file, on a port block reserved for it
// (port-blocks.ts), with a throwaway storage folder, bounded in time so nothing outlives the run.
import { join } from 'node:path';
import { orthancInstalled, startOrthanc, type OrthancServer } from '../../scripts/hospital/orthanc';
import { reservePortBlock } from './port-blocks';
import { tempDir } from './tmp';

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
  const block = await reservePortBlock([0, 1]);
  const dir = tempDir('orthanc-');
  try {
    const server = await startOrthanc({
      name,
      httpPort: block.base,
      dicomPort: block.base + 1,
      storageDir: join(dir.path, 'db'),
      lifetimeMs: 15 * 60_000,
      ...options,
    });
    return {
      ...server,
      async close() {
        await server.stop();
        block.release();
        dir.cleanup();
      },
    };
  } catch (e) {
    block.release();
    dir.cleanup();
    throw e;
  }
}
