// The two pieces of the PACS path that touch bytes: the streaming multipart/related parser
// (WADO-RS answers arrive in arbitrary chunks, a delimiter may be split across two) and the
// patient rewrite (every byte but the patient's ID, name and other IDs stays as it was, in
// explicit and implicit VR files alike).
import { describe, expect, it } from 'vitest';
import { PacsError } from '../../src/main/pacs/errors';
import {
  boundaryOf,
  MultipartFormatError,
  multipartRelated,
  parseMultipart,
} from '../../src/main/pacs/multipart';
import { readIdentity, rewritePatient } from '../../src/main/pacs/patient-rewrite';
import { writePart10 } from '../../src/shared/rt/dicom-writer';
import { dicomParser } from '../../src/shared/rt/parse/dicom-parser';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';

async function* chunks(body: Buffer, size: (i: number) => number): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < body.length; i++) {
    const n = Math.max(1, size(i));
    yield body.subarray(at, at + n);
    at += n;
  }
}

async function parts(body: Buffer, boundary: string, size: (i: number) => number) {
  const out: Buffer[] = [];
  for await (const part of parseMultipart(chunks(body, size), boundary)) out.push(part.body);
  return out;
}

describe('multipart/related', () => {
  const files = [Buffer.from('first'), Buffer.alloc(3000, 7), Buffer.from('\r\n--almost\r\n')];
  const { contentType, body } = multipartRelated(files);
  const boundary = boundaryOf(contentType)!;

  it('gives back every part whole, however the answer is chunked', async () => {
    for (const size of [() => 1, () => 7, (i: number) => (i * 37) % 101, () => body.length]) {
      expect(await parts(body, boundary, size)).toEqual(files);
    }
  });

  it('reads a quoted boundary and a preamble', async () => {
    expect(boundaryOf('multipart/related; type="application/dicom"; boundary="a b"')).toBe('a b');
    expect(boundaryOf('application/dicom+json')).toBeUndefined();
    const withPreamble = Buffer.concat([Buffer.from('ignored preamble\r\n'), body]);
    expect(await parts(withPreamble, boundary, () => 5)).toEqual(files);
  });

  it('refuses an answer cut off before its closing boundary', async () => {
    const cut = body.subarray(0, body.length - 20);
    await expect(parts(cut, boundary, () => 64)).rejects.toBeInstanceOf(MultipartFormatError);
  });
});

describe('the patient rewrite', () => {
  const local = {
    patientId: 'HB-7',
    patientName: 'DOE^JOHN^^^LOCAL',
    senderIssuer: 'HospitalAMSP',
  };

  for (const implicitVr of [false, true]) {
    it(`keeps every UID and the pixel data, moves the sender's ID aside (${implicitVr ? 'implicit' : 'explicit'} VR)`, () => {
      const course = synthesizeCourse({
        slices: 2,
        patientId: 'HA-0042',
        encode: (_name, ds) => writePart10(ds, { implicitVr }),
      });
      const ct = course.files.find((f) => f.name.startsWith('CT_'))!.bytes;
      const out = rewritePatient(ct, local);
      const before = dicomParser.parseDicom(ct);
      const after = dicomParser.parseDicom(out);
      expect(after.string('x00100020')).toBe('HB-7');
      expect(after.string('x00100010')).toBe('DOE^JOHN^^^LOCAL');
      const item = after.elements.x00101002!.items![0]!.dataSet!;
      expect(item.string('x00100020')).toBe('HA-0042');
      expect(item.string('x00100021')).toBe('HospitalAMSP');
      for (const tag of ['x00080018', 'x0020000d', 'x0020000e', 'x00200052', 'x00020003']) {
        expect(after.string(tag)).toBe(before.string(tag));
      }
      const pixels = (ds: typeof before, bytes: Uint8Array) => {
        const el = ds.elements.x7fe00010!;
        return Buffer.from(bytes.subarray(el.dataOffset, el.dataOffset + el.length));
      };
      expect(pixels(after, out).equals(pixels(before, ct))).toBe(true);
      // Rewriting again (a repeated import) changes nothing more.
      expect(Buffer.compare(rewritePatient(out, local), out)).toBe(0);
      expect(readIdentity(out).otherPatientIds).toEqual(['HA-0042']);
    });
  }

  it('writes a Latin-1 name, refuses one the file’s character set (ISO_IR 100) cannot hold, and a file that is not DICOM', () => {
    const ct = synthesizeCourse({ slices: 1 }).files[0]!.bytes;
    const accented = rewritePatient(ct, { ...local, patientName: 'MÜLLER^ANNA' });
    expect(readIdentity(accented).patientName).toBe('MÜLLER^ANNA');
    expect(() => rewritePatient(ct, { ...local, patientName: 'WAŁĘSA^LECH' })).toThrow(
      /cannot hold/,
    );
    expect(() => rewritePatient(Buffer.from('not dicom'), local, 'notes.txt')).toThrow(PacsError);
  });
});
