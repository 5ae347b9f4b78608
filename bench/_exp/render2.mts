import { readFileSync, writeFileSync } from 'node:fs';
import 'core-js/actual/array-buffer/transfer-to-fixed-length.js';
import { getDocumentProxy, renderPageAsImage } from 'unpdf';
const pdf = await getDocumentProxy(new Uint8Array(readFileSync(process.argv[2]!)), { verbosity: 5 });
const out = await renderPageAsImage(pdf, 1, { canvasImport: () => import('@napi-rs/canvas'), scale: 1 });
writeFileSync('/tmp/exp/page.png', new Uint8Array(out)); console.log(out.byteLength);
