// A hospital's record gateway for a test world: its service identity enrolled at the
// hospital's CA with role=gateway (a software key, as on a server), its Fabric connection to
// that hospital's peer, the test bucket's credentials, and the channel's hospital CAs.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startGateway, type RunningGateway } from '../../src/gateway/server';
import { newEmergencyKey, type EmergencyKey } from '../../src/gateway/emergency-key';
import { emergencyRecipientId } from '../../src/shared/gateway/protocol';
import type { TrustedRoot } from '../../src/gateway/verify-request';
import { rootsFromProfiles } from '../../src/gateway/trusted-roots';
import type { TestS3 } from '../storage/helpers';
import { signers } from '@hyperledger/fabric-gateway';
import type { OrgIndex, Person, TestLedgerNetwork } from './ledger-network';

function softwareIdentity(mspId: string, certPath: string, keyPath: string): Person {
  const certificatePem = readFileSync(certPath, 'utf8');
  const signDigest = signers.newPrivateKeySigner(createPrivateKey(readFileSync(keyPath)));
  return { id: 'gateway', mspId, certificatePem, identity: { mspId, certificatePem, signDigest } };
}

/** Each hospital's MSP root certificates, as the channel configuration holds them. */
export function channelRoots(net: TestLedgerNetwork): TrustedRoot[] {
  return rootsFromProfiles([net.profile(0), net.profile(1)]);
}

export function startTestGateway(
  net: TestLedgerNetwork,
  s3: TestS3,
  org: OrgIndex,
  /** Another bucket of the same service, or the service reached through another address (a fault proxy). */
  options: { bucket?: string; s3Endpoint?: string; emergencyKey?: EmergencyKey } = {},
): Promise<RunningGateway & { emergencyKey: EmergencyKey }> {
  const profile = net.profile(org);
  // The service identity devnet up enrolled for the hospital's gateway (scripts/devnet/pki.ts).
  const ids = profile.identities.gateway!;
  const identity = softwareIdentity(profile.mspId, ids.certPath, ids.keyPath);
  const { connection } = net.connect(org, identity);
  const contract = connection.gateway.getNetwork(profile.channel).getContract(profile.chaincode);
  const emergencyKey = options.emergencyKey ?? newEmergencyKey(emergencyRecipientId(profile.mspId));
  const started = startGateway({
    emergencyKey,
    port: 0,
    bucket: options.bucket ?? s3.bucket,
    s3: {
      endpoint: options.s3Endpoint ?? s3.settings.endpoint,
      region: s3.settings.region,
      accessKeyId: s3.settings.accessKeyId,
      secretAccessKey: s3.settings.secretAccessKey,
    },
    contract,
    trustedRoots: channelRoots(net),
  });
  return started.then((gateway) => ({ ...gateway, emergencyKey }));
}
