// Reading a course from files, asynchronously where it must be: a deflated data set is
// inflated (DecompressionStream is asynchronous) and each codec the files need is loaded
// once (WebAssembly instantiation is too); then the synchronous parse runs on the result.
// The viewer's worker and the CLI both read courses through here.

import { TRANSFER_SYNTAX } from './dictionary';
import { dicomParser } from './parse/dicom-parser';
import type { CodecLoader } from './codecs/load';
import type { FrameCodec } from './codecs/types';
import { RtError, isRtError } from './errors';
import { inflateDataSet } from './parse/inflate';
import type { CodecSet } from './parse/pixels';
import { transferSyntax, type CodecId } from './parse/transfer-syntax';
import { loadStudy, type Study, type StudyFile } from './study';

/** The transfer syntax UID and meta header length of a Part 10 file, when it has them. */
interface MetaHeader {
  uid: string;
  /** Where the data set starts. */
  position: number;
  /** Where the TransferSyntaxUID value is, and its length. */
  uidAt: number;
  uidLength: number;
}

function peekMetaHeader(bytes: Uint8Array): MetaHeader | undefined {
  try {
    const meta = dicomParser.readPart10Header(bytes) as ReturnType<
      typeof dicomParser.readPart10Header
    > & { position?: number };
    const element = meta.elements.x00020010;
    if (!element || meta.position === undefined) return undefined;
    const uid = (meta.string('x00020010') ?? '').replace(/\0/g, '').trim();
    return { uid, position: meta.position, uidAt: element.dataOffset, uidLength: element.length };
  } catch {
    return undefined; // not Part 10, or damaged: the parse itself will say so
  }
}

async function prepareFile(file: StudyFile, needed: Set<CodecId>): Promise<StudyFile> {
  const meta = peekMetaHeader(file.bytes);
  if (!meta) return file;
  const syntax = transferSyntax(meta.uid);
  if (syntax.pixels?.kind === 'encapsulated') needed.add(syntax.pixels.codec);
  if (!syntax.deflated) return file;
  try {
    const inflated = await inflateDataSet(file.bytes.subarray(meta.position), file.name);
    return { ...file, bytes: relabel(file.bytes, meta, inflated), prepared: { inflated: true } };
  } catch (error) {
    const rt = isRtError(error) ? error : new RtError('BAD_VALUE', String(error), file.name);
    return { ...file, prepared: { error: rt } };
  }
}

/**
 * The file as Explicit VR Little Endian: its own meta header, the syntax UID overwritten
 * in place (NUL-padded to the same length, so no offset moves), then the inflated data set.
 */
function relabel(bytes: Uint8Array, meta: MetaHeader, inflated: Uint8Array): Uint8Array {
  const out = new Uint8Array(meta.position + inflated.length);
  out.set(bytes.subarray(0, meta.position));
  out.set(inflated, meta.position);
  const uid = new TextEncoder().encode(TRANSFER_SYNTAX.explicitLittle);
  out.fill(0, meta.uidAt, meta.uidAt + meta.uidLength);
  out.set(uid.subarray(0, meta.uidLength), meta.uidAt);
  return out;
}

/** Codecs for these ids; one that fails to load fails each frame with the reason. */
async function loadCodecs(ids: Iterable<CodecId>, load: CodecLoader): Promise<CodecSet> {
  const codecs = new Map<CodecId, FrameCodec>();
  for (const id of ids) {
    try {
      codecs.set(id, await load(id));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      codecs.set(id, {
        decode() {
          throw new Error(`its decoder failed to load: ${reason}`);
        },
      });
    }
  }
  return codecs;
}

/** Inflates the deflated files and loads the codecs the files need, ready for the parse. */
export async function prepareStudyFiles(
  files: readonly StudyFile[],
  load: CodecLoader,
): Promise<{ files: StudyFile[]; codecs: CodecSet }> {
  const needed = new Set<CodecId>();
  const prepared = await Promise.all(files.map((file) => prepareFile(file, needed)));
  return { files: prepared, codecs: await loadCodecs(needed, load) };
}

/** Inflates and loads codecs as the files need, then parses them (see loadStudy). */
export async function readStudy(files: readonly StudyFile[], load: CodecLoader): Promise<Study> {
  const prepared = await prepareStudyFiles(files, load);
  return loadStudy(prepared.files, prepared.codecs);
}
