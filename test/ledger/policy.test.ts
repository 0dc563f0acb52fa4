// The access policy on the real two-hospital network, through the Fabric Gateway: a patient
// of HospitalA signing on a smart card (SoftHSM2) shares with an oncologist of HospitalB,
// who reads through HospitalB's peer; the chaincode's refusals arrive with their rule.
import { createHash, randomBytes } from 'node:crypto';
import fabricProtos from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardClient } from '../../src/main/keystore/card-client';
import { provisionCard, type CardIdentity } from '../../src/main/keystore/provision';
import type { EhrLedger } from '../../src/main/ledger/ehr-ledger';
import { chaincodeRefusal, LedgerError } from '../../src/main/ledger/errors';
import {
  ledgerSkipReason,
  startLedgerNetwork,
  type Person,
  type TestLedgerNetwork,
} from '../support/ledger-network';
import { softhsmTokens, type TestTokens } from '../support/softhsm';

const { common, gateway: gateway_, msp, peer } = fabricProtos;

const skip = ledgerSkipReason();
if (skip) console.log(`Ledger policy tests skipped: ${skip}.`);

const hex = (n = 16) => randomBytes(n).toString('hex');
const minutes = (m: number) => new Date(Date.now() + m * 60_000);

async function refusal(promise: Promise<unknown>): Promise<LedgerError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LedgerError);
  return error as LedgerError;
}

