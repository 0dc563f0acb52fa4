// The ehr-rt command line, run as a user would run it (npx tsx src/cli/ehr-rt.ts …).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'ehr-rt-cli-'));
const course = join(work, 'course');

function ehrRt(...args: string[]) {
  const result = spawnSync('npx', ['tsx', 'src/cli/ehr-rt.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('ehr-rt', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('synth writes a course, dvh and history read it back as JSON only', () => {
    const synth = ehrRt('synth', course, '--matrix', '32', '--slices', '16');
    expect(synth.status, synth.stderr).toBe(0);
    expect(readdirSync(course).filter((f) => f.startsWith('CT_'))).toHaveLength(16);
    // A stray unreadable file is reported on stderr and does not spoil the JSON.
    writeFileSync(join(course, 'README.txt'), 'not DICOM');

    const dvh = ehrRt('dvh', course, '--json');
    expect(dvh.status, dvh.stderr).toBe(0);
    expect(dvh.stderr).toMatch(/README\.txt.*NOT_DICOM/);
    const { structures } = JSON.parse(dvh.stdout) as {
      structures: Record<string, number | string>[];
    };
    expect(structures.map((s) => s.name)).toEqual(['BODY', 'PTV', 'SPINAL_CORD', 'LUNG_R']);
    for (const s of structures) {
      expect(Object.keys(s)).toEqual([
        'name',
        'volume_cc',
        'min_gy',
        'mean_gy',
        'max_gy',
        'd98_gy',
        'd95_gy',
        'd50_gy',
        'd2_gy',
      ]);
      expect(s.min_gy as number).toBeLessThanOrEqual(s.d98_gy as number);
      expect(s.d98_gy as number).toBeLessThanOrEqual(s.d2_gy as number);
      expect(s.d2_gy as number).toBeLessThanOrEqual(s.max_gy as number);
    }
    // Volumes agree with the phantom's contoured volumes, computed in-process.
    const expected = synthesizeCourse({ matrix: 32, slices: 16 }).rois;
    structures.forEach((s, i) => {
      const volume = expected[i]?.volumeCc ?? Number.NaN;
      expect(Math.abs((s.volume_cc as number) - volume) / volume).toBeLessThan(0.01);
    });

    const history = ehrRt('history', course, '--json');
    expect(history.status, history.stderr).toBe(0);
    const parsed = JSON.parse(history.stdout) as {
      courses: {
        prescribed_gy: number;
        fractions_planned: number;
        fractions_delivered: number;
        missed_sessions: number;
        sessions: { status: string }[];
      }[];
    };
    expect(parsed.courses).toHaveLength(1);
    expect(parsed.courses[0]).toMatchObject({
      prescribed_gy: 60,
      fractions_planned: 30,
      fractions_delivered: 5,
      missed_sessions: 1,
    });
    expect(parsed.courses[0]?.sessions.map((s) => s.status)).toEqual([
      'delivered',
      'delivered',
      'missed',
      'delivered',
      'delivered',
      'delivered',
    ]);
  });

  it('fails on stderr with a non-zero exit and nothing on stdout', () => {
    const empty = join(work, 'empty');
    const missing = ehrRt('dvh', empty, '--json');
    expect(missing.status).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/cannot read folder/);

    const usage = ehrRt('frobnicate', work);
    expect(usage.status).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toMatch(/unknown command frobnicate/);
  });
});
