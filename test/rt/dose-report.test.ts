// The dose-history report model and its CSV and PDF writers, on a report with a course from
// another hospital mapped through a registration: RFC 4180 quoting, the registration named,
// α/β spelled out in the PDF's standard font, and the PDF read back by poppler's pdftotext.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { doseReportPdf } from '../../src/main/rt/dose-report-pdf';
import { buildDoseReport, type DoseReportInput } from '../../src/shared/rt/dose-report';
import { csvField, doseReportCsv } from '../../src/shared/rt/dose-report-csv';
import { tempDir } from '../support/tmp';

const dir = tempDir('dose-report');
afterAll(() => dir.cleanup());

const input: DoseReportInput = {
  courses: [
    {
      label: 'Course 1',
      hospital: 'Hospital A',
      firstDate: '20240108',
      lastDate: '20240216',
      prescribedDoseGy: 60,
      dosePerFractionGy: 2,
      fractionsPlanned: 30,
      fractionsDelivered: 30,
      deliveredDoseGy: 59.87,
    },
    {
      label: 'Re-RT',
      hospital: 'Hospital "B", Lyon',
      prescribedDoseGy: 30,
      fractionsPlanned: 10,
      fractionsDelivered: 0,
    },
  ],
  summation: {
    method: 'first course kept as reference',
    frameOfReferenceUid: '1.2.3',
    summedMaxGy: 88.123,
    sources: [
      { label: 'Course 1 · RD.dcm', maxGy: 61.2 },
      { label: 'Re-RT · RD.dcm', maxGy: 31.5, registration: 'REG 1.2.9 (accepted rigid)' },
    ],
  },
  organs: [
    {
      roiName: 'SPINAL_CORD',
      volumeCc: 18.54,
      minGy: 1,
      meanGy: 20.456,
      maxGy: 48.004,
      d2ccGy: 45.1,
      d003ccGy: null,
    },
  ],
  constraints: [
    {
      organ: 'Spinal cord',
      roiName: 'SPINAL_CORD',
      metric: 'Dmax',
      dose: 'EQD2',
      alphaBetaGy: 2,
      alphaBetaBasis: 'spinal cord / brainstem (default)',
      defaultAlphaBetaGy: 2,
      value: 66.1,
      limit: 67.75,
      unit: 'Gy',
      status: 'close',
      source: 'Nieder et al. (BED 135.5 Gy₂, α/β 2 Gy)',
    },
  ],
};
const meta = {
  software: 'ACTION-EHR Workstation',
  softwareVersion: '0.1.0',
  createdAt: '2026-12-02T18:00:00.000Z',
  preparedBy: 'Dr Physicist (HospitalBMSP)',
};

describe('dose-history report', () => {
  it('quotes CSV fields as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('holds courses, registration, organ values, constraints and α/β in the CSV', () => {
    const csv = doseReportCsv(buildDoseReport(input, meta));
    const lines = csv.split('\r\n');
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(lines).toContain('Software,ACTION-EHR Workstation 0.1.0');
    expect(lines).toContain(
      'Registration used,Re-RT · RD.dcm mapped through REG 1.2.9 (accepted rigid)',
    );
    expect(lines).toContain('Course 1,Hospital A,2024-01-08,2024-02-16,60.0,2.00,30,30,59.87,—');
    expect(lines).toContain('Re-RT,"Hospital ""B"", Lyon",—,—,30.0,—,10,0,—,—');
    expect(lines).toContain('SPINAL_CORD,18.5,1.00,20.46,48.00,45.10,—');
    expect(lines).toContain(
      'Spinal cord,SPINAL_CORD,Dmax,EQD2,2.0,66.10,67.75,Gy,close,"Nieder et al. (BED 135.5 Gy₂, α/β 2 Gy)"',
    );
    expect(csv).toContain(
      'SPINAL_CORD: 2.0 Gy (spinal cord / brainstem (default); published default 2.0 Gy)',
    );
  });

  it('writes a PDF that opens and reads back with the same numbers', async () => {
    const path = join(dir.path, 'report.pdf');
    writeFileSync(path, await doseReportPdf(buildDoseReport(input, meta)));
    const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
    expect(text).toContain('ACTION-EHR Workstation 0.1.0');
    expect(text).toMatch(/Registration used\s+Re-RT · RD\.dcm mapped through REG 1\.2\.9/);
    expect(text).toMatch(
      /Course 1\s+Hospital A\s+2024-01-08\s+2024-02-16\s+60\.0\s+2\.00\s+30\s+30\s+59\.87/,
    );
    expect(text).toMatch(/SPINAL_CORD\s+18\.5\s+1\.00\s+20\.46\s+48\.00\s+45\.10/);
    expect(text).toMatch(/SPINAL_CORD\s+Dmax\s+EQD2\s+2\.0\s+66\.10\s+67\.75\s+Gy\s+close/);
    // Helvetica has no Greek: spelled out, never dropped.
    expect(text).toContain('alpha/beta 2 Gy');
  });
});
