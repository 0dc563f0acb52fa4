// Every transfer syntax by UID: its name (for errors a person can act on) and how its
// pixel data is read. Native syntaxes are read as they are (big endian swapped), deflated
// ones are inflated before parsing (prepare.ts), encapsulated ones go through a codec.

export type PixelEncoding =
  { kind: 'native'; bigEndian: boolean } | { kind: 'encapsulated'; codec: CodecId; lossy: boolean };

export type CodecId = 'jpeg-lossless' | 'jpeg-ls' | 'jpeg-2000' | 'rle';

export interface TransferSyntax {
  uid: string;
  name: string;
  /** How the pixel data is stored; undefined when we cannot read it. */
  pixels?: PixelEncoding;
  /** The data set after the meta header is deflated (PS3.5 A.5). */
  deflated: boolean;
}

const native = (bigEndian = false): PixelEncoding => ({ kind: 'native', bigEndian });
const codec = (id: CodecId, lossy = false): PixelEncoding => ({
  kind: 'encapsulated',
  codec: id,
  lossy,
});

const TABLE: readonly (readonly [string, string, PixelEncoding | undefined, boolean?])[] = [
  ['1.2.840.10008.1.2', 'Implicit VR Little Endian', native()],
  ['1.2.840.10008.1.2.1', 'Explicit VR Little Endian', native()],
  ['1.2.840.10008.1.2.1.99', 'Deflated Explicit VR Little Endian', native(), true],
  ['1.2.840.10008.1.2.2', 'Explicit VR Big Endian', native(true)],
  ['1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', undefined],
  ['1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', undefined],
  [
    '1.2.840.10008.1.2.4.57',
    'JPEG Lossless, Non-Hierarchical (Process 14)',
    codec('jpeg-lossless'),
  ],
  [
    '1.2.840.10008.1.2.4.70',
    'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, Selection Value 1)',
    codec('jpeg-lossless'),
  ],
  ['1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless', codec('jpeg-ls')],
  ['1.2.840.10008.1.2.4.81', 'JPEG-LS Lossy (Near-Lossless)', codec('jpeg-ls', true)],
  ['1.2.840.10008.1.2.4.90', 'JPEG 2000 (Lossless Only)', codec('jpeg-2000')],
  ['1.2.840.10008.1.2.4.91', 'JPEG 2000', codec('jpeg-2000', true)],
  ['1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 (Lossless Only)', undefined],
  ['1.2.840.10008.1.2.4.203', 'High-Throughput JPEG 2000', undefined],
  ['1.2.840.10008.1.2.4.100', 'MPEG2 Main Profile / Main Level', undefined],
  ['1.2.840.10008.1.2.4.102', 'MPEG-4 AVC/H.264 High Profile', undefined],
  ['1.2.840.10008.1.2.5', 'RLE Lossless', codec('rle')],
];

const BY_UID = new Map<string, TransferSyntax>(
  TABLE.map(([uid, name, pixels, deflated]) => [
    uid,
    { uid, name, deflated: deflated ?? false, ...(pixels ? { pixels } : {}) },
  ]),
);

/** The syntax for a UID; an unknown UID has no pixel encoding and its UID as name. */
export function transferSyntax(uid: string): TransferSyntax {
  return BY_UID.get(uid) ?? { uid, name: 'unknown transfer syntax', deflated: false };
}

/** "JPEG-LS Lossless (1.2.840.10008.1.2.4.80)", as every error about a syntax says it. */
export function describeTransferSyntax(uid: string): string {
  return `${transferSyntax(uid).name} (${uid})`;
}

export function transferSyntaxName(uid: string): string {
  return BY_UID.get(uid)?.name ?? uid;
}
