// The workstation's constraint table through the IPC dispatcher: the published defaults
// first, an edited table kept across restarts, and a table with one bad row refused whole
// with the row named — the saved table unchanged.
import { afterAll, describe, expect, it } from 'vitest';
import { composeApp } from '../../src/main/app/compose';
import { DEFAULT_CONSTRAINTS, type Constraint } from '../../src/shared/rt/constraints';
import { childScriptsFromSource } from '../support/child-scripts';
import { tempDir } from '../support/tmp';

const home = tempDir('constraint-table');
const open = () =>
  composeApp({
    userDataDir: home.path,
    appInfo: {
      name: 'ACTION-EHR Workstation',
      version: 'test',
      kiosk: false,
      shell: 'browser-harness',
    },
    childScripts: childScriptsFromSource,
  });
afterAll(() => home.cleanup());

describe('constraint table store', () => {
  it('starts with the published defaults, keeps an edit across restarts, resets', async () => {
    let app = open();
    const first = await app.dispatch('getConstraintTable', undefined);
    expect(first).toEqual({
      ok: true,
      value: { constraints: [...DEFAULT_CONSTRAINTS], isDefault: true },
    });
    const edited: Constraint[] = [
      { ...(DEFAULT_CONSTRAINTS[0] as Constraint), limit: 50, alphaBetaGy: 2.5 },
      {
        organ: 'Cochlea',
        roiPattern: '^cochlea',
        metric: { kind: 'Dmean' },
        dose: 'PHYSICAL',
        limit: 45,
        source: 'department',
      },
    ];
    expect(await app.dispatch('saveConstraintTable', { constraints: edited })).toMatchObject({
      ok: true,
      value: { constraints: edited, isDefault: false },
    });
    await app.close();

    app = open();
    expect(await app.dispatch('getConstraintTable', undefined)).toMatchObject({
      ok: true,
      value: { constraints: edited, isDefault: false },
    });
    const bad = [
      ...edited,
      { ...edited[1], organ: 'Lung', metric: { kind: 'Vx', doseGy: 20, unit: '%' }, limit: 130 },
    ];
    const refused = await app.dispatch('saveConstraintTable', { constraints: bad });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_CONSTRAINT' } });
    if (!refused.ok)
      expect(refused.error.message).toMatch(
        /^Row 3: .*130 % is more than the whole organ.*not changed/,
      );
    expect(await app.dispatch('getConstraintTable', undefined)).toMatchObject({
      value: { constraints: edited },
    });
    expect(await app.dispatch('resetConstraintTable', undefined)).toMatchObject({
      value: { isDefault: true, constraints: [...DEFAULT_CONSTRAINTS] },
    });
    await app.close();
  });
});
