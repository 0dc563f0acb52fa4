// `npx tsx scripts/devnet/cli.ts up|down|status|reset|restart-chaincode|build [options]`
//   --state-dir DIR     (DEVNET_STATE_DIR, default <repo>/.devnet)
//   --base-port N       (DEVNET_BASE_PORT, default 17000; single ports: DEVNET_PORT_<NAME>)
//   --orderers 1|3      (DEVNET_ORDERERS, default 1)
//   --no-build          fail instead of building missing Fabric binaries
//   --owner-pid PID     stop the whole network when that process exits
// See config.ts for every setting. `up` is idempotent; `down` stops only processes it started.
import { resolveConfig, type ConfigOptions } from './config.ts';
import { down, ensureBinaries, reset, status, stopChaincode, up } from './network.ts';

function usage(code: number): never {
  console.log(
    'usage: cli.ts up|down|status|reset|restart-chaincode|build [--state-dir DIR] [--base-port N] [--orderers 1|3] [--no-build] [--owner-pid PID]',
  );
  process.exit(code);
}

const [command, ...rest] = process.argv.slice(2);
const opts: ConfigOptions = {};
let build = true;
let ownerPid: number | undefined;
for (let i = 0; i < rest.length; i++) {
  const a = rest[i]!;
  const value = () => {
    const v = rest[++i];
    if (v === undefined) usage(2);
    return v;
  };
  if (a === '--state-dir') opts.stateDir = value();
  else if (a === '--base-port') opts.basePort = Number(value());
  else if (a === '--orderers') opts.orderers = Number(value());
  else if (a === '--no-build') build = false;
  else if (a === '--owner-pid') ownerPid = Number(value());
  else if (a === '-h' || a === '--help') usage(0);
  else usage(2);
}

try {
  const cfg = resolveConfig(opts);
  switch (command) {
    case 'up':
      await up(cfg, { build, ownerPid });
      break;
    case 'down': {
      const stopped = await down(cfg);
      cfg.log(stopped.length ? `stopped ${stopped.join(', ')}` : 'nothing was running');
      break;
    }
    case 'reset':
      await reset(cfg);
      cfg.log(`stopped and wiped ${cfg.stateDir}`);
      break;
    case 'restart-chaincode': {
      // After `npm --prefix chaincode run build`: same package ids, the processes run the new dist/.
      const stopped = await stopChaincode(cfg);
      cfg.log(
        stopped.length ? `stopped ${stopped.join(', ')}` : 'no chaincode process was running',
      );
      await up(cfg, { build });
      break;
    }
    case 'build':
      await ensureBinaries(cfg, true);
      cfg.log(`binaries: ${cfg.bins.fabricBin}, ${cfg.bins.caBin}`);
      break;
    case 'status': {
      const lines = await status(cfg);
      const w = Math.max(...lines.map((l) => l.name.length));
      for (const l of lines) {
        const state = l.answers ? 'answers' : l.pid ? 'NOT answering' : 'down';
        console.log(
          `${l.name.padEnd(w)}  ${String(l.pid ?? '-').padStart(7)}  ${l.endpoint.padEnd(28)}  ${state.padEnd(13)}  ${l.detail}`,
        );
      }
      if (!lines.every((l) => l.answers)) process.exitCode = 1;
      break;
    }
    default:
      usage(2);
  }
} catch (e) {
  console.error(`[devnet] ${command} failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
