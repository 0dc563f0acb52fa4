// CT slices written by the synthesiser, then compressed by other systems' tools (dcmtk,
// GDCM from Debian), for the transfer-syntax tests and the decode benchmark. The slices
// are noisy across the whole 12-bit range, so a codec that drops a bit, a sign or a row
// cannot pass by luck on a flat phantom.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePart10 } from '../../src/shared/rt/dicom-writer';
import { ctSliceDataset } from '../../src/shared/rt/synth/objects';
import { uidFactory } from '../../src/shared/rt/synth/uid';
import { patient } from './helpers';

/** The Debian tools the fixtures need, by path; missing ones are named by `missingTools`. */
export const TOOLS = {
  dcmcjpeg: '/usr/bin/dcmcjpeg',
  dcmcjpls: '/usr/bin/dcmcjpls',
  dcmcrle: '/usr/bin/dcmcrle',
  dcmconv: '/usr/bin/dcmconv',
  dcmdjpeg: '/usr/bin/dcmdjpeg',
  dcmdjpls: '/usr/bin/dcmdjpls',
  dcmdrle: '/usr/bin/dcmdrle',
  dcmodify: '/usr/bin/dcmodify',
  gdcmconv: '/usr/bin/gdcmconv',
} as const;

export function missingTools(): string[] {
  return Object.values(TOOLS).filter((path) => !existsSync(path));
}

export function run(tool: string, ...args: string[]): void {
  const result = spawnSync(tool, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0)
    throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
}

export interface Variant {
  name: string;
  uid: string;
  /** Writes `out` from the uncompressed `input`. */
  make: (input: string, out: string) => void;
  lossy?: boolean;
}

export const VARIANTS: readonly Variant[] = [
  {
    name: 'JPEG Lossless process 14 (predictor 6)',
    uid: '1.2.840.10008.1.2.4.57',
    make: (i, o) => run(TOOLS.dcmcjpeg, '+el', i, o),
  },
  {
    name: 'JPEG Lossless SV1',
    uid: '1.2.840.10008.1.2.4.70',
    make: (i, o) => run(TOOLS.dcmcjpeg, '+e1', i, o),
  },
  {
    name: 'JPEG-LS lossless',
    uid: '1.2.840.10008.1.2.4.80',
    make: (i, o) => run(TOOLS.dcmcjpls, i, o),
  },
  {
    name: 'JPEG 2000 lossless',
    uid: '1.2.840.10008.1.2.4.90',
    make: (i, o) => run(TOOLS.gdcmconv, '--j2k', i, o),
  },
  {
    name: 'JPEG 2000 lossy',
    uid: '1.2.840.10008.1.2.4.91',
    make: (i, o) => run(TOOLS.gdcmconv, '--j2k', '--lossy', '-q', '80', i, o),
    lossy: true,
  },
  { name: 'RLE Lossless', uid: '1.2.840.10008.1.2.5', make: (i, o) => run(TOOLS.dcmcrle, i, o) },
  {
    name: 'Deflated Explicit VR Little Endian',
    uid: '1.2.840.10008.1.2.1.99',
    make: (i, o) => run(TOOLS.dcmconv, '+td', i, o),
  },
  {
    name: 'Explicit VR Big Endian',
    uid: '1.2.840.10008.1.2.2',
    make: (i, o) => run(TOOLS.dcmconv, '+tb', i, o),
  },
];

/** Deterministic noise, so every run compresses the same pixels. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}

export interface CtFixture {
  file: string;
  /** The stored values written, row by row. */
  stored: Uint16Array | Int16Array;
  signed: boolean;
}

/**
 * One CT slice: a smooth body with noise, air at the corners and a few pixels at both
 * ends of the stored range. `signed` writes PixelRepresentation 1 with HU stored directly
 * (BitsStored 16), as several vendors do, so negative values pass through every codec.
 */
export function writeCtSlice(
  dir: string,
  name: string,
  options: { matrix?: number; signed?: boolean; seed?: number; z?: number; series?: string } = {},
): CtFixture {
  const matrix = options.matrix ?? 96;
  const next = random(options.seed ?? 7);
  const hounsfield = new Int16Array(matrix * matrix);
  for (let r = 0; r < matrix; r++)
    for (let c = 0; c < matrix; c++) {
      const x = (c - matrix / 2) / (matrix / 2);
      const y = (r - matrix / 2) / (matrix / 2);
      const inside = x * x + y * y < 0.8;
      const base = inside ? 40 + 900 * Math.sin(6 * x) * Math.cos(4 * y) : -1000;
      hounsfield[r * matrix + c] = Math.round(base + (next() - 0.5) * 200);
    }
  // The extremes of a 12-bit CT: -1024 HU (stored 0) and 3071 HU (stored 4095).
  hounsfield[0] = -1024;
  hounsfield[1] = 3071;
  const uid = uidFactory(`codec-${name}`);
  // Slices of one series share its seed; each slice gets its own instance UID.
  const seriesUid = uidFactory(`codec-series-${options.series ?? name}`);
  const dataset = ctSliceDataset(
    patient,
    { seriesInstanceUid: seriesUid('series'), seriesNumber: 1, description: 'CT' },
    {
      sopInstanceUid: uid('slice'),
      instanceNumber: 1,
      frameOfReferenceUid: seriesUid('for'),
      position: [-120, -120, options.z ?? 0],
      rows: matrix,
      columns: matrix,
      pixelSpacing: 2.5,
      sliceThickness: 2.5,
      hounsfield,
    },
  );
  let stored: Uint16Array | Int16Array = dataset.PixelData as Uint16Array;
  if (options.signed) {
    // Air outside the scan circle as -2000, below anything a 12-bit range holds.
    const values = Int16Array.from(hounsfield, (hu, i) => (i === 2 ? -2000 : Math.max(-1024, hu)));
    stored = values;
    Object.assign(dataset, {
      PixelRepresentation: 1,
      BitsStored: 16,
      HighBit: 15,
      RescaleIntercept: 0,
      PixelData: values,
    });
  }
  const file = join(dir, `${name}.dcm`);
  writeFileSync(file, writePart10(dataset));
  return { file, stored, signed: options.signed ?? false };
}

export function readBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}
