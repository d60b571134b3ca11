/**
 * A small PDF writer for the venue's documents (trade confirmations, statements): text only, in the standard Helvetica
 * fonts every reader has, US Letter pages, long lines wrapped and pages added as the text runs on. No dependency: a
 * PDF of lines of text is a catalog, a page tree, two font dictionaries and one content stream per page, with a
 * cross-reference table of byte offsets. The text is kept uncompressed, so what a document says can be read back from
 * its bytes (and is, by the tests).
 */

export interface PdfLine {
  text: string;
  /** Font size in points (10 unless given). */
  size?: number;
  bold?: boolean;
  /** Extra space before the line, in points. */
  space?: number;
}

export interface PdfDocument {
  title: string;
  /** When the document was made: its /CreationDate. */
  createdAt: Date;
  lines: PdfLine[];
}

const PAGE = { width: 612, height: 792, margin: 54 };
/** Helvetica's glyphs average a little over half the font size; wrapping at 0.52 em keeps lines inside the margin. */
const EM_PER_CHAR = 0.52;

/** Typographic characters outside Latin-1 that the documents use, as their plain equivalents. */
const PLAIN: Record<string, string> = { '\u2013': '-', '\u2014': '-', '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2026': '...', '\u2212': '-', '\u00a0': ' ' };

/** The text as Latin-1 (WinAnsi) a standard font can show: known typography replaced, anything else as "?". */
export function toLatin1(text: string): string {
  return [...text].map((c) => PLAIN[c] ?? (c.charCodeAt(0) <= 0xff && c.length === 1 ? c : '?')).join('').replace(/[\u0000-\u001f\u007f]/g, ' ');
}

/** A PDF literal string: backslash, parentheses escaped. */
const literal = (s: string) => `(${s.replace(/[\\()]/g, (c) => `\\${c}`)})`;

/** Wraps at spaces (a word longer than a line is cut) so no line runs past the right margin. */
export function wrap(text: string, size: number): string[] {
  const max = Math.max(10, Math.floor((PAGE.width - 2 * PAGE.margin) / (size * EM_PER_CHAR)));
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    for (let w = word; ; ) {
      const candidate = line ? `${line} ${w}` : w;
      if (candidate.length <= max) {
        line = candidate;
        break;
      }
      if (line) {
        out.push(line);
        line = '';
        continue;
      }
      out.push(w.slice(0, max));
      w = w.slice(max);
      if (!w) break;
    }
  }
  out.push(line);
  return out;
}

const pdfDate = (d: Date) => `D:${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

/** The document's bytes. */
export function renderPdf(doc: PdfDocument): Uint8Array {
  // Lay the lines out on pages.
  const pages: string[][] = [[]];
  let y = PAGE.height - PAGE.margin;
  for (const line of doc.lines) {
    const size = line.size ?? 10;
    const leading = size * 1.35;
    y -= line.space ?? 0;
    for (const part of wrap(toLatin1(line.text), size)) {
      if (y - leading < PAGE.margin) {
        pages.push([]);
        y = PAGE.height - PAGE.margin;
      }
      y -= leading;
      pages.at(-1)!.push(`BT /${line.bold ? 'F2' : 'F1'} ${size} Tf ${PAGE.margin} ${y.toFixed(2)} Td ${literal(part)} Tj ET`);
    }
  }

  // Objects 1-4: catalog, page tree, the two fonts, the document info; then each page and its content stream.
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 6 + 2 * i);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>';
  objects[5] = `<< /Title ${literal(toLatin1(doc.title))} /Producer (Accredex) /CreationDate (${pdfDate(doc.createdAt)}) >>`;
  pages.forEach((ops, i) => {
    const content = ops.join('\n');
    objects[pageIds[i]] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE.width} ${PAGE.height}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageIds[i] + 1} 0 R >>`;
    objects[pageIds[i] + 1] = `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
  });

  // Latin-1 throughout, so string length is byte length and the offsets are exact.
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = out.length;
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = out.length;
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
