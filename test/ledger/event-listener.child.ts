// A workstation's event listener as its own process, so the test can kill -9 it mid-stream:
// applies chaincode events to a SQLite cache (event + checkpoint in one transaction) and
// reports each applied transaction id to the parent.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signers } from '@hyperledger/fabric-gateway';
import { openDatabase } from '../../src/main/cache/database';
import { connectToPeer } from '../../src/main/ledger/connection';
import { EventCache, syncEvents } from '../../src/main/ledger/event-sync';

interface Args {
  dbFile: string;
  endpoint: string;
  tlsCaPath: string;
  certPath: string;
  keyPath: string;
  mspId: string;
  channel: string;
  chaincode: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const db = openDatabase(args.dbFile);
const cache = new EventCache(db, `${args.channel}/${args.chaincode}`);
const certificatePem = readFileSync(args.certPath, 'utf8');
const connection = connectToPeer(
  { endpoint: args.endpoint, tlsCaPem: readFileSync(args.tlsCaPath, 'utf8') },
  {
    mspId: args.mspId,
    certificatePem,
    signDigest: signers.newPrivateKeySigner(createPrivateKey(readFileSync(args.keyPath))),
  },
);
const network = connection.gateway.getNetwork(args.channel);
void syncEvents(network, cache, {
  chaincodeName: args.chaincode,
  signal: new AbortController().signal,
  retryDelayMs: 200,
  onApplied: (event) => process.send?.({ applied: event.txId }),
});
process.send?.({ ready: cache.count() });
