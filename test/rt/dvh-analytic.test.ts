import { describe, expect, it } from 'vitest';
import {
  computeDvh,
  doseAtVolumePercent,
  summarizeDvh,
  volumeAtDose,
} from '../../src/shared/rt/dvh';
import type { Vec3 } from '../../src/shared/rt/geometry';
import { sphere, sphericalShell } from '../../src/shared/rt/synth/shapes';
import { analyticCase, bisect, relativeError, sphereCapVolume } from './helpers';

const TOLERANCE = 0.01;

describe('DVH against analytic phantoms', () => {
  it('sphere in uniform dose: volume, mean and D95 within 1 %', () => {
    const radius = 25;
    const { roi, grid } = analyticCase({ solid: sphere([0, 0, 0], radius), doseAt: () => 60 });
    const dvh = computeDvh(roi, grid);
    const s = summarizeDvh(dvh);
    const volumeCc = ((4 / 3) * Math.PI * radius ** 3) / 1000;
    expect(relativeError(s.volumeCc, volumeCc)).toBeLessThan(TOLERANCE);
    expect(relativeError(s.meanGy, 60)).toBeLessThan(TOLERANCE);
    expect(relativeError(s.d95Gy, 60)).toBeLessThan(TOLERANCE);
    // Tighter: the documented slab model (each plane's cross-section × plane spacing, end
    // planes included in full) is what the sampler must reproduce.
    let slabMm3 = 0;
    for (let z = -40; z <= 40; z += 2.5)
      slabMm3 += Math.PI * Math.max(0, radius ** 2 - z ** 2) * 2.5;
    expect(relativeError(s.volumeCc, slabMm3 / 1000)).toBeLessThan(0.002);
    expect(s.minGy).toBeCloseTo(60, 3);
    expect(s.maxGy).toBeCloseTo(60, 3);
    expect(volumeAtDose(dvh, 59.9).percent).toBeCloseTo(100, 6);
    expect(volumeAtDose(dvh, 60.1).cc).toBe(0);
  });

  it('sphere in a linear gradient: mean, D95 and V50 within 1 %, D50 within 0.25 %', () => {
    const radius = 25;
    const gradient = 0.6; // Gy per mm along x
    const doseAt = ([x]: readonly number[]) => 50 + gradient * (x as number);
    const { roi, grid } = analyticCase({ solid: sphere([0, 0, 0], radius), doseAt });
    const dvh = computeDvh(roi, grid);
    const s = summarizeDvh(dvh);
    const full = sphereCapVolume(radius, -radius);
    // D95: the x above which 95 % of the sphere lies.
    const t95 = bisect((t) => sphereCapVolume(radius, t) / full, 0.95, -radius, radius);
    expect(relativeError(s.volumeCc, full / 1000)).toBeLessThan(TOLERANCE);
    expect(relativeError(s.meanGy, 50)).toBeLessThan(TOLERANCE);
    expect(relativeError(s.d95Gy, 50 + gradient * t95)).toBeLessThan(TOLERANCE);
    // The per-plane lattice shift keeps sampling steps (0.6 Gy per mm here) out of the median.
    expect(relativeError(s.d50Gy, 50)).toBeLessThan(0.0025);
    expect(Math.abs(volumeAtDose(dvh, 50).percent - 50)).toBeLessThan(1);
    // Extremes lie within half a sample of the sphere's poles along x.
    expect(s.maxGy).toBeGreaterThan(50 + gradient * (radius - 1));
    expect(s.minGy).toBeLessThan(50 - gradient * (radius - 1));
  });

  it('spherical shell (contours with holes) in a gradient: volume, mean and D95 within 1 %', () => {
    const outer = 30;
    const inner = 15;
    const gradient = 0.5;
    const doseAt = ([x]: readonly number[]) => 40 + gradient * (x as number);
    const { roi, grid } = analyticCase({
      solid: sphericalShell([0, 0, 0], outer, inner),
      doseAt,
      halfSize: 45,
    });
    const s = summarizeDvh(computeDvh(roi, grid));
    const shellAbove = (t: number) => sphereCapVolume(outer, t) - sphereCapVolume(inner, t);
    const full = shellAbove(-outer);
    const t95 = bisect((t) => shellAbove(t) / full, 0.95, -outer, outer);
    expect(relativeError(s.volumeCc, full / 1000)).toBeLessThan(TOLERANCE);
    expect(relativeError(s.meanGy, 40)).toBeLessThan(TOLERANCE);
    expect(relativeError(s.d95Gy, 40 + gradient * t95)).toBeLessThan(TOLERANCE);
  });

  it('reads 16-bit dose grids the same way', () => {
    const { roi, grid } = analyticCase({
      solid: sphere([0, 0, 0], 20),
      doseAt: ([x]) => 30 + 0.4 * (x as number),
      bitsAllocated: 16,
    });
    expect(relativeError(computeDvh(roi, grid).meanGy, 30)).toBeLessThan(TOLERANCE);
  });

  it('cumulative and differential histograms agree and Dx decreases with x', () => {
    const { roi, grid } = analyticCase({
      solid: sphere([0, 0, 0], 20),
      doseAt: ([x]) => 30 + 0.4 * (x as number),
    });
    const dvh = computeDvh(roi, grid, { binWidthGy: 0.1 });
    const total = dvh.differentialCc.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(dvh.volumeCc, 6);
    expect(dvh.cumulativeCc[0]).toBeCloseTo(dvh.volumeCc, 6);
    for (let k = 1; k < dvh.cumulativeCc.length; k++)
      expect(dvh.cumulativeCc[k]).toBeLessThanOrEqual(dvh.cumulativeCc[k - 1] as number);
    const d = [2, 50, 95, 98].map((x) => doseAtVolumePercent(dvh, x));
    expect(d[0]).toBeGreaterThan(d[1] as number);
    expect(d[1]).toBeGreaterThan(d[2] as number);
    expect(d[2]).toBeGreaterThan(d[3] as number);
  });

  it('gives 0 Gy where the structure lies outside the dose grid', () => {
    const { roi, grid } = analyticCase({
      solid: sphere([0, 0, 0], 20),
      doseAt: () => 10,
      halfSize: 10, // grid covers only the centre of the sphere
    });
    const dvh = computeDvh(roi, grid);
    expect(dvh.minGy).toBe(0);
    expect(dvh.maxGy).toBeCloseTo(10, 3);
    expect(volumeAtDose(dvh, 5).percent).toBeLessThan(40);
  });
});

