// The helper processes under Electron's utilityProcess (packaged builds have RunAsNode
// off): the PKCS#11 probe and the card process speak the same protocol as under Node's
// fork. utilityProcess itself is a named test double (no Electron binary here); the
// scripts, the SoftHSM2 module and the protocol are the real ones.
import { afterAll, describe, expect, it } from 'vitest';
import { utilityLauncher } from '../../src/main/electron/utility-launcher';
import { CardClient } from '../../src/main/keystore/card-client';
import { runChildTask } from '../../src/main/offload/child-task';
import type { Pkcs11ProbeInput, Pkcs11ProbeResult } from '../../src/main/offload/pkcs11-info';
import { CARD_SERVICE_FROM_SOURCE, PKCS11_PROBE_FROM_SOURCE } from '../support/child-scripts';
import { utilityProcessDouble } from '../support/electron-utility-double';
import { softhsmModulePath } from '../support/fixtures';
import { softhsmTokens } from '../support/softhsm';

describe('helper processes as Electron utility processes', () => {
  const tokens = softhsmTokens();
  afterAll(() => tokens.cleanup());

  it('probes a PKCS#11 module and answers as under Node', async () => {
    const utility = utilityProcessDouble();
    const script = { ...PKCS11_PROBE_FROM_SOURCE, launch: utilityLauncher(utility) };
    const info = await runChildTask<Pkcs11ProbeInput, Pkcs11ProbeResult>(
      script,
      { modulePath: softhsmModulePath() },
      15_000,
    );
    expect(info.manufacturer).toMatch(/SoftHSM/);
    expect(utility.forks).toHaveLength(1);
    expect(utility.forks[0]?.options).toMatchObject({ serviceName: 'ACTION-EHR pkcs11-probe' });
  });

  it('runs the card process: lists the card, signs in, and ends when asked', async () => {
    const serial = await tokens.createToken('utility-card', '314159');
    const utility = utilityProcessDouble();
    const client = await CardClient.start({
      modulePath: softhsmModulePath(),
      script: { ...CARD_SERVICE_FROM_SOURCE, launch: utilityLauncher(utility) },
      env: tokens.env,
    });
    const listed = await client.call('listTokens', undefined);
    expect(listed.map((t) => t.serial)).toContain(serial);
    await expect(client.call('signIn', { serial, pin: '000000' })).rejects.toMatchObject({
      code: 'CARD_WRONG_PIN',
    });
    await client.call('signIn', { serial, pin: '314159' });
    const stopped = new Promise<string>((resolve) => client.once('stopped', resolve));
    await client.stop();
    // The child closed its module and exited by itself on PARENT_GONE (exit 0, no kill).
    expect(await stopped).toMatch(/exit 0/);
  });
});
