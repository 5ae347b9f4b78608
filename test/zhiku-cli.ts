/**
 * The CLI from source, for tests that run Zhiku as a separate process (`node --import tsx test/zhiku-cli.ts …`).
 */
import { main } from '../src/cli/main.js';

await main();