describe.skipIf(Boolean(skip))('access policy on the real network', () => {
  let net: TestLedgerNetwork;
  let tokens: TestTokens;
  let card: CardClient;
  let patientId: string;
  let patientCard: CardIdentity;
  let doctor: Person;
  let asPatient: EhrLedger;
  let asDoctor: EhrLedger;
  let doctorConnection: ReturnType<TestLedgerNetwork['connect']>['connection'];

  beforeAll(async () => {
    net = await startLedgerNetwork(1);
    tokens = softhsmTokens();
    // The patient: enrolled at HospitalA onto a smart card; every transaction signed on it.
    patientId = `pat-${hex()}`;
    const secret = net.register(0, patientId, { role: 'patient' });
    const serial = await tokens.createToken('patient', '246810');
    card = await tokens.startClient({ timeoutMs: 60_000 });
    await card.call('signIn', { serial, pin: '246810' });
    const caProfile = net.profile(0).ca;
    const { readFileSync } = await import('node:fs');
    patientCard = await provisionCard(card, {
      enrollmentId: patientId,
      secret,
      ca: {
        url: caProfile.url,
        tlsCaPem: readFileSync(caProfile.tlsCACertPath, 'utf8'),
        caName: caProfile.caName,
      },
    });
    // The oncologist: HospitalB, software key.
    const doctorId = `cg-${hex()}`;
    doctor = net.enrol(1, doctorId, { role: 'caregiver', department: 'Radiation Oncology' });

    const adminA = net.connect(0, net.appadmin(0)).ledger;
    await adminA.registerUser({
      userId: patientId,
      role: 'patient',
      mspId: 'HospitalAMSP',
      certFingerprint: patientCard.certificateFingerprint,
      encryptionPublicKeyPem: patientCard.encryptionPublicKeyPem,
      displayName: '',
      department: '',
    });
    await net.registerInDirectory(1, doctor, 'caregiver', {
      displayName: 'Dr Grace Hopper',
      department: 'Radiation Oncology',
    });
    asPatient = net.connect(0, {
      id: patientId,
      mspId: 'HospitalAMSP',
      certificatePem: patientCard.certificatePem,
      identity: {
        mspId: 'HospitalAMSP',
        certificatePem: patientCard.certificatePem,
        signDigest: async (digest) => card.call('signDigest', { digest }),
      },
    }).ledger;
    const doctorSide = net.connect(1, doctor);
    asDoctor = doctorSide.ledger;
    doctorConnection = doctorSide.connection;
  }, 240_000);

  afterAll(async () => {
    await card?.stop();
    tokens?.cleanup();
    await net?.stop();
  }, 60_000);

  const record = (category: 'imaging' | 'dose' | 'lab') => ({
    patientId,
    category,
    storagePointer: `s3://records/records/${hex()}`,
    sha256: hex(32),
    sizeBytes: 1024,
    contentType: 'application/dicom',
    keyEnvelopeRef: `s3://records/records/${hex()}.keys`,
  });

  it('lets the caregiver at the other hospital read inside the granted window and category', async () => {
    await asPatient.addRecord(record('imaging'));
    await asPatient.addRecord(record('dose'));
    await asPatient.grant({
      patientId,
      caregiverId: doctor.id,
      category: 'imaging',
      // Started an hour ago: after the revoke, a query backdated into this window is the attack.
      validFrom: minutes(-60),
      validTo: minutes(30),
      read: true,
      write: false,
    });
    const listing = (await asDoctor.listRecords(patientId)) as {
      records: { accessBasis: string; record: { category: string } }[];
    };
    expect(listing.records.map((r) => r.record.category)).toEqual(['imaging']);
  }, 120_000);

  it('refuses outside the category and outside the window, naming the rule', async () => {
    const dose = await asPatient.addRecord(record('dose'));
    const outsideCategory = await refusal(asDoctor.recordDownload(patientId, dose.transactionId));
    expect(outsideCategory.code).toBe('FORBIDDEN');
    expect(outsideCategory.subject).toBe('caregiver-read-grant');

    const lab = await asPatient.addRecord(record('lab'));
    await asPatient.grant({
      patientId,
      caregiverId: doctor.id,
      category: 'lab',
      validFrom: minutes(60),
      validTo: minutes(120),
      read: true,
      write: false,
    });
    const notYet = await refusal(asDoctor.recordDownload(patientId, lab.transactionId));
    expect(notYet.subject).toBe('caregiver-read-grant');

    const noWrite = await refusal(asDoctor.addRecord(record('imaging')));
    expect(noWrite.subject).toBe('caregiver-write-grant');
  }, 120_000);

  it('refuses after revoke, and keeps the full history in order', async () => {
    await asPatient.revoke(patientId, doctor.id, 'imaging');
    const afterRevoke = await refusal(asDoctor.listRecords(patientId));
    expect(afterRevoke.code).toBe('FORBIDDEN');
    const history = (await asPatient.getHistory(patientId)) as {
      seq: number;
      kind: string;
      category: string;
    }[];
    expect(history.map((h) => [h.kind, h.category])).toEqual([
      ['grant', 'imaging'],
      ['grant', 'lab'],
      ['revoke', 'imaging'],
    ]);
    const seqs = history.map((h) => h.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    // Only the patient changes his permissions.
    const notPatient = await refusal(
      asDoctor.grant({
        patientId,
        caregiverId: doctor.id,
        category: 'dose',
        validFrom: minutes(-1),
        validTo: minutes(30),
        read: true,
        write: true,
      }),
    );
    expect(notPatient.subject).toBe('patient-only');
  }, 120_000);

  it('refuses a caregiver who backdates his query into the window the patient revoked', async () => {
    // Fabric's endorsers accept any timestamp the client puts in a proposal, and the chaincode
    // decides by that timestamp; so the doctor crafts a listRecords dated ten minutes back,
    // when his imaging grant (revoked above) was in force, and signs it himself.
    const { gateway } = doctorConnection;
    const contract = gateway
      .getNetwork(net.profile(1).channel)
      .getContract(net.profile(1).chaincode);
    const proposed = gateway_.ProposedTransaction.deserializeBinary(
      contract.newProposal('Records:listRecords', { arguments: [patientId] }).getBytes(),
    );
    const signed = proposed.getProposal()!;
    const proposal = peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8());
    const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    const timestamp = channelHeader.getTimestamp()!;
    timestamp.setSeconds(timestamp.getSeconds() - 600);
    channelHeader.setTimestamp(timestamp);
    header.setChannelHeader(channelHeader.serializeBinary());
    proposal.setHeader(header.serializeBinary());
    signed.setProposalBytes(proposal.serializeBinary());
    proposed.setProposal(signed);
    const digest = createHash('sha256').update(signed.getProposalBytes_asU8()).digest();
    const forged = gateway.newSignedProposal(
      proposed.serializeBinary(),
      await doctor.identity.signDigest(digest),
    );
    const error = await forged.evaluate().then(
      () => null,
      (e: unknown) => chaincodeRefusal(e),
    );
    expect(error?.code).toBe('INVALID_ARGUMENT');
    expect(error?.subject).toBe('txTimestamp');
    expect(error?.message).toMatch(/60\d s behind the ledger's clock/);
  }, 60_000);

  it('opens break-glass for a bounded time, flagged in listings and history', async () => {
    const opened = await asDoctor.openBreakGlass(
      patientId,
      'Unconscious patient in the emergency room; prior spinal cord dose needed now.',
      1,
    );
    const entry = opened.value as {
      kind: string;
      breakGlass: boolean;
      validFrom: string;
      validTo: string;
    };
    expect(entry).toMatchObject({ kind: 'break-glass', breakGlass: true });
    expect(Date.parse(entry.validTo) - Date.parse(entry.validFrom)).toBe(3_600_000);
    const listing = (await asDoctor.listRecords(patientId)) as {
      breakGlass: { validTo: string } | null;
      records: { accessBasis: string; record: { category: string } }[];
    };
    expect(listing.breakGlass?.validTo).toBe(entry.validTo);
    // Every category is readable during break-glass, each record flagged with why.
    expect(new Set(listing.records.map((r) => r.record.category))).toEqual(
      new Set(['imaging', 'dose', 'lab']),
    );
    expect(listing.records.every((r) => r.accessBasis === 'break-glass')).toBe(true);
    const history = (await asPatient.getHistory(patientId)) as { kind: string }[];
    expect(history.at(-1)?.kind).toBe('break-glass');
    const tooLong = await refusal(
      asDoctor.openBreakGlass(patientId, 'Another emergency, a second long reason.', 99),
    );
    expect(tooLong.code).toBe('INVALID_ARGUMENT');
  }, 120_000);

  it("endorses transactions sent through HospitalB's peer by both hospitals", async () => {
    // The doctor (HospitalB) logs a download, allowed by the break-glass session opened above.
    const added = await asPatient.addRecord(record('imaging'));
    const { transactionId } = await asDoctor.recordDownload(patientId, added.transactionId);
    const qscc = doctorConnection.gateway.getNetwork(net.profile(1).channel).getContract('qscc');
    const raw = await qscc.evaluateTransaction(
      'GetTransactionByID',
      net.profile(1).channel,
      transactionId,
    );
    const processed = peer.ProcessedTransaction.deserializeBinary(raw);
    const payload = common.Payload.deserializeBinary(
      processed.getTransactionenvelope()!.getPayload_asU8(),
    );
    const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
    const action = peer.ChaincodeActionPayload.deserializeBinary(
      transaction.getActionsList()[0]!.getPayload_asU8(),
    );
    const endorsers = action
      .getAction()!
      .getEndorsementsList()
      .map((e) => msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid())
      .sort();
    expect(endorsers).toEqual(['HospitalAMSP', 'HospitalBMSP']);
    expect(processed.getValidationcode()).toBe(peer.TxValidationCode.VALID);
  }, 120_000);
});
