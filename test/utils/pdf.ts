/**
 * Reads back a PDF the venue wrote (script/keeper/reports/pdf.ts) as a reader would find it: the header, every
 * cross-reference offset landing on its object, the trailer's startxref on the table, the page count, and each page's
 * shown text in order. Throws, naming the fault, on a document a reader would reject.
 */
export interface ReadPdf {
  title: string;
  pages: number;
  /** Every string shown with Tj, page by page, in order. */
  lines: string[];
  /** The lines joined by spaces: a wrapped line reads as one again. */
  text: string;
}

const unescape = (s: string) => s.replace(/\\([\\()])/g, '$1');

export function readPdf(bytes: Uint8Array): ReadPdf {
  const text = Buffer.from(bytes).toString('latin1');
  if (!text.startsWith('%PDF-1.')) throw new Error('not a PDF: no %PDF- header');
  if (!text.trimEnd().endsWith('%%EOF')) throw new Error('no %%EOF at the end');
  const startxref = Number(/startxref\n(\d+)\n%%EOF\s*$/.exec(text)?.[1]);
  if (!text.startsWith('xref\n', startxref)) throw new Error(`startxref ${startxref} is not the cross-reference table`);
  const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(startxref))!;
  const entries = text.slice(startxref).split('\n').slice(2, 2 + Number(count));
  entries.forEach((entry, i) => {
    const id = Number(first) + i;
    if (!/^\d{10} \d{5} [nf] $/.test(entry)) throw new Error(`cross-reference entry ${id} is malformed: "${entry}"`);
    if (entry.endsWith('n ') && !text.startsWith(`${id} 0 obj\n`, Number(entry.slice(0, 10)))) throw new Error(`object ${id} is not at its offset ${Number(entry.slice(0, 10))}`);
  });
  for (const m of text.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
    const start = m.index! + m[0].length;
    if (!text.startsWith('\nendstream', start + Number(m[1]))) throw new Error(`a stream's /Length ${m[1]} does not end at endstream`);
  }
  const pages = Number(/\/Type \/Pages \/Kids \[[^\]]*\] \/Count (\d+)/.exec(text)?.[1]);
  const title = unescape(/\/Title \(((?:\\.|[^\\)])*)\)/.exec(text)?.[1] ?? '');
  const lines = [...text.matchAll(/\(((?:\\.|[^\\)])*)\) Tj/g)].map((m) => unescape(m[1]));
  return { title, pages, lines, text: lines.join(' ') };
}
