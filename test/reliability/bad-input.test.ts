/**
 * Bad input, each item through the CLI in its own process: one error line naming the item and the
 * reason, a non-zero exit, bounded peak memory, and the library unchanged by that item while a good
 * item of the same batch lands. Every input is generated here; nothing binary is committed.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runZhiku, tempDir } from '../helpers.js';
import { type ChildResult, libraryDigest, libraryRows, runZhikuProcess } from './child.js';
import { encryptedPdf, randomFile, truncatedPdf, writeLargeText, writeLargeXlsx, zipBomb } from './generate.js';

/**
 * Peak resident set allowed for one bad item. A CLI process that loads the segmenter dictionary and
 * the index library peaks near 300 MiB; the zip bombs below would inflate to 256 MiB each, so an
 * item that is read instead of refused shows up well above this.
 */
const BAD_ITEM_MAX_RSS_MIB = 480;
/** The size limit the tests configure instead of writing a 200 MB file (`npm run test:stress` does that). */
const MAX_FILE_BYTES = 1024 * 1024;

const figures: { item: string; outcome: string; peakRssMiB: number; seconds: number }[] = [];
let seedHome: string;
let dir: string;
let server: Server;
let origin: string;

/** Pages the HTML cases fetch: cut, malformed and hostile. */
function startPageServer(): Promise<Server> {
  const article = `<html><head><title>智谱发布新模型</title></head><body><article><h1>智谱发布新模型</h1>${'<p>智谱今天发布了新一代模型，上下文窗口扩展到二十万，价格下调三成。</p>'.repeat(20)}`;
  const pages: Record<string, (res: import('node:http').ServerResponse) => void> = {
    // Served whole, but the markup stops mid-attribute: what is there is an article and lands.
    '/truncated.html': (res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`${article}<p>更多内容<a href="ht`),
    '/deep.html': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body>${'<div>'.repeat(5000)}${'<p>正文内容。</p>'.repeat(50)}`),
    '/empty.html': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end(),
    // Control bytes only, no `<`: nothing a parser could take for markup.
    '/binary.html': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end(Buffer.from(Array.from({ length: 4096 }, (_, i) => ((i * 7) % 31) + 1))),
    // Declares more than it sends, then drops the connection.
    '/cut.html': (res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '100000' });
      res.write(article.slice(0, 500), () => res.socket?.destroy());
    },
  };
  const created = createServer((req, res) => (pages[req.url ?? ''] ?? ((r) => r.writeHead(404).end()))(res));
  return new Promise((resolve) => created.listen(0, '127.0.0.1', () => resolve(created)));
}

beforeAll(async () => {
  dir = tempDir('zhiku-bad-');
  seedHome = tempDir('zhiku-seed-');
  writeFileSync(join(seedHome, 'config.json'), JSON.stringify({ ingest: { maxFileBytes: MAX_FILE_BYTES, threads: 1 } }));
  writeFileSync(join(dir, 'seed-a.md'), '---\ntitle: 月之暗面发布 Kimi K2\nurl: https://example.org/kimi-k2\n---\n\n月之暗面开源了 Kimi K2 模型。\n');
  writeFileSync(join(dir, 'seed-b.md'), '# 深度求索降价\n\n深度求索将 API 价格下调一半。\n');
  const seeded = await runZhiku(['--home', seedHome, 'add', join(dir, 'seed-a.md'), join(dir, 'seed-b.md')]);
  expect(seeded.code).toBe(0);
  server = await startPageServer();
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  // The measured figures, for the record of a run (`vitest run test/reliability`).
  console.info(figures.map((f) => `${f.item.padEnd(28)} ${f.outcome.padEnd(16)} peak RSS ${String(f.peakRssMiB).padStart(4)} MiB  ${f.seconds.toFixed(1)} s`).join('\n'));
});

interface BadCase {
  name: string;
  /** Writes the item and returns what to pass to `zhiku add` (a path or a URL). */
  make: (at: string) => Promise<string> | string;
  code: string;
  reason: RegExp;
}

const file = (name: string, bytes: Uint8Array | string) => (at: string) => {
  writeFileSync(join(at, name), bytes);
  return join(at, name);
};

const CASES: BadCase[] = [
  { name: 'random bytes named .pdf', make: file('random.pdf', randomFile(64 * 1024)), code: 'E_PARSE', reason: /^not a PDF file: its bytes match no known format$/ },
  { name: 'random bytes named .docx', make: file('random.docx', randomFile(64 * 1024)), code: 'E_PARSE', reason: /^not a DOCX file: its bytes match no known format$/ },
  { name: 'random bytes named .xlsx', make: file('random.xlsx', randomFile(64 * 1024)), code: 'E_PARSE', reason: /^not a XLSX file: its bytes match no known format$/ },
  { name: 'a zip of noise named .docx', make: file('noise.docx', randomFile(64 * 1024, 'PK\u0003\u0004')), code: 'E_PARSE', reason: /^not a DOCX file: its content is application\/zip$/ },
  { name: 'a truncated PDF', make: async (at) => file('truncated.pdf', await truncatedPdf())(at), code: 'E_PARSE', reason: /^truncated PDF: no end-of-file marker/ },
  { name: 'an encrypted PDF', make: async (at) => file('encrypted.pdf', await encryptedPdf())(at), code: 'E_PARSE', reason: /^encrypted PDF: a password is required$/ },
  { name: 'a zip bomb in a .docx', make: file('bomb.docx', zipBomb('docx', 256 << 20, false)), code: 'E_INVALID_INPUT', reason: /^refused: entry "word\/document\.xml" inflates to 268435456 bytes \(ratio \d+:1\).*possible zip bomb/ },
  { name: 'a zip bomb in a .xlsx', make: file('bomb.xlsx', zipBomb('xlsx', 256 << 20, false)), code: 'E_INVALID_INPUT', reason: /^refused: entry "xl\/worksheets\/sheet1\.xml" inflates to 268435456 bytes.*possible zip bomb/ },
  { name: 'a .docx bomb that understates its size', make: file('liar.docx', zipBomb('docx', 256 << 20, true)), code: 'E_INVALID_INPUT', reason: /^refused: entry "word\/document\.xml" inflates beyond the 1024 bytes its header declares.*possible zip bomb/ },
  { name: 'a .xlsx bomb that understates its size', make: file('liar.xlsx', zipBomb('xlsx', 256 << 20, true)), code: 'E_INVALID_INPUT', reason: /^refused: entry "xl\/worksheets\/sheet1\.xml" inflates beyond the 1024 bytes.*possible zip bomb/ },
  {
    name: 'a text file above ingest.maxFileBytes',
    make: (at) => {
      writeLargeText(join(at, 'huge.txt'), 3 * MAX_FILE_BYTES);
      return join(at, 'huge.txt');
    },
    code: 'E_INVALID_INPUT',
    reason: /^file is 3\.0 MiB, above the 1\.0 MiB limit \(ingest\.maxFileBytes\)$/,
  },
  { name: 'corpus JSON that does not parse', make: file('invalid.json', '[{"title": "半截", "page_body": "正文'), code: 'E_PARSE', reason: /^invalid JSON: / },
  { name: 'an empty corpus file', make: file('empty.json', ''), code: 'E_EMPTY', reason: /^the file is empty$/ },
  { name: 'a corpus with no entries', make: file('none.json', '[]'), code: 'E_EMPTY', reason: /^the corpus has no entries$/ },
  { name: 'a corpus that is an object', make: file('object.json', '{"title": "x", "content": "y"}'), code: 'E_PARSE', reason: /^corpus JSON must be an array/ },
  // The item named is the entry, `<file>#0`.
  { name: 'a corpus entry of wrong types', make: file('types.json', JSON.stringify([{ title: 42, page_body: ['正文'] }])), code: 'E_PARSE', reason: /^title: Invalid input: expected string, received number$/ },
  { name: 'a corpus entry with a NUL', make: file('nul.json', JSON.stringify([{ title: '零\u0000一', content: '零一万物发布新模型。' }])), code: 'E_INVALID_INPUT', reason: /^title: contains a NUL character$/ },
  {
    name: 'a file name that is not UTF-8',
    make: (at) => {
      const folder = join(at, 'names');
      mkdirSync(folder);
      // 中文.txt in GBK: bytes no UTF-8 decoder accepts.
      writeFileSync(Buffer.concat([Buffer.from(`${folder}/`), Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), Buffer.from('.txt')]), '百川智能发布新模型。');
      return folder;
    },
    code: 'E_INVALID_INPUT',
    reason: /^the file name is not valid UTF-8 \(shown with U\+FFFD\); rename the file to add it$/,
  },
  { name: 'HTML nested 5,000 deep', make: () => `${origin}/deep.html`, code: 'E_PARSE', reason: /^cannot extract the page: elements nested \d+ deep, beyond the 256 a page may have$/ },
  { name: 'an empty HTML page', make: () => `${origin}/empty.html`, code: 'E_EMPTY', reason: /^unavailable \(unavailable\): the page is empty$/ },
  { name: 'random bytes served as HTML', make: () => `${origin}/binary.html`, code: 'E_EMPTY', reason: /^unavailable \(unavailable\): the response is not HTML$/ },
  { name: 'an HTML body cut off mid-way', make: () => `${origin}/cut.html`, code: 'E_IO', reason: /^cannot fetch http:\/\/127\.0\.0\.1:\d+\/cut\.html: the body could not be read/ },
];

