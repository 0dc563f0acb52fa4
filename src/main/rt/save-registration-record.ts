// Use case: "Save registration as a record". The accepted registration is written as a
// DICOM Spatial Registration object (REG) of the current course's patient and study, and
// shared through the ordinary add-records use case as an imaging record (classify.ts files
// REG with the images it registers). So the same rules hold as for any added file: only a
// caregiver with a write grant for imaging now may add it, anyone else gets add's refusal,
// and nothing is left half-stored. When the courses are opened again the REG comes with
// the imaging record, and the viewer's worker sums through it without re-registering.
import { randomUUID } from 'node:crypto';
import type { AddedRecord } from '../../shared/ipc/contract';
import type { RegistrationSubject } from '../../shared/ipc/slices/rt';
import type { AcceptedRegistration } from '../../shared/rt/registration/accepted';
import { writeSpatialRegistration } from '../../shared/rt/registration/spatial-registration';
import type { Operation } from '../app/operations';
import type { SignedInServices } from '../app/signed-in-services';
import type { DirectoryLookup } from '../directory/lookup';
import { EhrError } from '../errors';
import { addRecords } from '../records/add';
import { SOFTWARE } from './export-dose-report';

export interface SaveRegistrationRequest {
  /** The patient on the ledger the current course belongs to. */
  patientId: string;
  registration: AcceptedRegistration;
  subject: RegistrationSubject;
}

/** A DICOM UID from a random UUID (PS3.5 B.2: the 2.25 root). */
function uuidUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
}

/** "Test physicist" → "physicist^Test": DICOM PN is Family^Given. */
function personName(displayName: string): string {
  const parts = displayName.trim().split(/\s+/);
  if (parts.length < 2) return displayName.slice(0, 64);
  const family = parts.pop() as string;
  return `${family}^${parts.join(' ')}`.slice(0, 64);
}

/** The REG file's bytes and name for an accepted automatic registration. */
export function registrationFile(
  registration: AcceptedRegistration,
  subject: RegistrationSubject,
): { name: string; bytes: Uint8Array } {
  const o = registration.origin;
  if (o.kind !== 'automatic')
    throw new EhrError(
      'INVALID_ARGUMENT',
      'This registration already came from a DICOM REG object; it is shared as it is.',
    );
  const at = new Date(o.acceptedAt);
  const iso = at.toISOString();
  const sopInstanceUid = uuidUid();
  const bytes = writeSpatialRegistration({
    transform: registration.transform,
    sopInstanceUid,
    seriesInstanceUid: uuidUid(),
    patient: {
      patientName: subject.patientName,
      patientId: subject.patientId,
      ...(subject.patientBirthDate ? { patientBirthDate: subject.patientBirthDate } : {}),
      ...(subject.patientSex ? { patientSex: subject.patientSex } : {}),
    },
    study: {
      studyInstanceUid: subject.studyInstanceUid,
      ...(subject.studyDate ? { studyDate: subject.studyDate } : {}),
      ...(subject.studyTime ? { studyTime: subject.studyTime } : {}),
      ...(subject.studyId ? { studyId: subject.studyId } : {}),
      ...(subject.accessionNumber ? { accessionNumber: subject.accessionNumber } : {}),
    },
    contentDate: iso.slice(0, 10).replace(/-/g, ''),
    contentTime: iso.slice(11, 19).replace(/:/g, ''),
    creatorName: personName(o.acceptedBy),
    // Kept short (LO, 64 characters): the method and whether it was moved by hand.
    description: `${o.adjusted ? 'Adjusted ' : ''}automatic rigid registration (${o.method})`,
    manufacturer: SOFTWARE,
  });
  return { name: `REG_${sopInstanceUid.slice(-12)}.dcm`, bytes };
}

export function saveRegistrationRecord(
  services: SignedInServices,
  directory: DirectoryLookup,
  request: SaveRegistrationRequest,
  op: Operation,
): Promise<AddedRecord[]> {
  const file = registrationFile(request.registration, request.subject);
  return addRecords(services, directory, { patientId: request.patientId, files: [file] }, op);
}
