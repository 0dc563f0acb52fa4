// multipart/related (RFC 2387) as DICOMweb uses it: WADO-RS answers and STOW-RS requests
// carry one application/dicom part per instance.
//
// Our own, small parser: busboy (the well-kept Node one) accepts multipart/form-data only (it
// requires a Content-Disposition per part), and dicomweb-client runs on XMLHttpRequest and
// buffers the whole answer. This one streams: each part is handed over as soon as its closing
// delimiter arrives, so a 200-slice study never sits in memory twice.
import { randomBytes } from 'node:crypto';

export interface MultipartPart {
  headers: Record<string, string>;
  body: Buffer;
}

/** The boundary parameter of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string | null): string | undefined {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

export class MultipartFormatError extends Error {}

/** Splits a multipart body into its parts while it streams in. */
export async function* parseMultipart(
  chunks: AsyncIterable<Uint8Array>,
  boundary: string,
): AsyncGenerator<MultipartPart> {
  const dash = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let buf = Buffer.alloc(0);
  type State = 'preamble' | 'afterBoundary' | 'headers' | 'body' | 'done';
  // Widened on purpose: step() changes it, which TypeScript's narrowing does not see.
  let state = 'preamble' as State;
  let headers: Record<string, string> = {};
  let searchFrom = 0;
  const step = (): MultipartPart | 'more' | 'again' => {
    switch (state) {
      case 'preamble': {
        // The first boundary may open the body directly (no CRLF before it).
        const at = buf.indexOf(dash);
        if (at < 0) return 'more';
        buf = buf.subarray(at + dash.length);
        state = 'afterBoundary';
        return 'again';
      }
      case 'afterBoundary': {
        if (buf.length < 2) return 'more';
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          state = 'done';
          return 'again';
        }
        const eol = buf.indexOf('\r\n');
        if (eol < 0) return 'more';
        buf = buf.subarray(eol + 2); // transport padding, then CRLF
        state = 'headers';
        return 'again';
      }
      case 'headers': {
        if (buf.subarray(0, 2).toString() === '\r\n') {
          headers = {};
          buf = buf.subarray(2);
        } else {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return 'more';
          headers = parseHeaders(buf.subarray(0, end).toString('latin1'));
          buf = buf.subarray(end + 4);
        }
        state = 'body';
        searchFrom = 0;
        return 'again';
      }
      case 'body': {
        const at = buf.indexOf(delimiter, searchFrom);
        if (at < 0) {
          searchFrom = Math.max(0, buf.length - delimiter.length);
          return 'more';
        }
        const part = { headers, body: Buffer.from(buf.subarray(0, at)) };
        buf = buf.subarray(at + delimiter.length);
        state = 'afterBoundary';
        return part;
      }
      case 'done':
        return 'more';
    }
  };
  for await (const chunk of chunks) {
    buf = buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([buf, chunk]);
    for (;;) {
      const r = step();
      if (r === 'more') break;
      if (r !== 'again') yield r;
    }
    if (state === 'done') return;
  }
  if (state !== 'done') {
    throw new MultipartFormatError('the multipart answer ended before its closing boundary');
  }
}

/** A multipart/related body of DICOM parts, and its Content-Type. */
export function multipartRelated(
  parts: readonly Uint8Array[],
  type = 'application/dicom',
): { contentType: string; body: Buffer } {
  const boundary = `ehr-${randomBytes(12).toString('hex')}`;
  const pieces: Buffer[] = [];
  for (const part of parts) {
    pieces.push(Buffer.from(`--${boundary}\r\nContent-Type: ${type}\r\n\r\n`));
    pieces.push(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
    pieces.push(Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    contentType: `multipart/related; type="${type}"; boundary=${boundary}`,
    body: Buffer.concat(pieces),
  };
}