describe.concurrent('bad input through `zhiku add`, one process per item', () => {
  for (const [index, bad] of CASES.entries()) {
    it(`${bad.name}: one error line, exit 1, bounded memory, the rest of the batch lands`, async () => {
      const at = tempDir('zhiku-item-');
      const home = join(at, 'home');
      cpSync(seedHome, home, { recursive: true });
      const item = await bad.make(at);
      const good = join(at, `good-${index}.md`);
      writeFileSync(good, `# 好文章 ${index}\n\n第 ${index} 篇：阶跃星辰发布多模态模型 Step-${index}。\n`);
      const before = libraryDigest(home);

      const result = await runZhikuProcess(['--home', home, 'add', good, item], { env: { ZHIKU_FETCH_ALLOW_HOSTS: '127.0.0.1' }, timeoutMs: 120_000 });
      record(bad.name, result, 'refused');

      expect(result.signal).toBeNull();
      expect(result.code).toBe(1);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      const [, named, reason, code] = /^zhiku: (.+?): (.+) \[(E_[A-Z_]+)\]$/.exec(lines[0]!) ?? [];
      expect(named?.startsWith(item), lines[0]).toBe(true);
      expect(code).toBe(bad.code);
      expect(reason).toMatch(bad.reason);
      expect(result.stdout).toContain('added 1,');
      expect(result.peakRssMiB).toBeGreaterThan(0);
      expect(result.peakRssMiB).toBeLessThan(BAD_ITEM_MAX_RSS_MIB);
      // Unchanged but for the good item, which landed.
      expect(libraryDigest(home, (document) => document.origin === good)).toBe(before);
      const rows = libraryRows(home).documents;
      expect(rows.filter((document) => document.origin === good)).toHaveLength(1);
      expect(rows.filter((document) => String(document.origin ?? '').startsWith(item))).toEqual([]);
    }, 150_000);
  }
});

