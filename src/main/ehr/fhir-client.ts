// A FHIR R4 client over Node's fetch: the server's CapabilityStatement checked once (FHIR
// 4.0.x), search with paging (Bundle.link "next"), read, and transaction. Every failure is a
// FhirError; an OperationOutcome's messages are carried in it. Nothing raw leaves this module.
//
// Written here rather than taken from a library: the client libraries on npm (fhir-kit-client,
// fhirclient) bring their own HTTP stacks and SMART launch logic, and none gives the typed
// failures this workstation needs; the protocol used here is a handful of JSON requests.
//
// Every request says what it sends and wants (application/fhir+json): HAPI refuses a body sent
// as text/plain (fetch's default for a string), and an address outside the FHIR base (e.g.
// the server root without /fhir) is answered by the web container, not by FHIR — an HTML or
// plain JSON error page. Such an answer is refused as "not FHIR" with a hint about the base.
import type * as R4 from 'fhir/r4';
import { FhirError } from './errors';

export interface FhirClientOptions {
  /** The FHIR base URL, e.g. http://127.0.0.1:8080/fhir */
  baseUrl: string;
  /** Per request, until the whole answer is read (default 15 s). */
  timeoutMs?: number;
  /** Search pages followed at most, so a server that pages forever cannot hang us (default 50). */
  maxPages?: number;
}

const FHIR_JSON = 'application/fhir+json';

/** The messages of an OperationOutcome, joined into one sentence. */
export function outcomeText(outcome: R4.OperationOutcome): string {
  const texts = (outcome.issue ?? [])
    .filter((i) => i.severity === 'error' || i.severity === 'fatal' || i.severity === 'warning')
    .map((i) => i.details?.text ?? i.diagnostics ?? i.code)
    .filter((t): t is string => typeof t === 'string' && t.length > 0);
  return texts.length > 0 ? texts.join('; ') : 'no reason given';
}

function isResource(value: unknown): value is R4.FhirResource {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { resourceType?: unknown }).resourceType === 'string'
  );
}

function transportError(error: unknown, what: string, signal?: AbortSignal): FhirError {
  if (signal?.aborted) return new FhirError('ABORTED', 'Cancelled.', { cause: error });
  const name = (error as { name?: string })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new FhirError('TIMEOUT', `The EHR did not answer ${what} in time.`, { cause: error });
  }
  const cause = (error as { cause?: { code?: string } })?.cause;
  return new FhirError(
    'UNREACHABLE',
    `The EHR cannot be reached (${cause?.code ?? (error as Error)?.message ?? 'no answer'}).`,
    { cause: error },
  );
}

export class FhirClient {
  readonly baseUrl: string;
  readonly #timeoutMs: number;
  readonly #maxPages: number;
  #checked: Promise<R4.CapabilityStatement> | undefined;

