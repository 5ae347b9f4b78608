/**
 * @module server/listen
 * `zhiku serve` as a running process: the library opened once, the task runner, the scheduler and
 * the Node listener, with one `close()` that stops them in order.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { ResolvedConfig } from '../config/schema.js';
import { Library } from '../library/library.js';
import type { Logger } from '../logger.js';
import { TaskRunner } from '../research/task-runner.js';
import { createApp } from './app.js';
import { isLoopbackHost } from './auth.js';
import { JobGate, runDigestJob, runFeedJob } from './jobs.js';
import { type Scheduler, startScheduler } from './scheduler.js';
import type { JobQueue } from '../jobs/queue.js';

export interface StartServerOptions {
  config: ResolvedConfig;
  logger: Logger;
  /** Run the scheduled jobs (default true). */
  schedule?: boolean;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  /** The token in force: configured, generated for an address off loopback, or null on loopback. */
  token: string | null;
  /** True when the token was generated for this run (print it: no one else knows it). */
  generatedToken: boolean;
  close(): Promise<void>;
}

/**
 * @example const server = await startServer({ config, logger }); console.log(server.url); await server.close();
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { logger } = options;
  let { config } = options;
  const { host, port } = config.server;
  // Off loopback without a configured token, this run gets a random one rather than running open.
  const generatedToken = !isLoopbackHost(host) && config.server.token === null;
  if (generatedToken) config = { ...config, server: { ...config.server, token: randomBytes(24).toString('base64url') } };
  const library = await Library.open(config, { logger });
  const runner = TaskRunner.open({ home: config.home, library, config, logger });
  const gate = new JobGate();
  let scheduler: Scheduler | undefined;
  // On PostgreSQL the queue carries digests and feed updates to the workers, and each scheduled tick is
  // claimed through it so several servers sharing the store run it once.
  let queue: JobQueue | undefined;
  try {
    if (config.store.driver === 'postgres') queue = await (await import('../jobs/queue.js')).JobQueue.open({ url: config.store.url }, { logger });
    const jobs = { config, library, logger, gate, queue };
    if (options.schedule !== false) {
      const ticks = queue;
      scheduler = startScheduler({
        ...(ticks ? { claim: (name: string, tick: Date) => ticks.claimTick(name, tick) } : {}),
        jobs: { digest: config.server.schedule.digest, feeds: config.server.schedule.feeds },
        timezone: config.server.schedule.timezone,
        logger,
        // A job already going or waiting (an API call, the previous tick) makes this tick a skip.
        run: async (name) => {
          if (gate.busy(name)) return null;
          if (name === 'digest') {
            const digest = await runDigestJob(jobs, {});
            return `${digest.date}: ${digest.items.length} items, ${digest.others.length} links`;
          }
          const result = await runFeedJob(jobs);
          return `${result.feeds.length} feeds, ${result.ingest.inserted} new entries`;
        },
      });
    }
    const app = createApp({ config, library, runner, logger, gate, scheduler, queue, host });
    const server = await listen(app.fetch, host, port);
    const address = server.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return {
      url: `http://${shown}:${address.port}`,
      host: address.address,
      port: address.port,
      token: config.server.token,
      generatedToken,
      async close() {
        scheduler?.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Open event streams would hold close() forever.
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await runner.close();
        await gate.idle();
        await queue?.close();
        await library.close();
      },
    };
  } catch (error) {
    scheduler?.stop();
    await queue?.close();
    await library.close();
    throw error;
  }
}

// ---------------------------------------------------------------------------

function listen(fetch: (request: Request) => Response | Promise<Response>, hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, () => resolve(server));
    server.once('error', reject);
  });
}
