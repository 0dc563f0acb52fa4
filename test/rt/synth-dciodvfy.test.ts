// Every synthetic object must pass dicom3tools' IOD checker without errors. The checker
// is a Debian package (dicom3tools); where it is not installed the test says so and skips.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';

const DCIODVFY = '/usr/bin/dciodvfy';
const available = existsSync(DCIODVFY);
if (!available) console.warn(`dciodvfy not found at ${DCIODVFY}: skipping IOD validation`);

describe.skipIf(!available)('synthetic course passes dciodvfy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rt-synth-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const course = synthesizeCourse();

  it('writes every object type, each passing with no errors', () => {
    const iods = new Set<string>();
    for (const file of course.files) {
      const path = join(dir, file.name);
      writeFileSync(path, file.bytes);
      const result = spawnSync(DCIODVFY, [path], { encoding: 'utf8' });
      const output = `${result.stdout}${result.stderr}`;
      const errors = output.split('\n').filter((line) => line.startsWith('Error'));
      expect(errors, `${file.name}:\n${output}`).toEqual([]);
      expect(result.status, file.name).toBe(0);
      iods.add(output.split('\n')[0] ?? '');
    }
    expect([...iods].sort()).toEqual([
      'CTImage',
      'RTBeamsTreatmentRecord',
      'RTDose',
      'RTPlan',
      'RTStructureSet',
    ]);
  });

  it('is detected as broken when an object lacks a required attribute', () => {
    // Guards the test itself: dciodvfy must report errors we would otherwise miss.
    const plan = course.files.find((f) => f.name === 'RP.dcm');
    if (!plan) throw new Error('no plan');
    const broken = plan.bytes.slice();
    // Overwrite the RT Plan Label's tag (300A,0002) with a private tag.
    const at = findTag(broken, 0x300a, 0x0002);
    broken[at] = 0x09;
    broken[at + 1] = 0x30;
    const path = join(dir, 'broken.dcm');
    writeFileSync(path, broken);
    const result = spawnSync(DCIODVFY, [path], { encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toMatch(/Error - Missing attribute.*RTPlanLabel/);
  });
});

function findTag(bytes: Uint8Array, group: number, element: number): number {
  for (let i = 132; i + 4 < bytes.length; i += 2)
    if (
      bytes[i] === (group & 0xff) &&
      bytes[i + 1] === group >> 8 &&
      bytes[i + 2] === (element & 0xff) &&
      bytes[i + 3] === element >> 8
    )
      return i;
  throw new Error('tag not found');
}