  constructor(options: Readonly<FhirClientOptions>) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new FhirError('REFUSED', `The EHR URL "${options.baseUrl}" is not a URL.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new FhirError('REFUSED', 'The EHR URL must start with http:// or https://.');
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#maxPages = options.maxPages ?? 50;
  }

  /**
   * The server's CapabilityStatement, once it has shown it speaks FHIR R4 (4.0.x). Every other
   * call checks this first, so a wrong URL or an R5 server is named before anything is sent.
   */
  capabilities(signal?: AbortSignal): Promise<R4.CapabilityStatement> {
    const check = (this.#checked ??= this.#fetchCapabilities(signal));
    // A failed check (server down) is tried again next time.
    check.catch(() => {
      if (this.#checked === check) this.#checked = undefined;
    });
    return check;
  }

  async #fetchCapabilities(signal?: AbortSignal): Promise<R4.CapabilityStatement> {
    const body = await this.#request('GET', `${this.baseUrl}/metadata`, undefined, signal);
    if (body.resourceType !== 'CapabilityStatement') {
      throw new FhirError(
        'NOT_FHIR',
        `The EHR at ${this.baseUrl} answered its metadata with a ${body.resourceType}, not a CapabilityStatement: it is not a FHIR server's base URL.`,
      );
    }
    const version = (body as { fhirVersion?: unknown }).fhirVersion;
    if (typeof version !== 'string' || !/^4\.0\.\d+$/.test(version)) {
      throw new FhirError(
        'NOT_R4',
        `The EHR at ${this.baseUrl} speaks FHIR ${typeof version === 'string' ? version : '(no version)'}, but the workstation shares FHIR R4 (4.0.x) only.`,
      );
    }
    return body;
  }

  /** Every resource of `type` matching `params`, following the server's next-page links. */
  async search<T extends R4.FhirResource>(
    type: T['resourceType'],
    params: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<T[]> {
    await this.capabilities(signal);
    const found: T[] = [];
    let url: string | undefined =
      `${this.baseUrl}/${type}?${new URLSearchParams(params).toString()}`;
    for (let page = 0; url; page++) {
      if (page >= this.#maxPages) {
        throw new FhirError(
          'SERVER_ERROR',
          `The EHR's search for ${type} did not end after ${this.#maxPages} pages.`,
        );
      }
      const bundle = await this.#request('GET', url, undefined, signal);
      if (bundle.resourceType !== 'Bundle' || bundle.type !== 'searchset') {
        throw new FhirError(
          'NOT_FHIR',
          `The EHR answered a search for ${type} with a ${bundle.resourceType}, not a search Bundle.`,
        );
      }
      for (const entry of bundle.entry ?? []) {
        if (entry.search?.mode === 'include' || entry.search?.mode === 'outcome') continue;
        if (!isResource(entry.resource) || entry.resource.resourceType !== type) {
          throw new FhirError(
            'NOT_FHIR',
            `The EHR's search for ${type} returned an entry that is not a ${type}.`,
          );
        }
        found.push(entry.resource as T);
      }
      url = bundle.link?.find((l) => l.relation === 'next')?.url;
      if (url && !url.startsWith(`${new URL(this.baseUrl).origin}/`)) {
        // Only our EHR is followed: a next link elsewhere would leak the search.
        throw new FhirError('NOT_FHIR', `The EHR's next-page link points elsewhere (${url}).`);
      }
    }
    return found;
  }

  /** POSTs a transaction Bundle; the server applies all of it or nothing. */
  async transaction(bundle: R4.Bundle<R4.FhirResource>, signal?: AbortSignal): Promise<R4.Bundle> {
    await this.capabilities(signal);
    const answer = await this.#request('POST', this.baseUrl, bundle, signal);
    if (answer.resourceType !== 'Bundle' || answer.type !== 'transaction-response') {
      throw new FhirError(
        'NOT_FHIR',
        `The EHR answered a transaction with a ${answer.resourceType}, not a transaction response.`,
      );
    }
    return answer;
  }

  /** Reads one resource by type and id. */
  async read<T extends R4.FhirResource>(
    type: T['resourceType'],
    id: string,
    signal?: AbortSignal,
  ): Promise<T> {
    await this.capabilities(signal);
    const body = await this.#request(
      'GET',
      `${this.baseUrl}/${type}/${encodeURIComponent(id)}`,
      undefined,
      signal,
    );
    if (body.resourceType !== type) {
      throw new FhirError(
        'NOT_FHIR',
        `The EHR answered ${type}/${id} with a ${body.resourceType}.`,
      );
    }
    return body as T;
  }

  async #request(
    method: 'GET' | 'POST',
    url: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<
    R4.FhirResource & {
      type?: string;
      entry?: R4.BundleEntry<R4.FhirResource>[];
      link?: R4.BundleLink[];
    }
  > {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const what = method === 'GET' ? 'a request' : 'a transaction';
    let status: number;
    let type: string;
    let text: string;
    try {
      const res = await fetch(url, {
        method,
        headers:
          body === undefined
            ? // HAPI would otherwise answer a search repeated within a minute from its cache.
              { accept: FHIR_JSON, 'cache-control': 'no-cache' }
            : { accept: FHIR_JSON, 'content-type': `${FHIR_JSON}; charset=utf-8` },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: combined,
        redirect: 'error',
      });
      status = res.status;
      type = res.headers.get('content-type') ?? '';
      text = await res.text();
    } catch (error) {
      throw transportError(error, what, signal);
    }
    if (!/\bjson\b|\+json\b/i.test(type)) {
      throw new FhirError(
        'NOT_FHIR',
        `The EHR at ${this.baseUrl} answered ${type.split(';')[0] || 'something'} (HTTP ${status}), not FHIR JSON: check that the EHR URL is the FHIR base (it usually ends in /fhir).`,
        { status },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new FhirError(
        'NOT_FHIR',
        `The EHR answered malformed JSON (HTTP ${status}), so it is not FHIR.`,
        { status },
      );
    }
    if (!isResource(parsed)) {
      throw new FhirError(
        'NOT_FHIR',
        `The EHR at ${this.baseUrl} answered JSON that is not a FHIR resource (HTTP ${status}): check that the EHR URL is the FHIR base (it usually ends in /fhir).`,
        { status },
      );
    }
    if (status >= 200 && status < 300) return parsed as never;
    const reason =
      parsed.resourceType === 'OperationOutcome' ? outcomeText(parsed) : `HTTP ${status}`;
    throw new FhirError(
      status >= 500 ? 'SERVER_ERROR' : 'REFUSED',
      `The EHR refused the request: ${reason}`,
      { status },
    );
  }
}
