import { Shim, type ChaincodeServerOpts } from 'fabric-shim';
import { createChaincode } from './chaincode';
import {
  BREAK_GLASS_MAX_HOURS_ENV,
  loadBreakGlassPolicy,
  loadClockPolicy,
  TX_TIME_TOLERANCE_ENV,
} from './config';
import { readServerConfig } from './server-config';

/**
 * Chaincode-as-a-service entry point: the peer connects to this process instead of
 * launching a container. Bad settings stop it here, before it accepts a connection.
 */
async function main(): Promise<void> {
  const config = readServerConfig(process.env);
  const policy = loadBreakGlassPolicy(process.env);
  const clock = loadClockPolicy(process.env);
  const chaincode = createChaincode();
  const options = {
    ccid: config.ccid,
    address: config.address,
    ...(config.tls ? { tlsProps: config.tls } : {}),
  } as ChaincodeServerOpts; // tlsProps is optional at runtime; the shim's typing says otherwise
  // Shim.server builds fabric-shim's ChaincodeServer (the class itself is not exported at runtime).
  await Shim.server(chaincode, options).start();
  console.log(
    `action-ehr chaincode ${config.ccid} listening on ${config.address} (${config.tls ? 'TLS' : 'plaintext'}); ` +
      `${BREAK_GLASS_MAX_HOURS_ENV}=${policy.maxHours}, ${TX_TIME_TOLERANCE_ENV}=${clock.toleranceMillis / 1000}`,
  );
}

main().catch((error: unknown) => {
  console.error(
    `action-ehr chaincode failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
