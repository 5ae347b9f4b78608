import Database from 'better-sqlite3';
import { readFileSync, rmSync, statSync } from 'node:fs';
const [file, variant] = [process.argv[2]!, process.argv[3]!];
const t0 = performance.now();
const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
console.log('load', ((performance.now() - t0) / 1000).toFixed(1));
const path = `/tmp/exp/db-${variant}.db`;
rmSync(path, { force: true }); rmSync(path + '-wal', { force: true });
const db = new Database(path);
db.pragma('journal_mode = WAL'); db.pragma('synchronous = NORMAL');
const PUNCT = `!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~`.replace(/'/g, "''").replace(/"/g, '""');
const TOK = variant.includes('ascii') ? `ascii tokenchars '${PUNCT}'` : `unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'`;
const detail = variant.includes('none') ? ', detail=none' : variant.includes('col') ? ', detail=column' : '';
const storeText = !variant.includes('notext');
db.exec(`CREATE TABLE docs(seq INTEGER PRIMARY KEY, id TEXT UNIQUE, title TEXT, body TEXT);
CREATE TABLE chunks(id INTEGER PRIMARY KEY, doc INTEGER, ord INTEGER, s INTEGER, e INTEGER, text TEXT, UNIQUE(doc, ord));
CREATE VIRTUAL TABLE idx USING fts5(tokens, content='', ${variant.includes('nodel') ? '' : 'contentless_delete=1, '}${detail}, tokenize="${TOK}");`);
if (variant.includes('nomerge')) db.prepare("INSERT INTO idx(idx, rank) VALUES('automerge', 0)").run();
if (variant.includes('pg')) db.prepare("INSERT INTO idx(idx, rank) VALUES('pgsz', 4000)").run();
if (variant.includes('hash')) db.prepare("INSERT INTO idx(idx, rank) VALUES('hashsize', 67108864)").run();
if (variant.includes('cache')) { db.pragma('cache_size = -262144'); }
const insDoc = db.prepare('INSERT INTO docs(id,title,body) VALUES (?,?,?)');
const insChunk = db.prepare('INSERT INTO chunks(doc,ord,s,e,text) VALUES (?,?,?,?,?)');
const insIdx = db.prepare('INSERT INTO idx(rowid,tokens) VALUES (?,?)');
const t1 = performance.now();
let tIdx = 0;
const tx = db.transaction((batch: any[]) => {
  for (const d of batch) {
    const seq = insDoc.run(d.id, d.title, variant.includes('nobody') ? '' : d.body).lastInsertRowid;
    d.chunks.forEach((c: any, i: number) => {
      const r = variant.includes('nochunks') ? (Number(seq) << 12) + i : insChunk.run(seq, i, c.s, c.e, storeText ? d.body.slice(c.s, c.e) : null).lastInsertRowid;
      const a = performance.now();
      if (!variant.includes('noidx')) insIdx.run(r, variant.includes('uniq') ? [...new Set(c.t.split(' '))].join(' ') : c.t);
      tIdx += performance.now() - a;
    });
  }
});
const B = variant.includes('big') ? 5000 : 500; for (let i = 0; i < lines.length; i += B) tx(lines.slice(i, i + B));
const ins = (performance.now() - t1) / 1000;
const tm=performance.now(); if (variant.includes('nomerge')) db.prepare("INSERT INTO idx(idx) VALUES('optimize')").run(); console.log('optimize', (performance.now()-tm)/1000);
db.pragma('wal_checkpoint(TRUNCATE)');
const all = (performance.now() - t1) / 1000;
db.close();
console.log({ variant, insertS: ins, idxS: tIdx / 1000, withCheckpoint: all, mb: statSync(path).size / 2 ** 20 });
