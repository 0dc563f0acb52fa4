// E2E: signing in with a smart card (SoftHSM2 token) in Chromium, through the real
// settings, card process and session service: the card is found, a wrong PIN is said to
// be wrong, the right PIN opens the holder's shell, and pulling the card locks at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp, type ComposedApp } from '../../src/main/app/compose';
import { openBrowserShell, type BrowserShell } from '../harness/browser-shell';
import { childScriptsFromSource } from '../support/child-scripts';
import { softhsmModulePath } from '../support/fixtures';
import { softhsmTokens, type TestTokens } from '../support/softhsm';
import { OpenSslCaForTests } from '../support/test-ca';
import { tempDir } from '../support/tmp';

const PIN = '482913';

describe('smart-card sign-in in Chromium', () => {
  const home = tempDir('sign-in-e2e');
  let tokens: TestTokens;
  let serial: string;
  let app: ComposedApp;
  let shell: BrowserShell;

  beforeAll(async () => {
    tokens = softhsmTokens();
    process.env.SOFTHSM2_CONF = tokens.env.SOFTHSM2_CONF;
    serial = await tokens.createToken('Patient card', PIN);
    const setup = await tokens.startClient();
    await setup.call('signIn', { serial, pin: PIN });
    await new OpenSslCaForTests(home.path).enrolCard(setup, 'pat-0f3a9c', { role: 'patient' });
    await setup.stop();

    app = composeApp({
      userDataDir: home.path,
      appInfo: {
        name: 'ACTION-EHR Workstation',
        version: 'test',
        kiosk: true,
        shell: 'browser-harness',
        // The kiosk default (settings/machine-policy.ts), stated so the test reads alone.
        idleLogoffSeconds: 120,
      },
      childScripts: childScriptsFromSource,
    });
    // The kiosk's IT set these before handing it to patients.
    app.db
      .prepare(
        "INSERT INTO settings (key, value, updated_at) VALUES ('pkcs11ModulePath', ?, 'now'), ('mspId', 'HospitalAMSP', 'now')",
      )
      .run(softhsmModulePath());
    shell = await openBrowserShell({
      dispatch: app.dispatch,
      events: app.events,
      controlledClock: true,
    });
  });

  afterAll(async () => {
    await shell?.close();
    await app?.close();
    tokens?.cleanup();
    home.cleanup();
  });

  it('finds the card and says so', async () => {
    await expect
      .poll(() => shell.page.locator('.card-status').textContent(), { timeout: 15_000 })
      .toBe('Card: Patient card');
    await shell.screenshot('e2e', 'sign-in-card-found');
  });

  it('says a wrong PIN is wrong and empties the field', async () => {
    const { page } = shell;
    await page.getByLabel('Card PIN').fill('111111');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.locator('#pin-error').textContent(), { timeout: 15_000 })
      .toMatch(/^Wrong PIN\./);
    expect(await page.getByLabel('Card PIN').inputValue()).toBe('');
    await shell.screenshot('e2e', 'sign-in-wrong-pin');
  });

  it('signs the card holder in to the patient shell, the PIN typed on the kiosk’s pad', async () => {
    const { page } = shell;
    const pad = page.getByRole('group', { name: 'PIN pad' });
    // A slip corrected with the delete key, as a patient at the touch screen would.
    for (const key of [...PIN.slice(0, 3), '7'])
      await pad.getByRole('button', { name: key, exact: true }).click();
    await pad.getByRole('button', { name: 'Delete last digit' }).click();
    for (const key of PIN.slice(3))
      await pad.getByRole('button', { name: key, exact: true }).click();
    expect(await page.getByLabel('Card PIN').inputValue()).toBe(PIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Patient navigation' }).waitFor({ timeout: 15_000 });
    expect(await page.getByLabel('Signed in as').textContent()).toBe(
      'pat-0f3a9c · Patient · HospitalAMSP',
    );
    await shell.screenshot('e2e', 'signed-in-patient');
  });

  it('warns after 90 s without use, keeps the session on a touch, signs out at 2 minutes', async () => {
    const { page } = shell;
    const warning = page.getByRole('alertdialog', { name: 'Are you still there?' });
    await page.clock.fastForward('01:31');
    await warning.waitFor({ timeout: 10_000 });
    expect(Number(await page.locator('.idle-seconds').textContent())).toBeLessThanOrEqual(30);
    await shell.screenshot('e2e', 'kiosk-idle-warning');
    await page.mouse.click(20, 20);
    await warning.waitFor({ state: 'detached', timeout: 5_000 });
    // The touch started the two minutes again: 95 s on, the warning is back; 30 s more and
    // the patient is signed out, with nothing of him left on the screen.
    await page.clock.fastForward('01:35');
    await warning.waitFor({ timeout: 10_000 });
    await page.clock.fastForward('00:30');
    await page
      .getByRole('heading', { name: 'Sign in with your smart card' })
      .waitFor({ timeout: 10_000 });
    expect(await page.getByRole('status').first().textContent()).toMatch(
      /signed out because the workstation was not used for a while/,
    );
    expect(await page.getByRole('navigation').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toContain('pat-0f3a9c');
    expect(await app.handlers.getSession(undefined)).toMatchObject({ state: 'signed-out' });
    await shell.screenshot('e2e', 'kiosk-idle-signed-out');

    await page.getByLabel('Card PIN').fill(PIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Patient navigation' }).waitFor({ timeout: 15_000 });
  });

  it('locks when the screen locks or the computer goes to sleep', async () => {
    const { page } = shell;
    // What the Electron entry calls on powerMonitor's lock-screen and suspend.
    await app.lock();
    await page
      .getByRole('heading', { name: 'Sign in with your smart card' })
      .waitFor({ timeout: 10_000 });
    expect(await page.getByRole('status').first().textContent()).toMatch(
      /locked when the screen locked or the computer went to sleep/,
    );
    await page.getByLabel('Card PIN').fill(PIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Patient navigation' }).waitFor({ timeout: 15_000 });
  });

  it('locks the moment the card is pulled out', async () => {
    const { page } = shell;
    tokens.deleteToken(serial);
    await page
      .getByRole('heading', { name: 'Sign in with your smart card' })
      .waitFor({ timeout: 10_000 });
    expect(await page.getByRole('status').first().textContent()).toMatch(
      /Your card was removed, so the workstation locked/,
    );
    expect(await page.getByRole('navigation').count()).toBe(0);
    await shell.screenshot('e2e', 'locked-card-removed');
  });
});
