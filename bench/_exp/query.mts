import Database from 'better-sqlite3';
import { loadBaseDocuments } from '../search/corpus.js';
import { normalizeText } from '../../src/text/normalize.js';
import { getSegmenter } from '../../src/text/segment.js';
import { seededRandom } from '../../test/seeded-random.js';
const db = new Database(process.argv[2]!, { readonly: true });
const strategy = process.argv[3]!;
const base = loadBaseDocuments('../shared/bench');
const seg = getSegmenter();
const random = seededRandom(7);
const pool = base.filter((d) => seg.queryTokens(normalizeText(d.title)).length > 0);
const picked: typeof pool = []; const used = new Set<number>();
while (picked.length < 200) { const i = Math.floor(random() * pool.length); if (used.has(i)) continue; used.add(i); picked.push(pool[i]!); }
db.exec(`CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, idx, 'row')`);
const N = (db.prepare('SELECT count(*) n FROM docs').get() as any).n;
const dfStmt = db.prepare('SELECT doc FROM temp.vocab WHERE term = ?').pluck();
const famOf = db.prepare('SELECT id FROM docs WHERE seq = ?').pluck();
const quote = (t: string) => `"${t.replace(/"/g, '""')}"`;
const search = db.prepare('SELECT rowid FROM idx WHERE idx MATCH ? ORDER BY rank LIMIT 10').pluck();
const total = (db.prepare('SELECT count(*) FROM idx').pluck().get() as number);
const param = Number(process.argv[4] ?? 0.05);
let rr = 0; const lat: number[] = []; let dfms = 0;
for (const p of picked) {
  const terms = seg.queryTokens(normalizeText(p.title));
  const t0 = performance.now();
  let q: string;
  if (strategy === 'or') q = terms.map(quote).join(' OR ');
  else {
    const a = performance.now();
    const dfs = terms.map((t) => [t, (dfStmt.get(t) as number | undefined) ?? 0] as const).filter(([, d]) => d > 0).sort((x, y) => x[1] - y[1]);
    dfms += performance.now() - a;
    // budget: keep rare terms while cumulative df <= param * total; always keep the 2 rarest
    const kept: string[] = []; let cum = 0;
    for (const [t, d] of dfs) { if (kept.length >= 2 && cum + d > param * total) break; kept.push(t); cum += d; }
    q = kept.map(quote).join(' OR ');
  }
  const rows = q ? (search.all(q) as number[]) : [];
  lat.push(performance.now() - t0);
  const fams = rows.map((r) => Number(String(famOf.get(Math.floor(r / 4096))).slice(1).split('c')[0]));
  const rank = fams.indexOf(p.family);
  rr += rank >= 0 ? 1 / (rank + 1) : 0;
}
lat.sort((a, b) => a - b);
console.log(strategy, param, 'chunks', total, 'p50', lat[100]!.toFixed(1), 'p95', lat[190]!.toFixed(1), 'p99', lat[198]!.toFixed(1), 'mrr', (rr / 200).toFixed(3), 'df ms/q', (dfms / 200).toFixed(2));
