// The viewer's decode-on-demand queue (src/renderer/viewer/lazyPixels.ts), in Node with a
// stand-in for the worker's decode: the slice the viewport asks for comes first and its
// neighbours next, every other slice follows in the background, a slice that fails
// fails alone with its message, and a closed course stops decoding.

import { describe, expect, it } from 'vitest';
import type { ImageSlice } from '../../src/shared/rt/parse/image';
import {
  SliceDecodeQueue,
  decodedPixels,
  decodedSeries,
  releaseCourse,
  trackCourse,
} from '../../src/renderer/viewer/lazyPixels';
import type { ImageSeries } from '../../src/shared/rt/parse/image';

function encodedSeries(count: number): ImageSlice[] {
  return Array.from(
    { length: count },
    (_, k) =>
      ({ file: `CT_${k}.dcm`, pixels: new Int16Array(0), pixelsEncoded: true }) as ImageSlice,
  );
}

/** A decode that answers when the test says, recording the order it was asked in. */
function controlledDecode(failing: ReadonlySet<string> = new Set()) {
  const asked: string[] = [];
  const decode = async (slice: ImageSlice) => {
    asked.push(slice.file);
    await Promise.resolve();
    if (failing.has(slice.file)) throw new Error(`${slice.file}: the frame cannot be decoded`);
    return Int16Array.of(Number(/\d+/.exec(slice.file)?.[0]));
  };
  return { asked, decode };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 200; i++) await Promise.resolve();
}

describe('decode on demand in the viewer', () => {
  it('decodes the slice asked for first, then its neighbours, then the rest from the middle out', async () => {
    const slices = encodedSeries(9);
    const { asked, decode } = controlledDecode();
    const queue = new SliceDecodeQueue(decode, [slices]);
    const pixels = await queue.pixels(slices[1] as ImageSlice);
    expect(Array.from(pixels)).toEqual([1]);
    await settle();
    expect(asked.slice(0, 4)).toEqual(['CT_1.dcm', 'CT_2.dcm', 'CT_0.dcm', 'CT_3.dcm']);
    expect(asked.slice(4)).toEqual(['CT_4.dcm', 'CT_5.dcm', 'CT_6.dcm', 'CT_7.dcm', 'CT_8.dcm']);
    // Every slice got its own pixels, in place, and is no longer marked encoded.
    expect(slices.map((s) => [s.pixelsEncoded, Array.from(s.pixels)])).toEqual(
      slices.map((_, k) => [undefined, [k]]),
    );
  });

  it('decodes every slice in the background once started, middle first', async () => {
    const slices = encodedSeries(5);
    const { asked, decode } = controlledDecode();
    new SliceDecodeQueue(decode, [slices]).start();
    await settle();
    expect(asked).toEqual(['CT_2.dcm', 'CT_3.dcm', 'CT_1.dcm', 'CT_4.dcm', 'CT_0.dcm']);
  });

  it('refuses a slice that fails with its own message, and still decodes the others', async () => {
    const slices = encodedSeries(4);
    const { decode } = controlledDecode(new Set(['CT_2.dcm']));
    const queue = new SliceDecodeQueue(decode, [slices]);
    queue.start();
    await expect(queue.pixels(slices[2] as ImageSlice)).rejects.toThrow(
      'CT_2.dcm: the frame cannot be decoded',
    );
    // Asked again (scrolled back to it): the same message, not another decode.
    await expect(queue.pixels(slices[2] as ImageSlice)).rejects.toThrow(/CT_2\.dcm/);
    await settle();
    expect(slices.filter((s) => s.pixelsEncoded).map((s) => s.file)).toEqual(['CT_2.dcm']);
  });

  it('stops decoding when the course is closed, and refuses what is asked after', async () => {
    const slices = encodedSeries(6);
    const { asked, decode } = controlledDecode();
    const queue = new SliceDecodeQueue(decode, [slices]);
    queue.start();
    queue.release();
    await settle();
    expect(asked.length).toBeLessThanOrEqual(1);
    await expect(queue.pixels(slices[0] as ImageSlice)).rejects.toThrow('the course was closed');
  });

  it('gives a volume every slice of a series decoded, or the slice that cannot be, by file', async () => {
    const good = { slices: encodedSeries(5) } as ImageSeries;
    const bad = { slices: encodedSeries(3) } as ImageSeries;
    bad.slices.forEach((s, k) => (s.file = `MR_${k}.dcm`));
    trackCourse(7, [good], controlledDecode().decode);
    trackCourse(8, [bad], controlledDecode(new Set(['MR_1.dcm'])).decode);
    await decodedSeries(good);
    expect(good.slices.map((s) => Array.from(s.pixels))).toEqual([[0], [1], [2], [3], [4]]);
    await expect(decodedSeries(bad)).rejects.toThrow('MR_1.dcm: the frame cannot be decoded');
    // Closed: a slice still undecoded is refused, never handed over empty.
    releaseCourse(8);
    await expect(decodedPixels(bad.slices[1] as ImageSlice)).rejects.toThrow(/MR_1\.dcm/);
    const untracked = encodedSeries(1)[0] as ImageSlice;
    await expect(decodedPixels(untracked)).rejects.toThrow(
      'CT_0.dcm: its pixels were never decoded',
    );
    releaseCourse(7);
  });
});
