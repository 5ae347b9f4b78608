import { readFileSync, writeFileSync } from 'node:fs';
import { renderPdfPage } from '../../src/collect/parse/pdf.js';
const png = await renderPdfPage(new Uint8Array(readFileSync('/work/shared/bench/dr3/002/直播电商高质量发展.pdf')), Number(process.argv[2] ?? 2), 1);
writeFileSync('/tmp/exp/page.png', png); console.log(png.length);
