// Use case: the physicist exports the dose-history report (PDF or CSV) to a place he
// chooses. The content is the numbers the Dose history view shows, laid out by
// shared/rt/dose-report.ts; this module adds who and what made it, renders it and writes it.
//
// This is the one way data derived from decrypted records reaches the disk: an explicit
// export, by a signed-in caregiver, to the path he picked in the save dialog (the browser
// shell's tests give the path). Nothing is written before he chose, nor anywhere else, and
// a failed write leaves no partial file behind.
import { rm, writeFile } from 'node:fs/promises';
import packageJson from '../../../package.json';
import { EhrError } from '../errors';
import type { SessionSource } from '../session/session';
import type { SavedReport } from '../../shared/ipc/slices/rt';
import { buildDoseReport, type DoseReportInput } from '../../shared/rt/dose-report';
import { doseReportCsv } from '../../shared/rt/dose-report-csv';
import { doseReportPdf } from './dose-report-pdf';

export type ReportFormat = 'pdf' | 'csv';

/** Asks where to save (Electron's save dialog); null when the person cancelled. */
export type ChooseReportPath = (
  suggestedName: string,
  format: ReportFormat,
) => Promise<string | null>;

export interface ExportDoseReportDeps {
  session: SessionSource;
  chooseReportPath?: ChooseReportPath | undefined;
  now?: () => Date;
}

export const SOFTWARE = packageJson.productName;
export const SOFTWARE_VERSION = packageJson.version;

const CAREGIVERS = new Set(['physicist', 'oncologist']);

export async function exportDoseReport(
  deps: ExportDoseReportDeps,
  request: { format: ReportFormat; report: DoseReportInput },
): Promise<SavedReport | null> {
  const session = deps.session.current();
  if (session.state !== 'signed-in')
    throw new EhrError('NOT_SIGNED_IN', 'Sign in with your card to export a dose report.');
  if (!CAREGIVERS.has(session.user.role))
    throw new EhrError('NOT_ALLOWED', 'Only a physicist or an oncologist exports dose reports.');
  if (!deps.chooseReportPath)
    throw new EhrError(
      'NOT_CONFIGURED',
      'This window has no save dialog, so the report cannot be saved from here.',
    );
  const now = (deps.now ?? (() => new Date()))();
  const report = buildDoseReport(request.report, {
    software: SOFTWARE,
    softwareVersion: SOFTWARE_VERSION,
    createdAt: now.toISOString(),
    preparedBy: `${session.user.displayName} (${session.user.mspId})`,
  });
  const bytes =
    request.format === 'pdf'
      ? await doseReportPdf(report)
      : new TextEncoder().encode(doseReportCsv(report));
  const path = await deps.chooseReportPath(
    `dose-history-${now.toISOString().slice(0, 10)}.${request.format}`,
    request.format,
  );
  if (path === null) return null;
  try {
    await writeFile(path, bytes);
  } catch (error) {
    await rm(path, { force: true }).catch(() => undefined);
    throw new EhrError(
      'EXPORT_FAILED',
      `The report could not be saved to ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. Choose another place.`,
    );
  }
  return { path, format: request.format, bytes: bytes.length };
}
