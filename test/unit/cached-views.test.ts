// Cached views on a real SQLite cache: a view the user has seen opens at once from the
// cache when the ledger is slow, and the ledger's answer replaces it as soon as it comes;
// an outage shows the last state as stale; a late answer after a kiosk sign-out is not
// written back. The ledger's answers are plain functions here: the views take any fetch.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/main/cache/database';
import { ViewCache } from '../../src/main/cache/view-cache';
import { CachedViews } from '../../src/main/app/views';
import { EhrError } from '../../src/main/errors';
import type { ViewChanged } from '../../src/shared/ipc/contract';
import { tempDir } from '../support/tmp';

const later = <T>(ms: number, value: T) =>
  new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const unavailable = () =>
  new EhrError('LEDGER_UNAVAILABLE', "The hospital's ledger cannot be reached.");

describe('cached views', () => {
  let home: ReturnType<typeof tempDir>;
  let db: Db;
  let changed: ViewChanged[];
  let views: CachedViews;

  beforeEach(() => {
    home = tempDir('views');
    db = openDatabase(join(home.path, 'workstation.sqlite'));
    changed = [];
    views = new CachedViews(new ViewCache(db), (c) => changed.push(c), 50);
  });
  afterEach(() => {
    db.close();
    home.cleanup();
  });

  it('waits for the ledger the first time, and keeps its answer', async () => {
    const first = await views.read('pat-1', 'records', 'pat-1', () => later(120, ['r1']));
    expect(first).toMatchObject({ value: ['r1'], stale: false });
    expect(changed).toEqual([]);
  });

  it('shows the cached view at once when the ledger is slow, then announces the new one', async () => {
    await views.read('pat-1', 'records', 'pat-1', async () => ['r1']);
    // Shown before the ledger's answer came: the cached one.
    const shown = await views.read('pat-1', 'records', 'pat-1', () => later(300, ['r1', 'r2']));
    expect(shown.value).toEqual(['r1']);
    await expect.poll(() => changed).toEqual([{ view: 'records', scope: 'pat-1' }]);
    const next = await views.read('pat-1', 'records', 'pat-1', async () => ['r1', 'r2']);
    expect(next.value).toEqual(['r1', 'r2']);
  });

  it('announces nothing when the slow answer is the same', async () => {
    await views.read('pat-1', 'grants', '', async () => ['g1']);
    await views.read('pat-1', 'grants', '', () => later(120, ['g1']));
    await later(200, null);
    expect(changed).toEqual([]);
  });

  it('says the view is stale when the ledger fails behind the cache, and asks no more', async () => {
    await views.read('pat-1', 'history', '', async () => ['h1']);
    const failSlowly = () =>
      new Promise<string[]>((_, reject) => setTimeout(() => reject(unavailable()), 120));
    expect((await views.read('pat-1', 'history', '', failSlowly)).stale).toBe(false);
    await expect.poll(() => changed.length).toBe(1);
    // The screen reads again: now it waits for the ledger and learns the view is stale.
    const again = await views.read('pat-1', 'history', '', failSlowly);
    expect(again).toMatchObject({ value: ['h1'], stale: true });
    await later(200, null);
    expect(changed).toHaveLength(1);
  });

  it('refuses, rather than shows the cache, when the ledger refuses', async () => {
    await views.read('cg-1', 'records', 'pat-1', async () => ['r1']);
    const refused = new EhrError('LEDGER_REFUSED', 'The patient has not given you read access.');
    await expect(
      views.read('cg-1', 'records', 'pat-1', async () => Promise.reject(refused)),
    ).rejects.toBe(refused);
  });

  it('writes no late answer back after the user’s cache was forgotten', async () => {
    await views.read('pat-1', 'records', 'pat-1', async () => ['r1']);
    await views.read('pat-1', 'records', 'pat-1', () => later(150, ['r1', 'r2']));
    views.forget('pat-1');
    await later(250, null);
    expect(views.cachedViews('pat-1')).toEqual([]);
  });
});
