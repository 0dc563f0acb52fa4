// The IPC dispatcher sits on every call from the UI: schema validation and result
// envelopes must cost little next to the handler itself.
import { composeApp } from '../src/main/app/compose';
import { tempDir } from '../test/support/tmp';
import { childScriptsFromSource } from '../test/support/child-scripts';
import { opsPerSecond, type BenchFigure } from './format';

export async function run(): Promise<BenchFigure[]> {
  const home = tempDir('bench-ipc');
  const app = composeApp({
    userDataDir: home.path,
    appInfo: { name: 'bench', version: '0', kiosk: false, shell: 'browser-harness' },
    childScripts: childScriptsFromSource,
  });
  try {
    const args = { key: 'peerEndpoint', value: 'peer0.hospital-a.example:7051' } as const;
    const viaDispatch = await opsPerSecond(() => app.dispatch('checkSetting', args));
    const direct = await opsPerSecond(() => app.handlers.checkSetting(args));
    return [
      {
        name: 'ipc_dispatch_check_setting_per_s',
        value: viaDispatch,
        unit: 'calls/s',
        reference: { name: 'direct_handler_call', value: direct },
      },
    ];
  } finally {
    await app.close();
    home.cleanup();
  }
}
