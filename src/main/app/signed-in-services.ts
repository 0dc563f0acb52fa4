// What a signed-in user works with, built when a card signs in and closed when it signs out
// or leaves the reader: a Fabric Gateway connection to the hospital's own peer whose every
// signature is made by the card, and the record storage: each hospital's record gateway as
// the ledger lists it, asked with requests the card signs (no bucket credentials here).
// The use cases under records/, permissions/, directory/ and history/ take these services.
import { readFileSync } from 'node:fs';
import type { Network } from '@hyperledger/fabric-gateway';
import type { Settings } from '../../shared/settings';
import type { Role } from '../../shared/roles';
import { EhrError } from '../errors';
import { connectToPeer, type LedgerConnection } from '../ledger/connection';
import { EhrLedger } from '../ledger/ehr-ledger';
import { CHAINCODE_NAME, LEDGER_CHANNEL } from '../ledger/names';
import type { SignedInCard } from '../session/session';
import { RecordStorage } from '../storage/record-storage';

export interface SignedInUser {
  /** Ledger id: the patient's pseudonym or the caregiver's / admin's id. */
  id: string;
  role: Role;
  mspId: string;
}

export interface SignedInServices {
  user: SignedInUser;
  card: SignedInCard;
  ledger: EhrLedger;
  /** The channel, for the chaincode event stream. */
  network: Network;
  /** The record storage, through the record gateway of the hospital that keeps each object. */
  storage: RecordStorage;
  close(): void;
}

function notConfigured(what: string): EhrError {
  return new EhrError(
    'NOT_CONFIGURED',
    `${what} is not set in Connection settings. Ask your hospital IT to set it.`,
  );
}

export function openSignedInServices(
  card: SignedInCard,
  user: SignedInUser,
  settings: Settings,
): SignedInServices {
  if (!settings.peerEndpoint) throw notConfigured("The hospital ledger peer's endpoint");
  if (!settings.peerTlsCaPath) throw notConfigured("The peer's TLS CA certificate");
  if (!settings.mspId) throw notConfigured("The hospital's MSP id");
  let tlsCaPem: string;
  try {
    tlsCaPem = readFileSync(settings.peerTlsCaPath, 'utf8');
  } catch (error) {
    throw new EhrError(
      'NOT_CONFIGURED',
      `The peer's TLS CA certificate cannot be read (${(error as Error).message}). Ask your hospital IT to check Connection settings.`,
    );
  }
  const connection: LedgerConnection = connectToPeer(
    { endpoint: settings.peerEndpoint, tlsCaPem },
    {
      mspId: settings.mspId,
      certificatePem: card.identity.certificatePem,
      signDigest: (digest) => card.signDigest(digest),
    },
  );
  const network = connection.gateway.getNetwork(LEDGER_CHANNEL);
  const contract = network.getContract(CHAINCODE_NAME);
  const ledger = new EhrLedger(contract);
  return {
    user,
    card,
    ledger,
    network,
    storage: new RecordStorage(ledger, settings.mspId, {
      certificatePem: card.identity.certificatePem,
      signDigest: (digest) => card.signDigest(digest),
    }),
    close() {
      connection.close();
    },
  };
}
