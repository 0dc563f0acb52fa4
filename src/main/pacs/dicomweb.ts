// A DICOMweb client over Node's fetch: QIDO-RS search, WADO-RS retrieve (multipart/related
// application/dicom, streamed, with byte progress and cancel), STOW-RS store. Every failure
// is a PacsError; nothing raw leaves this module.
import type { PacsSeries, PacsSeriesRef, PacsStudy, PacsStudyQuery } from '../../shared/pacs';
import { PacsError } from './errors';
import { boundaryOf, MultipartFormatError, multipartRelated, parseMultipart } from './multipart';

/** DICOM JSON (PS3.18 F.2): tag → { vr, Value }. */
export type DicomJson = Record<string, { vr: string; Value?: unknown[] } | undefined>;

export interface DicomWebOptions {
  /** The DICOMweb root, e.g. http://127.0.0.1:8042/dicom-web */
  baseUrl: string;
  /** Per request until the answer starts, and between chunks of a long answer (default 15 s). */
  timeoutMs?: number;
}

export interface RetrieveOptions {
  signal?: AbortSignal;
  /** Bytes of the answer received so far. */
  onBytes?: (loaded: number) => void;
}

export interface StowOutcome {
  /** SOP Instance UIDs the PACS stored (or already held). */
  stored: string[];
  /** Instances it did not store, with its DICOM failure reason. */
  failed: { sopInstanceUid: string; reason: number | null }[];
}

function str(ds: DicomJson, tag: string): string {
  const v = ds[tag]?.Value?.[0];
  if (v === undefined || v === null) return '';
  if (typeof v === 'object' && 'Alphabetic' in v)
    return String((v as { Alphabetic: string }).Alphabetic);
  return String(v as string | number);
}

