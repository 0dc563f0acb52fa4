// Use case: Send to our PACS. The DICOM files of an opened shared record go to the local
// hospital PACS over STOW-RS under the local patient the user confirmed: every UID kept,
// PatientID and PatientName the local ones, the sender's patient ID kept in Other Patient IDs
// Sequence. A study the PACS already holds under another patient is refused before anything
// is sent; a repeated send stores nothing twice (same UIDs); and when any instance fails, the
// instances this attempt stored are deleted again, so nothing is half-imported.
import type { SendToPacsResult } from '../../shared/pacs';
import type { Settings } from '../../shared/settings';
import type { SignedInServices } from '../app/signed-in-services';
import type { DirectoryLookup } from '../directory/lookup';
import { openRecord } from './open';
import { stoppedError, type Operation } from '../app/operations';
import { EhrError } from '../errors';
import { toUserError } from '../failures';
import type { DicomWebClient } from '../pacs/dicomweb';
import { PacsError } from '../pacs/errors';
import { deleteInstances } from '../pacs/orthanc-rest';
import { readIdentity, rewritePatient } from '../pacs/patient-rewrite';
import { configuredPacs } from '../pacs/search';

export interface SendToPacsRequest {
  files: readonly { name: string; bytes: Uint8Array }[];
  /** The local patient the user confirmed. */
  localPatientId: string;
  localPatientName: string;
  /** The sending hospital (kept as Issuer of the sender's patient ID). */
  senderIssuer: string;
}

const OUTCOME = 'Nothing was imported into the PACS.';
/** Instances per STOW-RS request: large enough to be quick, small enough to keep memory flat. */
const BATCH = 50;

function isDicom(bytes: Uint8Array): boolean {
  return (
    bytes.length > 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

async function refuseConflicts(
  pacs: DicomWebClient,
  studies: Set<string>,
  localPatientId: string,
  signal: AbortSignal,
): Promise<Set<string>> {
  const already = new Set<string>();
  for (const uid of studies) {
    const found = await pacs.searchStudies({ studyInstanceUid: uid }, signal);
    for (const study of found) {
      if (study.patientId !== localPatientId) {
        throw new PacsError(
          'PATIENT_CONFLICT',
          `The PACS already holds study ${uid} under another patient (ID ${study.patientId}), not under ${localPatientId}.`,
        );
      }
    }
    if (found.length > 0) {
      for (const sop of await pacs.instanceUids(uid, signal)) already.add(sop);
    }
  }
  return already;
}

export async function sendToPacs(
  settings: Pick<Settings, 'pacsUrl'>,
  request: SendToPacsRequest,
  op: Operation,
): Promise<SendToPacsResult> {
  const localPatientId = request.localPatientId.trim();
  const localPatientName = request.localPatientName.trim();
  if (!localPatientId || !localPatientName) {
    throw new EhrError(
      'INVALID_ARGUMENT',
      `Confirm the local patient’s ID and name first. ${OUTCOME}`,
    );
  }
  const dicom = request.files.filter((f) => isDicom(f.bytes));
  if (dicom.length === 0) {
    throw new EhrError('FILES_REFUSED', `The record holds no DICOM files. ${OUTCOME}`);
  }
  const pacs = configuredPacs(settings);
  const storedNow = new Set<string>();
  let already = new Set<string>();
  try {
    const local = {
      patientId: localPatientId,
      patientName: localPatientName,
      senderIssuer: request.senderIssuer,
    };
    const rewritten = dicom.map((f) => rewritePatient(f.bytes, local, f.name));
    const identities = rewritten.map((bytes, i) => readIdentity(bytes, dicom[i]!.name));
    const studies = new Set(identities.map((id) => id.studyInstanceUid));
    already = await refuseConflicts(pacs, studies, localPatientId, op.signal);
    const total = rewritten.reduce((n, b) => n + b.length, 0);
    const refusedError = (uids: string[]) => {
      const names = uids
        .map((uid) => {
          const at = identities.findIndex((id) => id.sopInstanceUid === uid);
          return at >= 0 ? dicom[at]!.name : uid || 'an instance';
        })
        .slice(0, 3);
      return new PacsError(
        'INSTANCE_FAILED',
        `The PACS refused ${uids.length} instance${uids.length === 1 ? '' : 's'} (${names.join(', ')}).`,
      );
    };
    let sent = 0;
    for (let i = 0; i < rewritten.length; i += BATCH) {
      const batch = rewritten.slice(i, i + BATCH);
      const outcome = await pacs.store(batch, op.signal);
      for (const uid of outcome.stored) if (!already.has(uid)) storedNow.add(uid);
      if (outcome.failed.length > 0)
        throw refusedError(outcome.failed.map((f) => f.sopInstanceUid));
      sent += batch.reduce((n, b) => n + b.length, 0);
      op.report('upload', sent, total);
    }
    // A PACS may answer success for an instance its own policy dropped (Orthanc's DICOMweb
    // plugin reports a Lua-filtered instance as stored): check every instance is there.
    const present = new Set<string>();
    for (const uid of studies)
      for (const sop of await pacs.instanceUids(uid, op.signal)) present.add(sop);
    const dropped = identities.filter((id) => !present.has(id.sopInstanceUid));
    if (dropped.length > 0) throw refusedError(dropped.map((id) => id.sopInstanceUid));
    return {
      stored: storedNow.size,
      alreadyThere: identities.filter((id) => already.has(id.sopInstanceUid)).length,
      studyInstanceUids: [...studies],
    };
  } catch (error) {
    const left = await deleteInstances(pacs.baseUrl, [...storedNow]);
    const undone =
      left.length === 0
        ? OUTCOME
        : `${left.length} instance${left.length === 1 ? '' : 's'} of this attempt could not be removed from the PACS again; ask your PACS administrator to delete them.`;
    if (op.signal.aborted) throw stoppedError(op, 'upload', undone);
    throw toUserError(error, undone);
  }
}

/**
 * Send to our PACS from the record itself: opened here (verified, decrypted in memory; the
 * download is on the ledger like any other), then sent under the confirmed local patient.
 */
export async function sendRecordToPacs(
  services: SignedInServices,
  directory: DirectoryLookup,
  settings: Pick<Settings, 'pacsUrl'>,
  request: {
    patientId: string;
    recordId: string;
    localPatientId: string;
    localPatientName: string;
  },
  op: Operation,
): Promise<SendToPacsResult> {
  configuredPacs(settings);
  const opened = await openRecord(services, directory, request, op);
  return sendToPacs(
    settings,
    {
      files: opened.files,
      localPatientId: request.localPatientId,
      localPatientName: request.localPatientName,
      senderIssuer: opened.record.uploader.mspId ?? 'unknown',
    },
    op,
  );
}
