import { writeFileSync } from 'node:fs';
import { loadBaseDocuments } from '../search/corpus.js';
import { normalizeText } from '../../src/text/normalize.js';
import { getSegmenter } from '../../src/text/segment.js';
import { seededRandom } from '../../test/seeded-random.js';
const base = loadBaseDocuments('../shared/bench');
const seg = getSegmenter();
const random = seededRandom(7);
const pool = base.filter((d) => seg.queryTokens(normalizeText(d.title)).length > 0);
const picked: any[] = []; const used = new Set<number>();
while (picked.length < 200) { const i = Math.floor(random() * pool.length); if (used.has(i)) continue; used.add(i); const d = pool[i]!; picked.push({ title: d.title, family: d.family, terms: seg.queryTokens(normalizeText(d.title)) }); }
writeFileSync('/tmp/exp/queries.json', JSON.stringify(picked, null, 1));
