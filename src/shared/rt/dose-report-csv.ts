// The dose-history report as CSV (RFC 4180): CRLF line ends; a field holding a comma, a
// double quote, CR or LF is quoted, its quotes doubled. One block per part of the report
// (a title line, the header, the rows), blocks separated by an empty line, so a
// spreadsheet shows it as it reads and a script can split it. UTF-8 without a byte-order
// mark (plain text; α/β stays readable in any UTF-8 reader). Written by hand: a dozen
// lines, where a CSV library would add a dependency for the quoting rule alone.
import type { DoseReport } from './dose-report';

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const line = (fields: readonly string[]) => fields.map(csvField).join(',');

export function doseReportCsv(report: DoseReport): string {
  const blocks: string[][] = [
    [line([report.title]), ...report.facts.map(([label, value]) => line([label, value]))],
    ...report.tables.map((t) => [line([t.title]), line(t.columns), ...t.rows.map(line)]),
    [line(['Notes']), ...report.notes.map((n) => line([n]))],
  ];
  return `${blocks.map((b) => b.join('\r\n')).join('\r\n\r\n')}\r\n`;
}
