/**
 * The CLI as a child process, from sources: what the reliability tests spawn, kill and measure.
 * With ZHIKU_TEST_RSS_FILE set, the process writes its peak resident set (KiB) there as it exits.
 */
import { writeFileSync } from 'node:fs';
import { main } from '../../src/cli/main.js';

const rssFile = process.env.ZHIKU_TEST_RSS_FILE;
if (rssFile) process.on('exit', () => writeFileSync(rssFile, String(process.resourceUsage().maxRSS)));
await main();
