// The ACTION-EHR chaincode's functions as typed calls (see chaincode/README.md for each
// rule). Submits go through submit.ts's retry rules; evaluations map refusals to
// LedgerError naming the chaincode's rule.
import type { Contract } from '@hyperledger/fabric-gateway';
import { chaincodeRefusal, isTransientGrpc, LedgerError } from './errors';
import { DEFAULT_RETRY, submitTransaction, type RetryPolicy, type SubmitReport } from './submit';

import type {
  AccessEntry,
  BreakGlassAcknowledgement,
  BreakGlassEntry,
  BreakGlassReview,
  BreakGlassSession,
  Category,
  DirectoryUser,
  GrantEntry,
  LedgerRole,
  PermissionEntry,
  RecordListing,
  RecordGatewayEntry,
  RecordMetadata,
  RevokeEntry,
} from '../../shared/ledger';

export type { Category };

export interface Submitted<T> {
  value: T;
  transactionId: string;
  blockNumber: bigint;
}

const decoder = new TextDecoder();

export class EhrLedger {
  constructor(
    readonly contract: Contract,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  private async submit<T>(name: string, args: string[]): Promise<Submitted<T>> {
    const report: SubmitReport = await submitTransaction(this.contract, name, args, this.retry);
    return {
      value: JSON.parse(decoder.decode(report.result)) as T,
      transactionId: report.transactionId,
      blockNumber: report.blockNumber,
    };
  }

  private async evaluate<T>(name: string, args: string[] = []): Promise<T> {
    try {
      return JSON.parse(
        decoder.decode(await this.contract.evaluateTransaction(name, ...args)),
      ) as T;
    } catch (error) {
      const refusal = chaincodeRefusal(error);
      if (refusal) throw refusal;
      throw new LedgerError(
        isTransientGrpc(error) ? 'UNAVAILABLE' : 'FAILED',
        `The ledger could not answer ${name}: ${(error as Error).message}`,
        undefined,
        isTransientGrpc(error),
      );
    }
  }

  registerUser(u: {
    userId: string;
    role: LedgerRole;
    mspId: string;
    certFingerprint: string;
    encryptionPublicKeyPem: string;
    displayName: string;
    department: string;
  }) {
    return this.submit<DirectoryUser>('Directory:registerUser', [
      u.userId,
      u.role,
      u.mspId,
      u.certFingerprint,
      u.encryptionPublicKeyPem,
      u.displayName,
      u.department,
    ]);
  }

  getUser(userId: string) {
    return this.evaluate<DirectoryUser>('Directory:getUser', [userId]);
  }

  revokeUser(userId: string) {
    return this.submit<DirectoryUser>('Directory:revokeUser', [userId]);
  }

  listUsers(mspId: string) {
    return this.evaluate<DirectoryUser[]>('Directory:listUsers', [mspId]);
  }

  listCaregivers(mspId = '') {
    return this.evaluate<DirectoryUser[]>('Directory:listCaregivers', [mspId]);
  }

  grant(g: {
    patientId: string;
    caregiverId: string;
    category: Category;
    validFrom: Date;
    validTo: Date;
    read: boolean;
    write: boolean;
  }) {
    return this.submit<GrantEntry>('Permissions:grant', [
      g.patientId,
      g.caregiverId,
      g.category,
      g.validFrom.toISOString(),
      g.validTo.toISOString(),
      String(g.read),
      String(g.write),
    ]);
  }

  revoke(patientId: string, caregiverId: string, category: Category) {
    return this.submit<RevokeEntry>('Permissions:revoke', [patientId, caregiverId, category]);
  }

  listCurrent(patientId: string) {
    return this.evaluate<PermissionEntry[]>('Permissions:listCurrent', [patientId]);
  }

  getHistory(patientId: string) {
    return this.evaluate<PermissionEntry[]>('Permissions:getHistory', [patientId]);
  }

  /** Who reads a category of the patient now or later (for the patient, or a writer). */
  listReaders(patientId: string, category: Category) {
    return this.evaluate<{ caregiverId: string; validFrom: string; validTo: string }[]>(
      'Permissions:listReaders',
      [patientId, category],
    );
  }

  listSharedWithMe() {
    return this.evaluate<PermissionEntry[]>('Permissions:listSharedWithMe');
  }

  addRecord(r: {
    patientId: string;
    category: Category;
    storagePointer: string;
    sha256: string;
    sizeBytes: number;
    contentType: string;
    keyEnvelopeRef: string;
  }) {
    return this.submit<RecordMetadata>('Records:addRecord', [
      r.patientId,
      r.category,
      r.storagePointer,
      r.sha256,
      String(r.sizeBytes),
      r.contentType,
      r.keyEnvelopeRef,
    ]);
  }

  publishRecordGateway(url: string, bucket: string, emergencyPublicKeyPem: string) {
    return this.submit<RecordGatewayEntry>('HospitalServices:publishRecordGateway', [
      url,
      bucket,
      emergencyPublicKeyPem,
    ]);
  }

  listRecordGateways() {
    return this.evaluate<RecordGatewayEntry[]>('HospitalServices:listRecordGateways');
  }

  listRecords(patientId: string) {
    return this.evaluate<RecordListing>('Records:listRecords', [patientId]);
  }

  recordDownload(patientId: string, recordId: string) {
    return this.submit<{ entry: AccessEntry; record: RecordMetadata }>('AccessLog:recordDownload', [
      patientId,
      recordId,
    ]);
  }

  listDisclosures(patientId: string) {
    return this.evaluate<AccessEntry[]>('AccessLog:listDisclosures', [patientId]);
  }

  openBreakGlass(patientId: string, reason: string, durationHours: number) {
    return this.submit<BreakGlassEntry>('BreakGlass:open', [
      patientId,
      reason,
      String(durationHours),
    ]);
  }

  reviewBreakGlass(patientId: string, seq: number, comment: string) {
    return this.submit<BreakGlassReview>('BreakGlass:review', [patientId, String(seq), comment]);
  }

  acknowledgeBreakGlass(patientId: string, seq: number) {
    return this.submit<BreakGlassAcknowledgement>('BreakGlass:acknowledge', [
      patientId,
      String(seq),
    ]);
  }

  listBreakGlassForReview() {
    return this.evaluate<BreakGlassSession[]>('BreakGlass:listForReview');
  }

  listBreakGlassForPatient(patientId: string) {
    return this.evaluate<BreakGlassSession[]>('BreakGlass:listForPatient', [patientId]);
  }

  listMyBreakGlass() {
    return this.evaluate<BreakGlassEntry[]>('BreakGlass:listMine');
  }

  getPolicy() {
    return this.evaluate<{
      maxHours: number;
      minReasonLength: number;
      maxReasonLength: number;
      minReasonWords: number;
    }>('BreakGlass:getPolicy');
  }
}
