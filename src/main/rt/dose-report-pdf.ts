// The dose-history report as PDF, ready to file in the patient's chart: A4 landscape, the
// facts, then each table (wrapped cells, the header repeated on a new page), then the
// notes, with the page number and the software on every page.
//
// pdf-lib, not pdfkit: it is pure JavaScript with no file reads of its own (pdfkit loads
// its font metrics from disk at run time, which breaks once the main process is bundled),
// writes the PDF in memory, and is widely used and stable. Helvetica, one of the standard
// 14 fonts, needs nothing embedded and is on every PDF reader; its WinAnsi character set
// has no Greek, so α/β is spelled out (see toWinAnsi) — the numbers are unchanged.
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { DoseReport, ReportTable } from '../../shared/rt/dose-report';

const PAGE: [number, number] = [841.89, 595.28];
const MARGIN = 36;
const SIZE = 7.5;
const LINE = SIZE * 1.3;
const PAD = 3;

const SPELLED: Record<string, string> = {
  α: 'alpha',
  β: 'beta',
  '₂': '2',
  '≥': '>=',
  '≤': '<=',
  '→': '->',
  '×': 'x',
};

/** Text the standard font can show: Greek spelled out, anything else unknown as "?". */
function toWinAnsi(font: PDFFont, text: string): string {
  const known = new Set(font.getCharacterSet());
  return Array.from(text)
    .map((ch) => SPELLED[ch] ?? (known.has(ch.codePointAt(0) ?? 0) ? ch : '?'))
    .join('');
}

function wrap(font: PDFFont, text: string, width: number, size = SIZE): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    const next = current ? `${current} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) <= width || !current) current = next;
    else {
      lines.push(current);
      current = word;
    }
    // A word longer than the column is cut (a UID, say) rather than drawn over the next.
    while (font.widthOfTextAtSize(current, size) > width && current.length > 1) {
      let cut = current.length - 1;
      while (cut > 1 && font.widthOfTextAtSize(current.slice(0, cut), size) > width) cut--;
      lines.push(current.slice(0, cut));
      current = current.slice(cut);
    }
  }
  lines.push(current);
  return lines;
}

class Layout {
  page!: PDFPage;
  y = 0;
  pages = 0;
  constructor(
    readonly doc: PDFDocument,
    readonly font: PDFFont,
    readonly bold: PDFFont,
    readonly footer: string,
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage(PAGE);
    this.pages++;
    this.y = PAGE[1] - MARGIN;
    this.page.drawText(toWinAnsi(this.font, `${this.footer} · page ${this.pages}`), {
      x: MARGIN,
      y: MARGIN / 2,
      size: 7,
      font: this.font,
      color: rgb(0.4, 0.4, 0.4),
    });
  }

  ensure(height: number): boolean {
    if (this.y - height >= MARGIN) return false;
    this.newPage();
    return true;
  }

  text(text: string, options: { size?: number; bold?: boolean; x?: number; width?: number } = {}) {
    const size = options.size ?? 9;
    const font = options.bold ? this.bold : this.font;
    const x = options.x ?? MARGIN;
    const lines = wrap(font, toWinAnsi(font, text), options.width ?? PAGE[0] - MARGIN - x, size);
    for (const line of lines) {
      this.ensure(size * 1.35);
      this.y -= size * 1.35;
      this.page.drawText(line, { x, y: this.y, size, font });
    }
  }

  table(table: ReportTable): void {
    const width = PAGE[0] - 2 * MARGIN;
    const cells = [table.columns, ...table.rows].map((r) => r.map((c) => toWinAnsi(this.font, c)));
    // Each column as wide as its longest entry (capped), then all scaled to the page.
    const natural = table.columns.map((_, i) =>
      Math.min(
        200,
        Math.max(
          ...cells.map((r, k) =>
            (k === 0 ? this.bold : this.font).widthOfTextAtSize(r[i] ?? '', SIZE),
          ),
        ) +
          2 * PAD,
      ),
    );
    const scale = width / natural.reduce((a, b) => a + b, 0);
    const widths = natural.map((w) => w * scale);
    const drawRow = (row: string[], header: boolean) => {
      const font = header ? this.bold : this.font;
      const wrapped = row.map((c, i) => wrap(font, c, (widths[i] as number) - 2 * PAD));
      const height = Math.max(...wrapped.map((l) => l.length)) * LINE + 2 * PAD;
      const broke = this.ensure(height);
      if (broke && !header) drawRow(cells[0] as string[], true);
      let x = MARGIN;
      wrapped.forEach((lines, i) => {
        lines.forEach((line, k) =>
          this.page.drawText(line, {
            x: x + PAD,
            y: this.y - PAD - (k + 1) * LINE + 2,
            size: SIZE,
            font,
          }),
        );
        x += widths[i] as number;
      });
      this.y -= height;
      this.page.drawLine({
        start: { x: MARGIN, y: this.y },
        end: { x: MARGIN + width, y: this.y },
        thickness: header ? 0.8 : 0.3,
        color: rgb(0.6, 0.6, 0.6),
      });
    };
    this.ensure(3 * LINE + 16);
    this.y -= 6;
    this.text(table.title, { size: 10, bold: true });
    drawRow(cells[0] as string[], true);
    for (const row of cells.slice(1)) drawRow(row, false);
  }
}

export async function doseReportPdf(report: DoseReport): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(report.title);
  const software = report.facts.find(([label]) => label === 'Software')?.[1] ?? '';
  doc.setCreator(software);
  doc.setProducer(software);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const layout = new Layout(doc, font, bold, `${report.title} · ${software}`);
  layout.text(report.title, { size: 14, bold: true });
  layout.y -= 4;
  for (const [label, value] of report.facts) {
    layout.ensure(12);
    const top = layout.y;
    layout.text(label, { bold: true, width: 130 });
    const afterLabel = layout.y;
    layout.y = top;
    layout.text(value, { x: MARGIN + 140 });
    layout.y = Math.min(layout.y, afterLabel);
  }
  for (const table of report.tables) layout.table(table);
  layout.y -= 6;
  for (const note of report.notes) layout.text(note, { size: 8 });
  return doc.save();
}
