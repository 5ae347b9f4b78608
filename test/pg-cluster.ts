/**
 * A throwaway PostgreSQL for tests: `ZHIKU_TEST_PG_URL` when set, else a cluster made with `initdb` in a
 * temporary directory, listening on 127.0.0.1 at a free port, removed by `stop()` (and on process exit).
 * A missing PostgreSQL throws: the tests that need it fail, they are never skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PgCluster {
  /** Connection string of a database the tests may use freely. */
  url: string;
  /** A fresh, empty database on the same server (its own name), for tests that need isolation. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export interface PgClusterOptions {
  /** Keep fsync and synchronous commit on (benchmarks); tests turn them off for speed. */
  durable?: boolean;
  /** Extra server settings, e.g. `{ shared_buffers: '512MB' }`. */
  settings?: Record<string, string>;
}

/** Starts (or connects to) a PostgreSQL server for one test file. */
export async function startPgCluster(clusterOptions: PgClusterOptions = {}): Promise<PgCluster> {
  const external = process.env.ZHIKU_TEST_PG_URL;
  if (external) return connectPgCluster(external);
  const bin = findBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'zhiku-pg-'));
  // PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` system user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const run = (binary: string, args: string[]) => {
    const command = asRoot ? 'runuser' : join(bin, binary);
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, binary), ...args] : args;
    const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${binary} failed: ${result.stderr || result.stdout || result.error?.message}`);
  };
  const data = join(dir, 'data');
  const port = await freePort();
  const stopServer = () => {
    if (existsSync(join(data, 'postmaster.pid'))) {
      const command = asRoot ? 'runuser' : join(bin, 'pg_ctl');
      const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
      spawnSync(command, asRoot ? ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args] : args, { timeout: 30_000 });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopServer);
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
    // Durability settings off: a test cluster is thrown away, and fsync dominates small writes.
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      max_connections: '200',
      ...(clusterOptions.durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
      ...clusterOptions.settings,
    };
    const options = [`-p ${port} -k ${dir}`, ...Object.entries(settings).map(([key, value]) => `-c ${key}=${value}`)].join(' ');
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  } catch (error) {
    stopServer();
    throw error;
  }
  return clusterAt(`postgresql://postgres@127.0.0.1:${port}/postgres`, async () => {
    process.removeListener('exit', stopServer);
    stopServer();
  });
}

/** A server someone else runs: databases are created on it, and `stop()` leaves it running. */
export function connectPgCluster(url: string): Promise<PgCluster> {
  return clusterAt(url, async () => undefined);
}

// ---------------------------------------------------------------------------

async function clusterAt(url: string, stop: () => Promise<void>): Promise<PgCluster> {
  return {
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      const target = new URL(url);
      target.pathname = `/${name}`;
      return target.toString();
    },
    stop,
  };
}

function findBinaries(): string {
  const candidates = ['/usr/local/bin', '/usr/bin'];
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!found) {
    throw new Error('PostgreSQL not found (no initdb/pg_ctl); run scripts/test-setup.sh to install it, or set ZHIKU_TEST_PG_URL');
  }
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
