// "The chaincode answers" is not yet "a client can submit": the Fabric Gateway builds each
// endorsement plan from its peer's discovery view, and a peer learns the other hospital's
// peer (and that it has the chaincode) only through gossip, seconds after the channel join.
// Until then a submit fails with "no combination of peers can be derived which satisfy the
// endorsement policy". So `up` waits until each hospital's gateway can endorse a proposal
// that needs both organisations, as every real submission does.
import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import { signers } from '@hyperledger/fabric-gateway';
import { connectToPeer } from '../../src/main/ledger/connection.ts';
import {
  CHAINCODE_NAME,
  HEALTH_QUERY,
  HOST,
  port,
  type DevnetConfig,
  type PeerOrg,
} from './config.ts';
import { caCert, identityDir } from './pki.ts';

/** Endorses the health query through the org's gateway (no submit); throws while it cannot. */
export async function endorseThroughGateway(cfg: DevnetConfig, org: PeerOrg): Promise<string> {
  const msp = join(identityDir(cfg, org.key, 'Admin'), 'msp');
  // The workstation's own connection code, with the org admin's file key in place of a card.
  const connection = connectToPeer(
    {
      endpoint: `${HOST}:${port(cfg, `peer-${org.key}`)}`,
      tlsCaPem: readFileSync(caCert(cfg, org.key), 'utf8'),
    },
    {
      mspId: org.mspId,
      certificatePem: readFileSync(join(msp, 'signcerts', 'cert.pem'), 'utf8'),
      signDigest: signers.newPrivateKeySigner(
        createPrivateKey(readFileSync(join(msp, 'keystore', 'key.pem'))),
      ),
    },
  );
  try {
    const transaction = await connection.gateway
      .getNetwork(cfg.channel)
      .getContract(CHAINCODE_NAME)
      .newProposal(HEALTH_QUERY.function, { arguments: HEALTH_QUERY.Args })
      .endorse();
    return Buffer.from(transaction.getResult()).toString('utf8');
  } finally {
    connection.close();
  }
}
