/**
 * @module collect/parse/docx
 * DOCX → markdown: mammoth maps Word styles to headings, paragraphs and tables (HTML), turndown with
 * the GFM plugin writes them as markdown with tables as pipe tables.
 */
import { basename, extname } from 'node:path';
import { gfm } from '@joplin/turndown-plugin-gfm';
import mammoth from 'mammoth';
import TurndownService from 'turndown';
import { ZhikuError } from '../../errors.js';
import type { DocumentInput } from '../../library/prepare.js';
import { readZip } from './zip.js';

let turndown: TurndownService | undefined;

function converter(): TurndownService {
  if (!turndown) {
    turndown = new TurndownService({ headingStyle: 'atx', bulletListMarker: '-', codeBlockStyle: 'fenced' });
    turndown.use(gfm);
    // The body is read as text (search, citations): keep `yahoo_finance` and `Close*` as written.
    turndown.escape = (text: string) => text;
    // Images carry no text here (OCR handles image files); keep their alt text only.
    turndown.addRule('image', { filter: 'img', replacement: (_content, node) => ((node as HTMLElement).getAttribute('alt') ?? '') });
  }
  return turndown;
}

/**
 * Word tables have no header cells, and a GFM table needs a header row: the first row of a table
 * without one becomes it (mammoth's HTML is regular: `<table><tr><td>…`).
 */
function withHeaderRows(html: string): string {
  return html.replace(/<table>(\s*<tr>)([\s\S]*?)<\/tr>/g, (whole, open: string, row: string) =>
    whole.includes('<th') ? whole : `<table>${open}${row.replace(/<td\b/g, '<th').replace(/<\/td>/g, '</th>')}</tr>`,
  );
}

export async function parseDocx(bytes: Uint8Array, path: string): Promise<DocumentInput> {
  readZip(bytes, path); // size check before mammoth inflates anything
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: Buffer.from(bytes) })).value;
  } catch (error) {
    throw new ZhikuError('E_PARSE', `not a readable DOCX (${(error as Error).message.split('\n')[0]})`, { item: path, cause: error });
  }
  const body = converter().turndown(withHeaderRows(html)).trim();
  if (!body) throw new ZhikuError('E_EMPTY', 'the document has no text', { item: path });
  const heading = /^#{1,2} (.+)$/m.exec(body)?.[1]?.trim();
  const firstLine = body.split('\n').find((line) => line.trim())?.replace(/^[#>*\-\s|]+/, '').trim();
  const title = heading ?? (firstLine && firstLine.length <= 100 ? firstLine : basename(path, extname(path)));
  return { title, body: `${body}\n`, origin: path, frontmatter: { format: 'docx' } };
}
