// `ehr-rt inspect --json` run as a user would, on CT compressed by dcmtk and GDCM: the
// checksum of our decoded pixels equals the checksum of the pixel data dcmtk itself writes
// out (dcmdump +W) after decoding with the other system's own decoder, so a difference
// between two tools' decodings shows in one line. Skips when the Debian tools are missing.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileInspection } from '../../src/shared/rt/inspect';
import { TOOLS, VARIANTS, missingTools, run, writeCtSlice } from './codec-fixtures';

const missing = missingTools();
if (missing.length > 0)
  console.warn(`inspect tests skipped: ${missing.join(', ')} not installed (dcmtk, libgdcm-tools)`);

const root = join(import.meta.dirname, '..', '..');

/** The other system's decoder back to uncompressed, per syntax. */
const REFERENCE_DECODE: Record<string, (input: string, out: string) => void> = {
  '1.2.840.10008.1.2.4.57': (i, o) => run(TOOLS.dcmdjpeg, i, o),
  '1.2.840.10008.1.2.4.70': (i, o) => run(TOOLS.dcmdjpeg, i, o),
  '1.2.840.10008.1.2.4.80': (i, o) => run(TOOLS.dcmdjpls, i, o),
  '1.2.840.10008.1.2.4.90': (i, o) => run(TOOLS.gdcmconv, '--raw', i, o),
  '1.2.840.10008.1.2.4.91': (i, o) => run(TOOLS.gdcmconv, '--raw', i, o),
  '1.2.840.10008.1.2.5': (i, o) => run(TOOLS.dcmdrle, i, o),
  '1.2.840.10008.1.2.1.99': (i, o) => run(TOOLS.dcmconv, '+te', i, o),
  '1.2.840.10008.1.2.2': (i, o) => run(TOOLS.dcmconv, '+te', i, o),
};

/** SHA-256 of the PixelData dcmtk writes out for an uncompressed file. */
function dcmtkPixelChecksum(file: string, scratch: string): string {
  mkdirSync(scratch, { recursive: true });
  run('/usr/bin/dcmdump', '+W', scratch, file);
  const raw = readdirSync(scratch).filter((f) => f.endsWith('.raw'));
  expect(raw).toHaveLength(1);
  return createHash('sha256')
    .update(readFileSync(join(scratch, raw[0] as string)))
    .digest('hex');
}

describe.skipIf(missing.length > 0)('ehr-rt inspect', () => {
  const work = mkdtempSync(join(tmpdir(), 'ehr-rt-inspect-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('gives each compressed slice the checksum of the other system’s own decoding', () => {
    const folder = join(work, 'in');
    mkdirSync(folder);
    const expected: Record<
      string,
      { uid: string; sha256: string; stored: Uint16Array | Int16Array }
    > = {};
    VARIANTS.forEach((variant, k) => {
      const original = writeCtSlice(work, `orig-${k}`, { signed: k % 2 === 1, seed: k + 3 });
      const name = `ct-${k}.dcm`;
      variant.make(original.file, join(folder, name));
      const decoded = join(work, `decoded-${k}.dcm`);
      REFERENCE_DECODE[variant.uid]?.(join(folder, name), decoded);
      expected[name] = {
        uid: variant.uid,
        sha256: dcmtkPixelChecksum(decoded, join(work, `raw-${k}`)),
        stored: original.stored,
      };
    });
    run(TOOLS.dcmcjpeg, '+ee', writeCtSlice(work, 'orig-ext').file, join(folder, 'extended.dcm'));
    writeFileSync(join(folder, 'notes.txt'), 'not DICOM');

    const result = spawnSync('npx', ['tsx', 'src/cli/ehr-rt.ts', 'inspect', folder, '--json'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status, result.stderr).toBe(0);
    const { files } = JSON.parse(result.stdout) as { files: FileInspection[] };
    const byName = new Map(files.map((f) => [f.file, f]));
    expect([...byName.keys()].sort()).toEqual(
      [...Object.keys(expected), 'extended.dcm', 'notes.txt'].sort(),
    );

    for (const [name, want] of Object.entries(expected)) {
      const report = byName.get(name);
      expect(report, name).toMatchObject({
        object: 'CT Image',
        transfer_syntax_uid: want.uid,
        readable: true,
        error: null,
      });
      const lossy = VARIANTS.find((v) => v.uid === want.uid)?.lossy === true;
      expect(report?.warnings, name).toEqual(
        lossy ? [expect.stringMatching(/lossy-compressed/)] : [],
      );
      expect(report?.pixels?.sha256, `${name} (${report?.transfer_syntax})`).toBe(want.sha256);
      if (!lossy) {
        // And the statistics are those of the pixels that were written.
        const values = Array.from(want.stored);
        expect(report?.pixels).toMatchObject({
          rows: 96,
          columns: 96,
          frames: 1,
          min: Math.min(...values),
          max: Math.max(...values),
          signed: want.stored instanceof Int16Array,
        });
        expect(report?.pixels?.mean).toBeCloseTo(values.reduce((a, b) => a + b) / values.length, 6);
      }
    }
    expect(byName.get('extended.dcm')).toMatchObject({
      transfer_syntax: 'JPEG Extended (Process 2 & 4)',
      readable: false,
      error: { code: 'UNSUPPORTED' },
      pixels: null,
    });
    expect(byName.get('extended.dcm')?.error?.message).toMatch(/1\.2\.840\.10008\.1\.2\.4\.51/);
    expect(byName.get('notes.txt')).toMatchObject({
      readable: false,
      error: { code: 'NOT_DICOM' },
    });
  });
});