describe('DVH extremes on a steep gradient', () => {
  // A cone of 8 Gy/mm whose apex is a dose-grid sample inside the sphere (not on the 1 mm
  // lattice): trilinear dose peaks (or dips) exactly at that sample, so the answer is known.
  const apex: Vec3 = [5, -2.5, 0];
  const distance = (p: readonly number[]) =>
    Math.hypot((p[0] as number) - apex[0], (p[1] as number) - apex[1], (p[2] as number) - apex[2]);

  it('max is the hottest dose inside the structure, not the lattice’s', () => {
    const { roi, grid } = analyticCase({
      solid: sphere([0, 0, 0], 20),
      doseAt: (p) => Math.max(0, 70 - 8 * distance(p)),
    });
    const dvh = computeDvh(roi, grid);
    expect(dvh.extremesIncludeGridSamples).toBe(true);
    expect(dvh.maxGy).toBeCloseTo(70, 3);
    // D at a vanishing volume is the max, and no volume receives more than it.
    expect(doseAtVolumePercent(dvh, 0)).toBeCloseTo(70, 3);
    expect(volumeAtDose(dvh, 70.01).cc).toBe(0);
  });

  it('min is the coldest dose inside the structure', () => {
    const { roi, grid } = analyticCase({
      solid: sphere([0, 0, 0], 20),
      doseAt: (p) => 10 + 8 * distance(p),
    });
    const dvh = computeDvh(roi, grid);
    expect(dvh.minGy).toBeCloseTo(10, 3);
    expect(doseAtVolumePercent(dvh, 100)).toBeCloseTo(10, 3);
  });

  it('a dose peak just outside the structure does not count', () => {
    // Apex at x = 25 mm, outside the 20 mm sphere: the max is the cone at the sphere's edge.
    const { roi, grid } = analyticCase({
      solid: sphere([0, 0, 0], 20),
      doseAt: ([x, y, z]) =>
        Math.max(0, 70 - 2 * Math.hypot((x as number) - 25, y as number, z as number)),
    });
    const dvh = computeDvh(roi, grid);
    expect(dvh.maxGy).toBeLessThanOrEqual(70 - 2 * 5 + 1e-3);
    expect(dvh.maxGy).toBeGreaterThan(70 - 2 * 6);
  });
});
