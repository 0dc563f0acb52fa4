// Stops a devnet when the process that owns it is gone:
//   node watchdog.mjs <runDir> <ownerPid> [--wipe <stateDir>]
// With --wipe it then deletes the state dir too (tests use throwaway state dirs).
// Started detached by `up` when an owner pid is given (the smoke test passes its own pid), so a test
// runner that crashes or is killed leaves no servers behind. Only processes named by pid files in
// <runDir> whose kernel start time still matches are signalled (same rule as proc.ts).
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const [runDir, ownerArg, wipeFlag, wipeDir] = process.argv.slice(2);
const owner = Number(ownerArg);
if (!runDir || !Number.isInteger(owner) || owner <= 0) {
  console.error('usage: node watchdog.mjs <runDir> <ownerPid>');
  process.exit(2);
}

function startTime(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[0] === 'Z' ? undefined : rest[19];
  } catch {
    return undefined;
  }
}

const ownerStart = startTime(owner);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function stopAll() {
  if (!existsSync(runDir)) return;
  const recs = [];
  for (const f of readdirSync(runDir)) {
    if (!f.endsWith('.pid') || f === 'watchdog.pid') continue;
    try {
      const rec = JSON.parse(readFileSync(join(runDir, f), 'utf8'));
      if (startTime(rec.pid) === rec.start) recs.push({ ...rec, file: join(runDir, f) });
      else rmSync(join(runDir, f), { force: true });
    } catch {
      /* unreadable pid file: leave it */
    }
  }
  const signal = (rec, sig) => {
    try {
      process.kill(-rec.pid, sig);
    } catch {
      try {
        process.kill(rec.pid, sig);
      } catch {
        /* gone */
      }
    }
  };
  for (const rec of recs) signal(rec, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && recs.some((r) => startTime(r.pid) === r.start)) await sleep(200);
  for (const rec of recs) if (startTime(rec.pid) === rec.start) signal(rec, 'SIGKILL');
  for (const rec of recs) rmSync(rec.file, { force: true });
}

for (;;) {
  if (!ownerStart || startTime(owner) !== ownerStart) {
    console.log(
      `${new Date().toISOString()} owner ${owner} is gone: stopping the devnet in ${runDir}`,
    );
    await stopAll();
    rmSync(join(runDir, 'watchdog.pid'), { force: true });
    // Only a folder that looks like a devnet state dir (network.json) is deleted.
    if (wipeFlag === '--wipe' && wipeDir && existsSync(join(wipeDir, 'network.json'))) {
      rmSync(wipeDir, { recursive: true, force: true });
    }
    process.exit(0);
  }
  await sleep(1000);
}
