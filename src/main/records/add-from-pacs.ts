// Use case: Add from PACS. The picked series are retrieved from the hospital PACS over
// WADO-RS (with progress and cancel) and shared through the add-records path: a course of
// CT, RTSTRUCT, RTPLAN, RTDOSE and treatment records becomes one record per category, as
// when the same files are added from disk. A failed retrieve registers nothing.
import type { AddedRecord } from '../../shared/ipc/contract';
import type { PacsSeriesRef } from '../../shared/pacs';
import type { Settings } from '../../shared/settings';
import { stoppedError, type Operation } from '../app/operations';
import type { SignedInServices } from '../app/signed-in-services';
import type { DirectoryLookup } from '../directory/lookup';
import { EhrError } from '../errors';
import { toUserError } from '../failures';
import { configuredPacs } from '../pacs/search';
import { readIdentity } from '../pacs/patient-rewrite';
import { addRecords } from './add';
import type { BundleFile } from './bundle';

export interface AddFromPacsRequest {
  patientId: string;
  series: PacsSeriesRef[];
}

const OUTCOME = 'Nothing was added.';

/** Retrieves every instance of the series, named by SOP Instance UID. */
export async function retrieveSeriesFiles(
  settings: Pick<Settings, 'pacsUrl'>,
  series: readonly PacsSeriesRef[],
  op: Operation,
): Promise<BundleFile[]> {
  const pacs = configuredPacs(settings);
  const files: BundleFile[] = [];
  let before = 0;
  for (const ref of series) {
    let loaded = 0;
    for await (const bytes of pacs.retrieveSeries(ref, {
      signal: op.signal,
      onBytes: (n) => {
        loaded = n;
        op.report('download', before + n, null);
      },
    })) {
      const uid = readIdentity(bytes, 'An instance from the PACS').sopInstanceUid;
      files.push({ name: `${uid || `instance-${files.length + 1}`}.dcm`, bytes });
    }
    before += loaded;
  }
  op.report('download', before, before);
  return files;
}

export async function addFromPacs(
  services: SignedInServices,
  directory: DirectoryLookup,
  settings: Pick<Settings, 'pacsUrl'>,
  request: AddFromPacsRequest,
  op: Operation,
): Promise<AddedRecord[]> {
  if (request.series.length === 0) {
    throw new EhrError('INVALID_ARGUMENT', `Pick at least one series from the PACS. ${OUTCOME}`);
  }
  let files: BundleFile[];
  try {
    files = await retrieveSeriesFiles(settings, request.series, op);
  } catch (error) {
    if (op.signal.aborted) throw stoppedError(op, 'download', OUTCOME);
    throw toUserError(error, OUTCOME);
  }
  return addRecords(services, directory, { patientId: request.patientId, files }, op);
}
