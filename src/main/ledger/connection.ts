// A connection to the hospital's own Fabric peer through the Fabric Gateway, signing with
// the smart card: every transaction is signed by the card's ECDSA key, the certificate on
// the card is the identity. TLS to the peer is verified against the hospital's TLS CA.
import * as grpc from '@grpc/grpc-js';
import { connect, hash, type Gateway } from '@hyperledger/fabric-gateway';

export interface PeerEndpoint {
  /** host:port of the hospital's peer. */
  endpoint: string;
  tlsCaPem: string;
  /** The TLS server name when it differs from the host (e.g. peer0.hospital-a.example). */
  hostOverride?: string;
}

export interface LedgerIdentity {
  mspId: string;
  certificatePem: string;
  /** Signs a SHA-256 digest with the card's key; returns a DER ECDSA signature. */
  signDigest: (digest: Uint8Array) => Promise<Uint8Array>;
}

export interface LedgerConnection {
  gateway: Gateway;
  client: grpc.Client;
  close(): void;
}

/** Deadlines for each gateway call: a slow peer becomes a clear error, not a hung UI. */
export const DEADLINES_MS = {
  evaluate: 10_000,
  endorse: 30_000,
  submit: 10_000,
  commitStatus: 60_000,
};

const deadline = (ms: number) => () => ({ deadline: Date.now() + ms });

export function connectToPeer(peer: PeerEndpoint, identity: LedgerIdentity): LedgerConnection {
  const credentials = grpc.credentials.createSsl(Buffer.from(peer.tlsCaPem));
  const options: grpc.ChannelOptions = {
    // Keep the connection healthy across idle periods and notice a dead peer quickly.
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.initial_reconnect_backoff_ms': 250,
    'grpc.max_reconnect_backoff_ms': 5_000,
  };
  if (peer.hostOverride) options['grpc.ssl_target_name_override'] = peer.hostOverride;
  const client = new grpc.Client(peer.endpoint, credentials, options);
  const gateway = connect({
    client,
    identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificatePem) },
    signer: identity.signDigest,
    hash: hash.sha256,
    evaluateOptions: deadline(DEADLINES_MS.evaluate),
    endorseOptions: deadline(DEADLINES_MS.endorse),
    submitOptions: deadline(DEADLINES_MS.submit),
    commitStatusOptions: deadline(DEADLINES_MS.commitStatus),
  });
  return {
    gateway,
    client,
    close() {
      gateway.close();
      client.close();
    },
  };
}
