import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
const [N, K, X, mode] = [process.argv[2]!, Number(process.argv[3] ?? 200), Number(process.argv[4] ?? 0.05), process.argv[5] ?? 'bm25'];
const db = new Database(`/tmp/exp/db-ascii-notext-nochunks-hash-big.db`, { readonly: true });
const queries = JSON.parse(readFileSync('/tmp/exp/queries.json', 'utf8')) as { family: number; terms: string[] }[];
// forward data + df (simulating a terms table and per-chunk blobs)
const fwd = new Map<number, Map<string, number>>(); const len = new Map<number, number>(); const fam = new Map<number, number>();
const df = new Map<string, number>(); let totalLen = 0; let seq = 0;
for (const line of readFileSync(`/tmp/exp/tokens-${N}.jsonl`, 'utf8').split('\n')) {
  if (!line) continue; const d = JSON.parse(line); seq++;
  d.chunks.forEach((c: any, i: number) => {
    const r = seq * 4096 + i; const toks = c.t.split(' '); const tf = new Map<string, number>();
    for (const t of toks) tf.set(t, (tf.get(t) ?? 0) + 1);
    fwd.set(r, tf); len.set(r, toks.length); totalLen += toks.length; fam.set(r, d.f);
    for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  });
}
const n = fwd.size; const avg = totalLen / n;
const quote = (t: string) => `"${t.replace(/"/g, '""')}"`;
const search = db.prepare('SELECT rowid FROM idx WHERE idx MATCH ? ORDER BY rank LIMIT ' + K).pluck();
const idf = (t: string) => { const d = df.get(t) ?? 0; return Math.log(1 + (n - d + 0.5) / (d + 0.5)); };
const score = (r: number, terms: string[]) => {
  const tf = fwd.get(r)!; const dl = len.get(r)!; let s = 0; let m = 0;
  const B = mode.includes('ms') ? 0.7 : 0.75;
  for (const t of terms) { if (tf.get(t)) m++; const f = tf.get(t) ?? 0; if (!f && !mode.includes('plus')) continue; s += idf(t) * ((f * 2.2) / (f + 1.2 * (1 - B + B * dl / avg)) + (mode.includes('plus') && f ? 0.5 : 0)); }
  return mode.includes('coord') ? s * m : s;
};
let rr = 0, rrC = 0; const lat: number[] = [];
for (const q of queries) {
  const t0 = performance.now();
  const terms = q.terms.filter((t) => (df.get(t) ?? 0) > 0);
  const sorted = [...terms].sort((a, b) => df.get(a)! - df.get(b)!);
  const rare: string[] = []; let cum = 0;
  for (const t of sorted) { if (rare.length >= 1 && cum + df.get(t)! > X * n) break; rare.push(t); cum += df.get(t)!; }
  const cands = rare.length ? (search.all(rare.map(quote).join(' OR ')) as number[]) : [];
  const ranked = cands.map((r) => [r, score(r, terms)] as const).sort((a, b) => b[1] - a[1]).slice(0, 10);
  lat.push(performance.now() - t0);
  const fams = ranked.map(([r]) => fam.get(r)); const k = fams.indexOf(q.family); rr += k >= 0 ? 1 / (k + 1) : 0;
  const fc = cands.slice(0, 10).map((r) => fam.get(r)); const kc = fc.indexOf(q.family); rrC += kc >= 0 ? 1 / (kc + 1) : 0;
}
lat.sort((a, b) => a - b);
console.log(`K=${K} X=${X} ${mode} p50 ${lat[100]!.toFixed(1)} p95 ${lat[190]!.toFixed(1)} mrr ${(rr / 200).toFixed(3)} (cand-only ${(rrC / 200).toFixed(3)})`);
