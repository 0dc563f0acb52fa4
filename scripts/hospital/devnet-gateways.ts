// The hospitals' record gateways as `devnet:status` lists them. They run beside the record
// storage in the demo world's process (scripts/demo/demo-world.ts), on the devnet's
// `gateway-<org>` ports, so they answer while `npm start` (or its desktop app) runs.
import { PEER_ORGS, port, type DevnetConfig } from '../devnet/config.ts';
import type { StatusLine } from '../devnet/network.ts';
import { INFO_PATH, type GatewayInfo } from '../../src/shared/gateway/protocol.ts';

export async function gatewayStatus(cfg: DevnetConfig): Promise<StatusLine[]> {
  return Promise.all(
    PEER_ORGS.filter((org) => cfg.ports[`gateway-${org.key}`] !== undefined).map(async (org) => {
      const name = `gateway-${org.key}`;
      const endpoint = `http://127.0.0.1:${port(cfg, name)}`;
      const info = await fetch(`${endpoint}${INFO_PATH}`, { signal: AbortSignal.timeout(2000) })
        .then((res) => (res.ok ? (res.json() as Promise<GatewayInfo>) : null))
        .catch(() => null);
      return {
        name,
        pid: undefined,
        endpoint,
        answers: info?.service === 'action-ehr-record-gateway',
        detail: info
          ? `record gateway of bucket ${info.bucket}`
          : 'record gateway (runs with npm start’s demo world)',
      };
    }),
  );
}
