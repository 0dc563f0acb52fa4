// The few things DICOMweb cannot do and Orthanc's own REST API can: delete instances (to undo
// a store that failed half-way). Orthanc serves DICOMweb under <REST root>/dicom-web, so the
// REST root is the configured DICOMweb URL without that suffix.
import { PacsError } from './errors';

export function orthancRestRoot(dicomWebUrl: string): string {
  return dicomWebUrl.replace(/\/+$/, '').replace(/\/dicom-web$/, '');
}

/** The Orthanc id of the instance with this SOP Instance UID, or undefined. */
async function instanceId(root: string, sopInstanceUid: string): Promise<string | undefined> {
  const res = await fetch(`${root}/tools/lookup`, {
    method: 'POST',
    body: sopInstanceUid,
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok)
    throw new PacsError('SERVER_ERROR', `Orthanc lookup failed with HTTP ${res.status}.`);
  const found = (await res.json()) as { ID: string; Type: string }[];
  return found.find((f) => f.Type === 'Instance')?.ID;
}

/** Deletes these instances from Orthanc; returns the UIDs it could not delete. */
export async function deleteInstances(
  dicomWebUrl: string,
  sopInstanceUids: readonly string[],
): Promise<string[]> {
  const root = orthancRestRoot(dicomWebUrl);
  const left: string[] = [];
  for (const uid of sopInstanceUids) {
    try {
      const id = await instanceId(root, uid);
      if (!id) continue;
      const res = await fetch(`${root}/instances/${id}`, {
        method: 'DELETE',
        signal: AbortSignal.timeout(15_000),
      });
      await res.arrayBuffer();
      if (!res.ok && res.status !== 404) left.push(uid);
    } catch {
      left.push(uid);
    }
  }
  return left;
}
