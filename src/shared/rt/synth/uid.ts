// Deterministic UIDs for synthetic data: "2.25." followed by a 128-bit number derived from
// a seed and a label (the UUID-derived UID form of PS3.5 B.2). The same seed gives the same
// course, which keeps tests reproducible; different seeds never collide in practice.

/** cyrb128: a small, well-mixed 128-bit string hash (public domain). */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

export function uidFromSeed(seed: string, label: string): string {
  const [a, b, c, d] = cyrb128(`${seed}\u0000${label}`);
  const value = (BigInt(a) << 96n) | (BigInt(b) << 64n) | (BigInt(c) << 32n) | BigInt(d) | 1n;
  return `2.25.${value.toString()}`;
}

export function uidFactory(seed: string): (label: string) => string {
  return (label) => uidFromSeed(seed, label);
}
