// A hospital's record gateway for a test world: its service identity enrolled at the
// hospital's CA with role=gateway (a software key, as on a server), its Fabric connection to
// that hospital's peer, the test bucket's credentials, and the channel's hospital CAs.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGateway, type RunningGateway } from '../../src/gateway/server';
import type { TrustedRoot } from '../../src/gateway/verify-request';
import type { TestS3 } from '../storage/helpers';
import type { OrgIndex, TestLedgerNetwork } from './ledger-network';

/** Each hospital's MSP root certificates, as the channel configuration holds them. */
export function channelRoots(net: TestLedgerNetwork): TrustedRoot[] {
  return ([0, 1] as const).flatMap((org) => {
    const profile = net.profile(org);
    const dir = join(profile.identities.appadmin!.mspDir, 'cacerts');
    return readdirSync(dir).map((name) => ({
      mspId: profile.mspId,
      certificatePem: readFileSync(join(dir, name), 'utf8'),
    }));
  });
}

export function startTestGateway(
  net: TestLedgerNetwork,
  s3: TestS3,
  org: OrgIndex,
): Promise<RunningGateway> {
  const identity = net.enrol(org, `gateway-${org}-${randomBytes(4).toString('hex')}`, {
    role: 'gateway',
  });
  const profile = net.profile(org);
  const { connection } = net.connect(org, identity);
  const contract = connection.gateway.getNetwork(profile.channel).getContract(profile.chaincode);
  return startGateway({
    port: 0,
    bucket: s3.bucket,
    s3: {
      endpoint: s3.settings.endpoint,
      region: s3.settings.region,
      accessKeyId: s3.settings.accessKeyId,
      secretAccessKey: s3.settings.secretAccessKey,
    },
    contract,
    trustedRoots: channelRoots(net),
  });
}
