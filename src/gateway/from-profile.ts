// One hospital's record gateway started from its connection profile: the service identity
// devnet up enrolled for it (identities.gateway, a software key as on a server), a Fabric
// connection to that hospital's own peer, and the channel's hospital CAs as trusted roots.
// Used by the gateway's own process (main.ts) and by the demo world.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signers } from '@hyperledger/fabric-gateway';
import { connectToPeer } from '../main/ledger/connection';
import { startGateway, type GatewayOptions, type RunningGateway } from './server';
import { rootsFromProfiles, type ProfileWithMsp } from './trusted-roots';

export interface GatewayProfile extends ProfileWithMsp {
  channel: string;
  chaincode: string;
  peer: { endpoint: string; tlsCACertPath: string };
  identities: Record<string, { certPath: string; keyPath: string; mspDir: string }>;
}

/** A Fabric connection to the profile's own peer as one of its enrolled software identities. */
export function connectAsProfileIdentity(profile: GatewayProfile, identity: string) {
  const ids = profile.identities[identity];
  if (!ids) throw new Error(`the profile of ${profile.mspId} has no ${identity} identity`);
  return connectToPeer(
    {
      endpoint: profile.peer.endpoint,
      tlsCaPem: readFileSync(profile.peer.tlsCACertPath, 'utf8'),
    },
    {
      mspId: profile.mspId,
      certificatePem: readFileSync(ids.certPath, 'utf8'),
      signDigest: signers.newPrivateKeySigner(createPrivateKey(readFileSync(ids.keyPath))),
    },
  );
}

export async function startGatewayFromProfile(
  own: GatewayProfile,
  others: readonly GatewayProfile[],
  options: Pick<GatewayOptions, 'port' | 'bucket' | 's3' | 'onAnswer' | 'emergencyKey'>,
): Promise<RunningGateway> {
  const connection = connectAsProfileIdentity(own, 'gateway');
  try {
    const gateway = await startGateway({
      ...options,
      contract: connection.gateway.getNetwork(own.channel).getContract(own.chaincode),
      trustedRoots: rootsFromProfiles([own, ...others]),
    });
    return {
      ...gateway,
      async close() {
        await gateway.close();
        connection.close();
      },
    };
  } catch (error) {
    connection.close();
    throw error;
  }
}
