import { readFileSync } from 'node:fs';

/**
 * Chaincode-as-a-service settings, from the environment the peer's external builder (or the
 * devnet script) starts the process with:
 *
 * - CHAINCODE_SERVER_ADDRESS  host:port to listen on, e.g. 127.0.0.1:9999 (required)
 * - CHAINCODE_ID              the package id the peer knows this chaincode by (required)
 * - CHAINCODE_TLS_CERT, CHAINCODE_TLS_KEY   PEM files; set both to serve TLS
 * - CHAINCODE_CLIENT_CA_CERT  PEM file; with TLS, peers must present a certificate it signed
 */
export interface ServerConfig {
  address: string;
  ccid: string;
  tls: { cert: Buffer; key: Buffer; clientCACerts: Buffer | null } | null;
}

type Env = Record<string, string | undefined>;

export function readServerConfig(
  env: Env,
  readFile: (path: string) => Buffer = readFileSync,
): ServerConfig {
  const address = required(env, 'CHAINCODE_SERVER_ADDRESS');
  if (!/^[^\s:]+:[0-9]{1,5}$/.test(address)) {
    throw new Error(`CHAINCODE_SERVER_ADDRESS must be host:port; got ${JSON.stringify(address)}`);
  }
  const ccid = required(env, 'CHAINCODE_ID');
  const certPath = optional(env, 'CHAINCODE_TLS_CERT');
  const keyPath = optional(env, 'CHAINCODE_TLS_KEY');
  const clientCaPath = optional(env, 'CHAINCODE_CLIENT_CA_CERT');
  if ((certPath === null) !== (keyPath === null)) {
    throw new Error('CHAINCODE_TLS_CERT and CHAINCODE_TLS_KEY must be set together');
  }
  if (certPath === null || keyPath === null) {
    if (clientCaPath !== null)
      throw new Error('CHAINCODE_CLIENT_CA_CERT needs CHAINCODE_TLS_CERT and CHAINCODE_TLS_KEY');
    return { address, ccid, tls: null };
  }
  return {
    address,
    ccid,
    tls: {
      cert: readFile(certPath),
      key: readFile(keyPath),
      clientCACerts: clientCaPath === null ? null : readFile(clientCaPath),
    },
  };
}

function required(env: Env, name: string): string {
  const value = optional(env, name);
  if (value === null) throw new Error(`${name} must be set`);
  return value;
}

function optional(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}
