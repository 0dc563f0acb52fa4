// The hospital PACS (real Orthanc + DICOMweb plugin) with a 200-slice CT study (256×256, about
// 27 MB): our WADO-RS retrieve of the whole series (one multipart/related answer, parsed as it
// streams) against Orthanc's plain REST download of the same instances one by one
// (GET /instances/{id}/file) in the same run; and our STOW-RS store (one multipart request)
// against Orthanc's REST upload of the same files one by one (POST /instances). MB/s, larger is
// better; the median of a few rounds.
import { DicomWebClient } from '../src/main/pacs/dicomweb';
import { synthesizeCourse } from '../src/shared/rt/synth/course';
import { orthancMissing, startTestOrthanc } from '../test/support/orthanc';
import type { BenchFigure } from './format';

const SLICES = 200;
const ROUNDS = 3;
const MB = 1e6;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function seconds(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export async function run(): Promise<BenchFigure[]> {
  const missing = orthancMissing();
  if (missing) {
    console.error(`pacs bench skipped: ${missing}`);
    return [];
  }
  const course = synthesizeCourse({ slices: SLICES, matrix: 256, sliceThicknessMm: 1.5 });
  const ct = course.files.filter((f) => f.name.startsWith('CT_')).map((f) => f.bytes);
  const bytes = ct.reduce((n, b) => n + b.length, 0);
  const pacs = await startTestOrthanc('BenchPACS');
  try {
    const client = new DicomWebClient({ baseUrl: pacs.dicomWebUrl, timeoutMs: 120_000 });
    const clear = async () => {
      for (const id of await json<string[]>(`${pacs.url}/studies`)) {
        await fetch(`${pacs.url}/studies/${id}`, { method: 'DELETE' });
      }
    };
    const stow: number[] = [];
    const restUp: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      await clear();
      stow.push(
        await seconds(async () => {
          const out = await client.store(ct);
          if (out.failed.length) throw new Error('STOW-RS failed');
        }),
      );
      await clear();
      restUp.push(
        await seconds(async () => {
          for (const file of ct) {
            await json(`${pacs.url}/instances`, {
              method: 'POST',
              body: file as Uint8Array<ArrayBuffer>,
            });
          }
        }),
      );
    }
    const [study] = await client.searchStudies({ studyInstanceUid: course.studyInstanceUid });
    const series = await client.searchSeries(study!.studyInstanceUid, { modality: 'CT' });
    const ref = {
      studyInstanceUid: study!.studyInstanceUid,
      seriesInstanceUid: series[0]!.seriesInstanceUid,
    };
    const instanceIds = await json<string[]>(`${pacs.url}/instances`);
    const wado: number[] = [];
    const restDown: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      wado.push(
        await seconds(async () => {
          let n = 0;
          for await (const file of client.retrieveSeries(ref)) n += file.length > 0 ? 1 : 0;
          if (n !== SLICES) throw new Error(`WADO-RS gave ${n} instances`);
        }),
      );
      restDown.push(
        await seconds(async () => {
          for (const id of instanceIds) {
            const res = await fetch(`${pacs.url}/instances/${id}/file`);
            await res.arrayBuffer();
          }
        }),
      );
    }
    return [
      {
        name: 'pacs-wado-rs-retrieve-200-slices',
        value: bytes / MB / median(wado),
        unit: 'MB/s',
        reference: {
          name: 'orthanc-rest-download-per-instance',
          value: bytes / MB / median(restDown),
        },
      },
      {
        name: 'pacs-stow-rs-store-200-slices',
        value: bytes / MB / median(stow),
        unit: 'MB/s',
        reference: { name: 'orthanc-rest-upload-per-instance', value: bytes / MB / median(restUp) },
      },
    ];
  } finally {
    await pacs.close();
  }
}
