import { readFileSync, rmSync } from 'node:fs';
import { ChunkIndex } from '../../src/library/store/sqlite/chunk-index.js';
const rows: { chunkId: number; documentSeq: number; tokens: string }[] = [];
let seq = 0;
for (const line of readFileSync('/tmp/exp/tokens-100000.jsonl', 'utf8').split('\n')) { if (!line) continue; const d = JSON.parse(line); seq++; for (const c of d.chunks) rows.push({ chunkId: rows.length + 1, documentSeq: seq, tokens: c.t }); }
rmSync('/tmp/exp/la', { recursive: true, force: true });
const idx = await ChunkIndex.open('/tmp/exp/la');
let t = performance.now();
for (let i = 0; i < rows.length; i += 5000) await idx.add(rows.slice(i, i + 5000));
console.log('add', (performance.now() - t) / 1000);
t = performance.now(); await idx.refresh(); console.log('refresh', (performance.now() - t) / 1000);
await idx.close();
