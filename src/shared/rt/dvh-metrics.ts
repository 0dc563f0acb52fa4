// Dose-volume metrics read from a DVH at levels a person asks for: Dx (dose at a volume,
// given as a percentage of the structure or in cc) and Vx (volume at a dose in Gy).
//
// Small-volume convention (stated in the CLI help and docs/ARCHITECTURE.md):
// - D<v>cc is the lowest dose within the hottest v cc of the structure, read from the
//   cumulative DVH (0.01 Gy bins, linear inside a bin). Volumes are the DVH's own (the slab
//   model of dvh.ts), not a count of dose voxels. D0cc is the maximum.
// - A structure smaller than v cc has no hottest v cc: D<v>cc is null there, with a note,
//   rather than the structure's minimum (which would pass a near-maximum constraint that was
//   never evaluated).
// - D<x>% is the same reading at x % of the structure's volume; D100% is the minimum.

import { doseAtVolumeCc, doseAtVolumePercent, volumeAtDose, type Dvh } from './dvh';
import { RtError } from './errors';

export type VolumeLevel = { unit: '%' | 'cc'; value: number };

/** The label a level is printed under, e.g. D95%, D2cc, D0.03cc, V20Gy. */
export function doseAtLabel(level: VolumeLevel): string {
  return `D${level.value}${level.unit}`;
}

export function volumeAtLabel(doseGy: number): string {
  return `V${doseGy}Gy`;
}

const NUMBER = /^(\d+(?:\.\d+)?|\.\d+)$/;

function levels(text: string, what: string): string[] {
  const parts = text.split(',').map((p) => p.trim());
  if (text.trim() === '' || parts.some((p) => p === ''))
    throw new RtError(
      'BAD_VALUE',
      `${what} needs a comma-separated list of levels, e.g. ${what === '--dose-at' ? '95,2,2cc' : '20Gy,5'}`,
    );
  return parts;
}

/** "95,2,2cc,0.03cc" → levels; a bare number is a percentage of the structure's volume. */
export function parseDoseAtLevels(text: string): VolumeLevel[] {
  return levels(text, '--dose-at').map((part) => {
    const match = /^(.*?)(%|cc)?$/i.exec(part) as RegExpExecArray;
    const number = match[1] as string;
    const unit = (match[2]?.toLowerCase() ?? '%') as '%' | 'cc';
    if (!NUMBER.test(number))
      throw new RtError(
        'BAD_VALUE',
        `--dose-at: "${part}" is not a volume; give a percentage (95 or 95%) or a volume in cc (2cc)`,
      );
    const value = Number(number);
    if (unit === '%' && value > 100)
      throw new RtError('BAD_VALUE', `--dose-at: "${part}" is more than 100 % of the structure`);
    return { unit, value };
  });
}

/** "20Gy,5" → doses in Gy (a bare number is in Gy). */
export function parseVolumeAtLevels(text: string): number[] {
  return levels(text, '--volume-at').map((part) => {
    if (part.endsWith('%'))
      throw new RtError(
        'BAD_VALUE',
        `--volume-at: "${part}" is a percentage, but the DVH does not know the prescription; give the dose in Gy (20Gy)`,
      );
    const number = part.replace(/gy$/i, '');
    if (!NUMBER.test(number))
      throw new RtError(
        'BAD_VALUE',
        `--volume-at: "${part}" is not a dose; give it in Gy (20Gy or 20)`,
      );
    return Number(number);
  });
}

export interface DoseAtVolume {
  label: string;
  gy: number | null;
  /** Why gy is null. */
  note?: string;
}

export function doseAtVolume(dvh: Dvh, level: VolumeLevel): DoseAtVolume {
  const label = doseAtLabel(level);
  if (level.unit === '%') return { label, gy: doseAtVolumePercent(dvh, level.value) };
  if (level.value > dvh.volumeCc)
    return {
      label,
      gy: null,
      note: `the structure (${dvh.volumeCc.toFixed(3)} cc) is smaller than ${level.value} cc`,
    };
  return { label, gy: doseAtVolumeCc(dvh, level.value) };
}

export interface VolumeAtDose {
  label: string;
  cc: number;
  percent: number;
}

export function volumeAtDoseLevel(dvh: Dvh, doseGy: number): VolumeAtDose {
  return { label: volumeAtLabel(doseGy), ...volumeAtDose(dvh, doseGy) };
}

/** The small-volume near-maxima every report gives. */
export const NEAR_MAX_LEVELS: readonly VolumeLevel[] = [
  { unit: 'cc', value: 2 },
  { unit: 'cc', value: 0.03 },
];
