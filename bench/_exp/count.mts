import { loadBaseDocuments } from '../search/corpus.js';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
const base = loadBaseDocuments('../shared/bench');
const j = Jieba.withDict(dict);
let a = 0, b = 0, c=0;
for (const d of base) { a += j.cut(d.body, true).filter((w) => /[\u3400-\u9fff]/.test(w)).length; b += j.cutForSearch(d.body, true).filter((w) => /[\u3400-\u9fff]/.test(w)).length; c+=j.cut(d.body,true).filter((w) => /[\u3400-\u9fff]/.test(w) && w.length===1).length;}
console.log(a, b, b / a, c/a);