describe('inputs that are large or odd but valid', () => {
  it('stores GBK text that declares no charset, decoded', async () => {
    const at = tempDir('zhiku-item-');
    const home = join(at, 'home');
    cpSync(seedHome, home, { recursive: true });
    const text = '中文测试：智谱发布了新的开源模型，上下文窗口扩展到二十万字。';
    writeFileSync(join(at, 'gbk.txt'), iconv.encode(text, 'gbk'));
    const result = await runZhikuProcess(['--home', home, 'add', join(at, 'gbk.txt')]);
    record('GBK text, no charset', result, 'stored');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const stored = libraryRows(home).documents.find((document) => document.origin === join(at, 'gbk.txt'));
    expect(stored?.body).toBe(text);
  }, 60_000);

  it('stores a text file just below ingest.maxFileBytes, and what it holds is searchable', async () => {
    const at = tempDir('zhiku-item-');
    const home = join(at, 'home');
    cpSync(seedHome, home, { recursive: true });
    writeLargeText(join(at, 'below.txt'), MAX_FILE_BYTES - 4096);
    const result = await runZhikuProcess(['--home', home, 'add', join(at, 'below.txt')]);
    record('text below the limit', result, 'stored');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.peakRssMiB).toBeLessThan(BAD_ITEM_MAX_RSS_MIB);
    const search = await runZhiku(['--home', home, 'search', '开源权重', '--json']);
    expect(JSON.parse(search.stdout).hits[0].title).toBe('大模型厂商在本季度继续下调推理价格，开源权重的发布也更加频繁。');
  }, 60_000);

  it('fetches a page whose markup is cut off mid-tag and stores the article it holds', async () => {
    const at = tempDir('zhiku-item-');
    const home = join(at, 'home');
    cpSync(seedHome, home, { recursive: true });
    const result = await runZhikuProcess(['--home', home, 'add', `${origin}/truncated.html`], { env: { ZHIKU_FETCH_ALLOW_HOSTS: '127.0.0.1' } });
    record('truncated HTML', result, 'stored');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const stored = libraryRows(home).documents.find((document) => document.title === '智谱发布新模型');
    expect(String(stored?.body)).toContain('上下文窗口扩展到二十万');
  }, 60_000);

  it('stores a sheet of a million rows with bounded memory', async () => {
    const at = tempDir('zhiku-item-');
    const home = join(at, 'home');
    mkdirSync(home);
    // 1M rows is ~19 MB compressed: above the tests' 1 MiB limit, so this home keeps the default.
    writeLargeXlsx(join(at, 'million.xlsx'), 1_000_000);
    const result = await runZhikuProcess(['--home', home, 'add', join(at, 'million.xlsx'), '--json'], { timeoutMs: 240_000 });
    record('a 1,000,000-row sheet', result, 'stored');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ inserted: 1, failed: 0 });
    const stored = libraryRows(home).documents[0]!;
    expect(String(stored.body)).toContain('1,000,000');
    // Columns are typed arrays and the XML streams: memory follows the cells, not the file's text
    // (measured ~910 MiB with the ~300 MiB a CLI process starts at; loading the 150 MB of sheet XML as a DOM takes several GiB).
    expect(result.peakRssMiB).toBeLessThan(1200);
  }, 300_000);
});

function record(item: string, result: ChildResult, outcome: string): void {
  figures.push({ item, outcome: result.code === 0 ? 'stored' : result.signal ? `killed (${result.signal})` : outcome, peakRssMiB: result.peakRssMiB, seconds: result.seconds });
}
