// prepare tokens for N chunks with sentence cache, write to /tmp/exp/tokens-N.jsonl
import { openSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { loadBaseDocuments, replicate } from '../search/corpus.js';
import { chunkText } from '../../src/library/chunk/chunker.js';
import { normalizeText } from '../../src/text/normalize.js';
import { getSegmenter } from '../../src/text/segment.js';
const N = Number(process.argv[2]);
mkdirSync('/tmp/exp', { recursive: true });
const base = loadBaseDocuments('../shared/bench');
const seg = getSegmenter();
const cache = new Map<string, string[]>();
const SPLIT = /(?<=[。！？；!?;\n])/;
let hits = 0, misses = 0;
const fd = openSync(`/tmp/exp/tokens-${N}.jsonl`, 'w'); const out = { write: (s: string) => writeSync(fd, s), end: () => closeSync(fd) };
const t0 = performance.now();
let bytes = 0, chunks = 0;
const tChunk = { ms: 0 }, tSeg = { ms: 0 };
for (const doc of replicate(base, N)) {
  bytes += Buffer.byteLength(doc.body);
  let a = performance.now();
  const spans = chunkText(doc.body);
  tChunk.ms += performance.now() - a;
  a = performance.now();
  const rows = spans.map((s) => {
    const toks: string[] = [];
    for (const piece of s.text.split(SPLIT)) {
      let t = cache.get(piece);
      if (!t) { misses++; t = seg.indexTokens(normalizeText(piece)); cache.set(piece, t); } else hits++;
      for (const x of t) toks.push(x);
    }
    return { s: s.start, e: s.end, t: toks.join(' ') };
  });
  tSeg.ms += performance.now() - a;
  chunks += rows.length;
  out.write(JSON.stringify({ id: doc.id, f: doc.family, title: doc.title, body: N >= 1000000 ? '' : doc.body, chunks: rows }) + '\n');
}
out.end();
const s = (performance.now() - t0) / 1000;
console.log({ N, chunks, mb: bytes / 2 ** 20, s, mbs: bytes / 2 ** 20 / s, chunkS: tChunk.ms / 1000, segS: tSeg.ms / 1000, hits, misses, cache: cache.size });