function num(ds: DicomJson, tag: string): number | null {
  const v = ds[tag]?.Value?.[0];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

function strs(ds: DicomJson, tag: string): string[] {
  return (ds[tag]?.Value ?? []).map((v) => String(v as string));
}

export function studyFromJson(ds: DicomJson): PacsStudy {
  return {
    studyInstanceUid: str(ds, '0020000D'),
    patientId: str(ds, '00100020'),
    patientName: str(ds, '00100010'),
    studyDate: str(ds, '00080020'),
    studyDescription: str(ds, '00081030'),
    modalities: strs(ds, '00080061'),
    seriesCount: num(ds, '00201206'),
    instanceCount: num(ds, '00201208'),
  };
}

export function seriesFromJson(ds: DicomJson, studyInstanceUid: string): PacsSeries {
  return {
    studyInstanceUid: str(ds, '0020000D') || studyInstanceUid,
    seriesInstanceUid: str(ds, '0020000E'),
    modality: str(ds, '00080060'),
    seriesDescription: str(ds, '0008103E'),
    seriesNumber: num(ds, '00200011'),
    instanceCount: num(ds, '00201209'),
  };
}

export class DicomWebClient {
  readonly baseUrl: string;
  readonly #timeoutMs: number;

  constructor(options: Readonly<DicomWebOptions>) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new PacsError('REFUSED', `The PACS URL "${options.baseUrl}" is not a URL.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new PacsError('REFUSED', `The PACS URL must start with http:// or https://.`);
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 15_000;
  }

  /** QIDO-RS: studies matching every field given. */
  async searchStudies(query: PacsStudyQuery, signal?: AbortSignal): Promise<PacsStudy[]> {
    const params = new URLSearchParams();
    if (query.patientId) params.set('PatientID', query.patientId);
    if (query.patientName) params.set('PatientName', query.patientName);
    if (query.studyDate) params.set('StudyDate', query.studyDate);
    if (query.modality) params.set('ModalitiesInStudy', query.modality);
    if (query.studyInstanceUid) params.set('StudyInstanceUID', query.studyInstanceUid);
    for (const f of ['00081030', '00080061', '00201206', '00201208'])
      params.append('includefield', f);
    const list = await this.#json(`/studies?${params.toString()}`, signal);
    return list.map(studyFromJson);
  }

  /** QIDO-RS: the series of one study (optionally of one modality). */
  async searchSeries(
    studyInstanceUid: string,
    query: { modality?: string } = {},
    signal?: AbortSignal,
  ): Promise<PacsSeries[]> {
    const params = new URLSearchParams();
    if (query.modality) params.set('Modality', query.modality);
    for (const f of ['0008103E', '00200011', '00201209']) params.append('includefield', f);
    const list = await this.#json(
      `/studies/${encodeURIComponent(studyInstanceUid)}/series?${params.toString()}`,
      signal,
    );
    return list.map((ds) => seriesFromJson(ds, studyInstanceUid));
  }

  /** QIDO-RS: the SOP Instance UIDs of one study the PACS holds (none when it has no such study). */
  async instanceUids(studyInstanceUid: string, signal?: AbortSignal): Promise<string[]> {
    const list = await this.#json(
      `/studies/${encodeURIComponent(studyInstanceUid)}/instances`,
      signal,
    );
    return list.map((ds) => str(ds, '00080018')).filter(Boolean);
  }

  /** WADO-RS: every instance of a series, as Part 10 files, streamed. */
  retrieveSeries(ref: PacsSeriesRef, options: RetrieveOptions = {}): AsyncGenerator<Buffer> {
    return this.#retrieve(
      `/studies/${encodeURIComponent(ref.studyInstanceUid)}/series/${encodeURIComponent(ref.seriesInstanceUid)}`,
      options,
    );
  }

  /** WADO-RS: every instance of a study. */
  retrieveStudy(studyInstanceUid: string, options: RetrieveOptions = {}): AsyncGenerator<Buffer> {
    return this.#retrieve(`/studies/${encodeURIComponent(studyInstanceUid)}`, options);
  }

  /** STOW-RS: stores the files; reads ReferencedSOPSequence and FailedSOPSequence. */
  async store(files: readonly Uint8Array[], signal?: AbortSignal): Promise<StowOutcome> {
    const { contentType, body } = multipartRelated(files);
    const res = await this.#fetch('/studies', {
      method: 'POST',
      headers: { 'content-type': contentType, accept: 'application/dicom+json' },
      // A Buffer from Buffer.concat owns a plain ArrayBuffer.
      body: body as Uint8Array<ArrayBuffer>,
      signal,
    });
    const text = await this.#text(res, signal);
    // 200 all stored; 202 some failed; 409 none stored. Each carries the sequences.
    if (!res.ok && res.status !== 409) throw this.#statusError(res.status, text);
    let answer: DicomJson = {};
    if (text.trim()) {
      try {
        answer = JSON.parse(text) as DicomJson;
      } catch (cause) {
        throw new PacsError(
          'BAD_RESPONSE',
          'The PACS answered the store with something other than DICOM JSON.',
          { cause },
        );
      }
    }
    const items = (tag: string) => (answer[tag]?.Value ?? []) as DicomJson[];
    const stored = items('00081199')
      .map((ds) => str(ds, '00081155'))
      .filter(Boolean);
    const failed = items('00081198').map((ds) => ({
      sopInstanceUid: str(ds, '00081155'),
      reason: num(ds, '00081197'),
    }));
    if (res.status === 409 && failed.length === 0) throw this.#statusError(res.status, text);
    return { stored, failed };
  }

  async #json(path: string, signal?: AbortSignal): Promise<DicomJson[]> {
    const res = await this.#fetch(path, { headers: { accept: 'application/dicom+json' }, signal });
    const text = await this.#text(res, signal);
    if (res.status === 204 || (res.ok && !text.trim())) return [];
    if (res.status === 404) return [];
    if (!res.ok) throw this.#statusError(res.status, text);
    try {
      const list = JSON.parse(text) as unknown;
      if (!Array.isArray(list)) throw new Error('not a list');
      return list as DicomJson[];
    } catch (cause) {
      throw new PacsError(
        'BAD_RESPONSE',
        'The PACS answered a search with something other than DICOM JSON.',
        { cause },
      );
    }
  }

  async *#retrieve(path: string, options: RetrieveOptions): AsyncGenerator<Buffer> {
    const res = await this.#fetch(path, {
      headers: { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' },
      signal: options.signal,
    });
    if (!res.ok) throw this.#statusError(res.status, await this.#text(res, options.signal));
    const boundary = boundaryOf(res.headers.get('content-type'));
    if (!boundary || !res.body) {
      throw new PacsError(
        'BAD_RESPONSE',
        'The PACS did not answer the retrieve with multipart/related DICOM.',
      );
    }
    let loaded = 0;
    const body = res.body;
    const counted = async function* (this: DicomWebClient) {
      for await (const chunk of this.#withIdleTimeout(body)) {
        loaded += chunk.byteLength;
        options.onBytes?.(loaded);
        yield chunk;
      }
    }.call(this);
    try {
      for await (const part of parseMultipart(counted, boundary)) {
        const type = part.headers['content-type'] ?? 'application/dicom';
        if (!/^application\/dicom\b/i.test(type)) {
          throw new PacsError(
            'BAD_RESPONSE',
            `The PACS sent a ${type} part where DICOM was expected.`,
          );
        }
        yield part.body;
      }
    } catch (error) {
      if (error instanceof MultipartFormatError) {
        throw new PacsError(
          'BAD_RESPONSE',
          'The PACS answer ended before every instance had arrived.',
          { cause: error },
        );
      }
      throw this.#networkError(error, options.signal);
    }
  }

  /** Reads the body, failing with TIMEOUT when no chunk arrives for the timeout. */
  async *#withIdleTimeout(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
    const reader = body.getReader();
    try {
      for (;;) {
        let timer: NodeJS.Timeout | undefined;
        const idle = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new PacsError('TIMEOUT', 'The PACS stopped sending in the middle of the answer.'),
              ),
            this.#timeoutMs,
          );
        });
        try {
          const r = await Promise.race([reader.read(), idle]);
          if (r.done) return;
          yield r.value;
        } finally {
          clearTimeout(timer);
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  async #fetch(path: string, init: RequestInit & { signal?: AbortSignal }): Promise<Response> {
    // The timeout covers the wait for the answer to start only: a long retrieve streams on
    // under the idle timeout of #withIdleTimeout. The caller's signal cancels the body too.
    const late = new AbortController();
    const timer = setTimeout(() => late.abort(), this.#timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, late.signal]) : late.signal;
    try {
      return await fetch(`${this.baseUrl}${path}`, { ...init, signal });
    } catch (error) {
      if (!init.signal?.aborted && late.signal.aborted) {
        throw new PacsError('TIMEOUT', 'The PACS did not answer in time.', { cause: error });
      }
      throw this.#networkError(error, init.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  async #text(res: Response, signal?: AbortSignal): Promise<string> {
    try {
      return await res.text();
    } catch (error) {
      throw this.#networkError(error, signal);
    }
  }

  #statusError(status: number, text: string): PacsError {
    const detail = text.slice(0, 200).replace(/\s+/g, ' ').trim();
    if (status === 404) {
      return new PacsError('REFUSED', 'The PACS does not hold that study or series (any more).', {
        status,
      });
    }
    return status >= 500
      ? new PacsError(
          'SERVER_ERROR',
          `The PACS failed with HTTP ${status}${detail ? `: ${detail}` : ''}.`,
          { status },
        )
      : new PacsError(
          'REFUSED',
          `The PACS refused the request with HTTP ${status}${detail ? `: ${detail}` : ''}.`,
          { status },
        );
  }

  #networkError(error: unknown, signal?: AbortSignal): unknown {
    if (error instanceof PacsError) return error;
    if (signal?.aborted) return new PacsError('ABORTED', 'Cancelled.', { cause: error });
    return new PacsError('UNREACHABLE', `The PACS at ${this.baseUrl} cannot be reached.`, {
      cause: error,
    });
  }
}
