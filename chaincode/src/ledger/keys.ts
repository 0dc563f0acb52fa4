import type { Context } from 'fabric-contract-api';
import type { Category } from '../validation/categories';

/**
 * Every key is a composite key whose leading attributes are what a query filters on, so each
 * list is one partial-key range over a single patient, caregiver or hospital and no call ever
 * scans the whole state. Objects are stored as canonical JSON; index entries hold plain text
 * (an id, or a permission-log sequence number in decimal).
 */
export const KeyType = {
  /** [userId] → DirectoryUser */
  user: 'user',
  /** [certFingerprint] → userId: who signed a transaction, and one certificate per user */
  userByCertificate: 'user-by-certificate',
  /** [mspId, userId] → userId: every user of a hospital, for its administrators */
  userByHospital: 'user-by-hospital',
  /** [certFingerprint] → userId: a revoked signing certificate, checked before every call */
  revokedCertificate: 'revoked-certificate',
  /** [mspId, caregiverId] → marker: the caregiver directory, per hospital */
  caregiverByHospital: 'caregiver-by-hospital',
  /** [patientId, seq] → PermissionEntry: the patient's full permission history, in order */
  permissionLog: 'permission-log',
  /** [patientId] → number of entries in the patient's permission log */
  permissionLogLength: 'permission-log-length',
  /** [patientId, caregiverId, category] → seq of the entry in force for that pair */
  permissionCurrent: 'permission-current',
  /** [caregiverId, patientId, category] → seq: "patients who shared with me" */
  permissionByCaregiver: 'permission-by-caregiver',
  /** [patientId, caregiverId] → seq of the caregiver's latest break-glass entry */
  breakGlassCurrent: 'break-glass-current',
  /** [caregiverMspId, patientId, seq] → seq: a hospital's break-glass sessions, for review */
  breakGlassByHospital: 'break-glass-by-hospital',
  /** [caregiverId, patientId] → seq of his latest break-glass on that patient */
  breakGlassByCaregiver: 'caregiver-break-glass',
  /** [patientId, seq, accessId] → accessId: what was opened under a session */
  breakGlassOpening: 'break-glass-opening',
  /** [patientId, seq] → BreakGlassReview */
  breakGlassReview: 'break-glass-review',
  /** [patientId, seq] → BreakGlassAcknowledgement */
  breakGlassAcknowledgement: 'break-glass-ack',
  /** [patientId, recordId] → RecordMetadata */
  record: 'record',
  /** [patientId, accessId] → AccessEntry: the accounting of disclosures */
  disclosure: 'disclosure',
  /** [storagePointer] → RecordOwner: one record per stored object across every patient, so
   *  a resubmitted add (the client could not tell whether the first one committed) adds
   *  nothing twice, and nobody can attach another patient's object to a record of his.
   *  (Version 1 used 'record-by-pointer' under [patientId, storagePointer]: unique per
   *  patient only.) */
  recordByObject: 'record-by-object',
  /** [mspId] → RecordGatewayEntry: where a hospital's record gateway answers, for its bucket */
  recordGateway: 'record-gateway',
  /** [bucket] → mspId: one hospital per bucket, so a pointer names one gateway */
  recordGatewayByBucket: 'record-gateway-by-bucket',
} as const;

/** Fixed width keeps the lexical order of log keys equal to their numeric order. */
const SEQ_WIDTH = 12;

export function seqKeyPart(seq: number): string {
  return seq.toString().padStart(SEQ_WIDTH, '0');
}

export const keys = {
  user: (ctx: Context, userId: string) => ctx.stub.createCompositeKey(KeyType.user, [userId]),
  userByCertificate: (ctx: Context, fingerprint: string) =>
    ctx.stub.createCompositeKey(KeyType.userByCertificate, [fingerprint]),
  userByHospital: (ctx: Context, mspId: string, userId: string) =>
    ctx.stub.createCompositeKey(KeyType.userByHospital, [mspId, userId]),
  revokedCertificate: (ctx: Context, fingerprint: string) =>
    ctx.stub.createCompositeKey(KeyType.revokedCertificate, [fingerprint]),
  caregiverByHospital: (ctx: Context, mspId: string, caregiverId: string) =>
    ctx.stub.createCompositeKey(KeyType.caregiverByHospital, [mspId, caregiverId]),
  permissionLog: (ctx: Context, patientId: string, seq: number) =>
    ctx.stub.createCompositeKey(KeyType.permissionLog, [patientId, seqKeyPart(seq)]),
  permissionLogLength: (ctx: Context, patientId: string) =>
    ctx.stub.createCompositeKey(KeyType.permissionLogLength, [patientId]),
  permissionCurrent: (ctx: Context, patientId: string, caregiverId: string, category: Category) =>
    ctx.stub.createCompositeKey(KeyType.permissionCurrent, [patientId, caregiverId, category]),
  permissionByCaregiver: (
    ctx: Context,
    caregiverId: string,
    patientId: string,
    category: Category,
  ) =>
    ctx.stub.createCompositeKey(KeyType.permissionByCaregiver, [caregiverId, patientId, category]),
  breakGlassCurrent: (ctx: Context, patientId: string, caregiverId: string) =>
    ctx.stub.createCompositeKey(KeyType.breakGlassCurrent, [patientId, caregiverId]),
  breakGlassByHospital: (ctx: Context, mspId: string, patientId: string, seq: number) =>
    ctx.stub.createCompositeKey(KeyType.breakGlassByHospital, [mspId, patientId, seqKeyPart(seq)]),
  breakGlassByCaregiver: (ctx: Context, caregiverId: string, patientId: string) =>
    ctx.stub.createCompositeKey(KeyType.breakGlassByCaregiver, [caregiverId, patientId]),
  breakGlassOpening: (ctx: Context, patientId: string, seq: number, accessId: string) =>
    ctx.stub.createCompositeKey(KeyType.breakGlassOpening, [patientId, seqKeyPart(seq), accessId]),
  breakGlassReview: (ctx: Context, patientId: string, seq: number) =>
    ctx.stub.createCompositeKey(KeyType.breakGlassReview, [patientId, seqKeyPart(seq)]),
  breakGlassAcknowledgement: (ctx: Context, patientId: string, seq: number) =>
    ctx.stub.createCompositeKey(KeyType.breakGlassAcknowledgement, [patientId, seqKeyPart(seq)]),
  record: (ctx: Context, patientId: string, recordId: string) =>
    ctx.stub.createCompositeKey(KeyType.record, [patientId, recordId]),
  disclosure: (ctx: Context, patientId: string, accessId: string) =>
    ctx.stub.createCompositeKey(KeyType.disclosure, [patientId, accessId]),
  recordByObject: (ctx: Context, storagePointer: string) =>
    ctx.stub.createCompositeKey(KeyType.recordByObject, [storagePointer]),
  recordGateway: (ctx: Context, mspId: string) =>
    ctx.stub.createCompositeKey(KeyType.recordGateway, [mspId]),
  recordGatewayByBucket: (ctx: Context, bucket: string) =>
    ctx.stub.createCompositeKey(KeyType.recordGatewayByBucket, [bucket]),
};
