// Signing in to the workstation with a smart card: the session service against SoftHSM2.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CardSession, CARD_REMOVED_REASON } from '../../src/main/session/card-session';
import type { Session } from '../../src/shared/ipc/contract';
import { CARD_SERVICE_FROM_SOURCE } from '../support/child-scripts';
import { softhsmModulePath } from '../support/fixtures';
import { softhsmTokens, type TestTokens } from '../support/softhsm';
import { OpenSslCaForTests } from '../support/test-ca';
import { tempDir } from '../support/tmp';

const PIN = '135790';

describe('card session', () => {
  let tokens: TestTokens;
  let home: ReturnType<typeof tempDir>;
  let session: CardSession;
  let serial: string;
  let modulePath: string | null;
  const changes: Session[] = [];

  beforeEach(async () => {
    tokens = softhsmTokens();
    home = tempDir('card-session');
    process.env.SOFTHSM2_CONF = tokens.env.SOFTHSM2_CONF;
    serial = await tokens.createToken('dr-curie', PIN);
    const setup = await tokens.startClient();
    await setup.call('signIn', { serial, pin: PIN });
    await new OpenSslCaForTests(home.path).enrolCard(setup, 'marie.curie', {
      role: 'caregiver',
      department: 'Medical Physics',
      displayName: 'Dr Marie Curie',
    });
    await setup.stop();
    modulePath = softhsmModulePath();
    changes.length = 0;
    session = new CardSession({
      modulePath: () => modulePath,
      mspId: () => 'HospitalAMSP',
      cardScript: CARD_SERVICE_FROM_SOURCE,
    });
    session.onChange((s) => changes.push(s));
  });

  afterEach(async () => {
    await session.close();
    tokens.cleanup();
    home.cleanup();
  });

  it('lists the card and signs its holder in with the role the CA certified', async () => {
    expect(await session.listCards()).toEqual([
      expect.objectContaining({ serial, label: 'dr-curie' }),
    ]);
    const result = await session.signIn({ pin: PIN });
    expect(result).toEqual({
      state: 'signed-in',
      user: {
        id: 'marie.curie',
        displayName: 'Dr Marie Curie',
        role: 'physicist',
        mspId: 'HospitalAMSP',
      },
    });
    expect(session.current()).toEqual(result);
    expect(changes).toEqual([result]);
  });

  it('refuses a wrong PIN and stays signed out', async () => {
    await expect(session.signIn({ pin: '000000' })).rejects.toMatchObject({
      code: 'CARD_WRONG_PIN',
    });
    expect(session.current().state).toBe('signed-out');
    expect(changes).toEqual([]);
  });

  it('locks as soon as the card is pulled out', async () => {
    await session.signIn({ pin: PIN });
    tokens.deleteToken(serial);
    await expect
      .poll(() => session.current(), { timeout: 5000 })
      .toEqual({
        state: 'signed-out',
        reason: CARD_REMOVED_REASON,
      });
    expect(changes.at(-1)).toEqual({ state: 'signed-out', reason: CARD_REMOVED_REASON });
  });

  it('signs out on request', async () => {
    await session.signIn({ pin: PIN });
    expect(await session.signOut()).toMatchObject({
      state: 'signed-out',
      reason: /You signed out/,
    });
  });

  it('says when no smart-card library is configured', async () => {
    modulePath = null;
    await expect(session.signIn({ pin: PIN })).rejects.toMatchObject({
      code: 'CARD_UNAVAILABLE',
      message: expect.stringMatching(/set the PKCS#11 module in Connection settings/),
    });
  });

  it('says when the card has keys but no certificate', async () => {
    const blank = await tokens.createToken('blank', PIN);
    const setup = await tokens.startClient();
    await setup.call('signIn', { serial: blank, pin: PIN });
    await setup.call('generateKeys', undefined);
    await expect(session.signIn({ pin: PIN, serial: blank })).rejects.toMatchObject({
      code: 'CARD_NOT_PROVISIONED',
    });
  });
});
