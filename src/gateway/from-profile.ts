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

export async function startGatewayFromProfile(
  own: GatewayProfile,
  others: readonly GatewayProfile[],
  options: Pick<GatewayOptions, 'port' | 'bucket' | 's3' | 'onAnswer' | 'emergencyKey'>,
): Promise<RunningGateway> {
  const service = own.identities.gateway;
  if (!service) throw new Error(`the profile of ${own.mspId} has no gateway identity`);
  const connection = connectToPeer(
    { endpoint: own.peer.endpoint, tlsCaPem: readFileSync(own.peer.tlsCACertPath, 'utf8') },
    {
      mspId: own.mspId,
      certificatePem: readFileSync(service.certPath, 'utf8'),
      signDigest: signers.newPrivateKeySigner(createPrivateKey(readFileSync(service.keyPath))),
    },
  );
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
