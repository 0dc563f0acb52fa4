// E2E: each role's shell with its navigation and honest empty states, the kiosk's locked
// sign-in, and the browser really enforcing the app's Content-Security-Policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp, type ComposedApp } from '../../src/main/app/compose';
import { CONTENT_SECURITY_POLICY } from '../../src/main/window/security';
import { ROLES, ROLE_LABELS } from '../../src/shared/roles';
import { CHANNEL_NAMES } from '../../src/shared/ipc/channels';
import { ROLE_SECTIONS } from '../../src/renderer/views/roleSections';
import { openBrowserShell, type BrowserShell } from '../harness/browser-shell';
import { childScriptsFromSource } from '../support/child-scripts';
import { FixedSessionForTests } from '../support/fixed-session';
import { tempDir } from '../support/tmp';

function composeFor(home: string, options: { kiosk?: boolean; session?: FixedSessionForTests }) {
  return composeApp({
    userDataDir: home,
    appInfo: {
      name: 'ACTION-EHR Workstation',
      version: 'test',
      kiosk: options.kiosk ?? false,
      shell: 'browser-harness',
    },
    childScripts: childScriptsFromSource,
    ...(options.session ? { session: options.session } : {}),
  });
}

describe.each(ROLES)('the %s shell', (role) => {
  const home = tempDir(`shell-${role}`);
  let app: ComposedApp;
  let shell: BrowserShell;

  beforeAll(async () => {
    app = composeFor(home.path, { session: new FixedSessionForTests(role) });
    shell = await openBrowserShell({ dispatch: app.dispatch });
  });
  afterAll(async () => {
    await shell?.close();
    await app?.close();
    home.cleanup();
  });

  it('shows the role navigation and an honest empty state in every section', async () => {
    const { page } = shell;
    const nav = page.getByRole('navigation', { name: `${ROLE_LABELS[role]} navigation` });
    await nav.waitFor();
    expect(await page.getByLabel('Signed in as').textContent()).toContain(ROLE_LABELS[role]);
    for (const section of ROLE_SECTIONS[role]) {
      await nav.getByRole('button', { name: section.label, exact: true }).click();
      await expect
        .poll(() => page.getByRole('heading', { level: 2 }).textContent())
        .toBe(section.emptyTitle);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(section.label);
      expect(
        await nav
          .getByRole('button', { name: section.label, exact: true })
          .getAttribute('aria-current'),
      ).toBe('page');
      // No invented rows: the empty state is all there is.
      expect(await page.locator('main table, main li').count()).toBe(0);
      await shell.screenshot('e2e', `shell-${role}-${section.id}`);
    }
    const settingsLinks = await nav.getByRole('button', { name: 'Connection settings' }).count();
    expect(settingsLinks).toBe(role === 'admin' ? 1 : 0);
  });
});

describe('kiosk', () => {
  const home = tempDir('kiosk-e2e');
  let app: ComposedApp;
  let shell: BrowserShell;
  beforeAll(async () => {
    app = composeFor(home.path, { kiosk: true });
    shell = await openBrowserShell({ dispatch: app.dispatch });
  });
  afterAll(async () => {
    await shell?.close();
    await app?.close();
    home.cleanup();
  });

  it('offers no way into the connection settings', async () => {
    const { page } = shell;
    await page.getByRole('heading', { name: 'Sign in with your smart card' }).waitFor();
    expect(await page.getByRole('button', { name: 'Connection settings' }).count()).toBe(0);
    await shell.screenshot('e2e', 'kiosk-sign-in');
  });
});

describe('content security policy in the browser', () => {
  const home = tempDir('csp-e2e');
  let app: ComposedApp;
  let shell: BrowserShell;
  beforeAll(async () => {
    app = composeFor(home.path, {});
    shell = await openBrowserShell({ dispatch: app.dispatch });
  });
  afterAll(async () => {
    await shell?.close();
    await app?.close();
    home.cleanup();
  });

  it('is sent with the page and blocks inline script and remote fetches', async () => {
    const { page } = shell;
    const response = await page.goto(`${shell.baseUrl}/index.html`);
    expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(
      await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'),
    ).toBe(CONTENT_SECURITY_POLICY);
    await page.getByRole('heading', { name: 'Sign in with your smart card' }).waitFor();
    // (eval cannot be probed here: DevTools' evaluate is exempt from CSP's eval rule.)
    const outcome = await page.evaluate(async () => {
      const flags = window as unknown as Record<string, unknown>;
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        violations.push(e.effectiveDirective),
      );
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.appendChild(script);
      let remote = 'blocked';
      try {
        await fetch('http://192.0.2.1/records');
        remote = 'fetched';
      } catch {
        remote = 'blocked';
      }
      // Violation reports are queued as tasks; let them arrive.
      for (let i = 0; i < 50 && violations.length < 2; i++)
        await new Promise((r) => setTimeout(r, 10));
      return {
        inline: flags.__inlineRan === true,
        violations: [...new Set(violations)].sort(),
        remote,
        nodeRequire: typeof flags.require,
        process: typeof flags.process,
        ehrMethods: Object.keys(flags.ehr as object).sort(),
      };
    });
    expect(outcome).toEqual({
      inline: false,
      violations: ['connect-src', 'script-src-elem'],
      remote: 'blocked',
      nodeRequire: 'undefined',
      process: 'undefined',
      ehrMethods: [...CHANNEL_NAMES, 'on'].sort(),
    });
  });
});
