import { describe, expect, it } from 'vitest';
import { readPdf } from '../../../test/utils/pdf.ts';
import { renderPdf, toLatin1, wrap } from './pdf.ts';

const at = new Date('2026-12-04T05:00:00Z');

describe('renderPdf', () => {
  it('writes a document whose offsets, lengths and text a reader takes back exactly', () => {
    const pdf = readPdf(renderPdf({ title: 'A (test) \\ title', createdAt: at, lines: [{ text: 'Heading', size: 16, bold: true }, { text: 'price (per share): 25.5 \\ net' }] }));
    expect(pdf).toMatchObject({ title: 'A (test) \\ title', pages: 1, lines: ['Heading', 'price (per share): 25.5 \\ net'] });
  });

  it('wraps a long line inside the margin and starts new pages as the text runs on', () => {
    const long = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const lines = Array.from({ length: 80 }, (_, i) => ({ text: i === 0 ? long : `line ${i}` }));
    const pdf = readPdf(renderPdf({ title: 't', createdAt: at, lines }));
    expect(pdf.pages).toBe(2);
    expect(pdf.lines.slice(0, 5).join(' ').startsWith(long.slice(0, 200))).toBe(true);
    expect(pdf.lines.filter((l) => l.startsWith('word')).join(' ')).toBe(long);
    expect(pdf.lines.at(-1)).toBe('line 79');
    for (const l of wrap(long, 10)) expect(l.length).toBeLessThanOrEqual(96);
  });

  it('cuts a word longer than a line rather than letting it run off the page', () => {
    const hash = `0x${'ab'.repeat(80)}`;
    const parts = wrap(hash, 16);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join('')).toBe(hash);
  });

  it('shows Latin-1 as is, typography as plain text, and anything else as "?"', () => {
    expect(toLatin1('Zürich — “A” 1½ 株')).toBe('Zürich - "A" 1½ ?');
    expect(readPdf(renderPdf({ title: 't', createdAt: at, lines: [{ text: 'Zürich — 株' }] })).lines).toEqual(['Zürich - ?']);
  });
});
