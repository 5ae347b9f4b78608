/**
 * @module config/load-config
 * Resolves defaults < config file < ZHIKU_* environment < flags into one frozen object.
 * This is the only code that reads environment variables.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ZhikuError } from '../errors.js';
import {
  CONFIG_FILE_NAME,
  DEFAULT_BENCH_DIR,
  DEFAULT_HOME,
  DEFAULT_MAX_FILE_BYTES,
  defaultIngestThreads,
  DEFAULT_SEARCH_LIMIT,
  DEFAULT_SQLITE_FILE,
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_SCHEDULE,
  DEFAULT_SERVER_HOST,
  DEFAULT_SERVER_PORT,
} from './defaults.js';
import { type ResolvedConfig, type ZhikuUserConfig, userConfigSchema } from './schema.js';

export interface LoadConfigOptions {
  /** Values from command-line flags (highest precedence). */
  flags?: ZhikuUserConfig;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

/** The environment variables Zhiku reads, each mapped onto the config shape. */
export const ENV_VARIABLES = [
  'ZHIKU_HOME',
  'ZHIKU_LLM_BASE_URL',
  'ZHIKU_LLM_API_KEY',
  'ZHIKU_LLM_MODEL',
  'ZHIKU_EMBED_MODEL',
  'ZHIKU_VISION_MODEL',
  'ZHIKU_TRANSCRIBE_MODEL',
  'ZHIKU_DATABASE_URL',
  'ZHIKU_FETCH_ALLOW_HOSTS',
  'ZHIKU_BENCH_DIR',
  'ZHIKU_SERVER_TOKEN',
] as const;

/**
 * @example const config = loadConfig({ flags: { home: '/tmp/lib' }, env: process.env, cwd: process.cwd() })
 */
export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  const env = options.env ?? {};
  const cwd = options.cwd ?? process.cwd();
  const flags = validate(options.flags ?? {}, 'flags');
  const fromEnv = validate(configFromEnv(env), 'environment');
  const homeSetting = flags.home ?? fromEnv.home ?? DEFAULT_HOME;
  const home = resolve(cwd, homeSetting);
  const fromFile = readConfigFile(join(home, CONFIG_FILE_NAME));

  const merged = mergeConfigs(fromFile, fromEnv, flags);
  const storeSettings = merged.store ?? {};
  const driver = storeSettings.driver ?? (storeSettings.url ? 'postgres' : 'sqlite');
  let store: ResolvedConfig['store'];
  if (driver === 'postgres') {
    if (!storeSettings.url) {
      throw new ZhikuError('E_CONFIG', 'store.driver is "postgres" but no store.url or ZHIKU_DATABASE_URL is set', {
        item: 'config',
      });
    }
    store = { driver, url: storeSettings.url };
  } else {
    const path = storeSettings.path ?? DEFAULT_SQLITE_FILE;
    store = { driver: 'sqlite', path: path === ':memory:' ? path : isAbsolute(path) ? path : join(home, path) };
  }

  const resolved: ResolvedConfig = {
    home,
    store,
    llm: { ...merged.llm },
    fetch: { allowHosts: [...(merged.fetch?.allowHosts ?? [])] },
    benchDir: resolve(cwd, merged.benchDir ?? DEFAULT_BENCH_DIR),
    search: { limit: merged.search?.limit ?? DEFAULT_SEARCH_LIMIT },
    ingest: { maxFileBytes: merged.ingest?.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, threads: merged.ingest?.threads ?? defaultIngestThreads() },
    catalog: {
      overlay: merged.catalog?.overlay ? resolve(home, merged.catalog.overlay) : null,
      usdCny: merged.catalog?.usdCny ?? null,
    },
    server: {
      host: merged.server?.host ?? DEFAULT_SERVER_HOST,
      port: merged.server?.port ?? DEFAULT_SERVER_PORT,
      token: merged.server?.token ?? null,
      lang: merged.server?.lang ?? 'zh',
      maxUploadBytes: merged.server?.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
      schedule: { ...DEFAULT_SCHEDULE, ...merged.server?.schedule },
    },
  };
  return deepFreeze(resolved);
}

// ---------------------------------------------------------------------------

function configFromEnv(env: Readonly<Record<string, string | undefined>>): ZhikuUserConfig {
  const value = (name: (typeof ENV_VARIABLES)[number]) => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const config: ZhikuUserConfig = {};
  const home = value('ZHIKU_HOME');
  if (home) config.home = home;
  const llm = {
    baseUrl: value('ZHIKU_LLM_BASE_URL'),
    apiKey: value('ZHIKU_LLM_API_KEY'),
    model: value('ZHIKU_LLM_MODEL'),
    embedModel: value('ZHIKU_EMBED_MODEL'),
    visionModel: value('ZHIKU_VISION_MODEL'),
    transcribeModel: value('ZHIKU_TRANSCRIBE_MODEL'),
  };
  const llmSet = Object.fromEntries(Object.entries(llm).filter(([, v]) => v !== undefined));
  if (Object.keys(llmSet).length > 0) config.llm = llmSet;
  const databaseUrl = value('ZHIKU_DATABASE_URL');
  if (databaseUrl) config.store = { driver: 'postgres', url: databaseUrl };
  const allowHosts = value('ZHIKU_FETCH_ALLOW_HOSTS');
  if (allowHosts) {
    config.fetch = { allowHosts: allowHosts.split(',').map((h) => h.trim()).filter(Boolean) };
  }
  const benchDir = value('ZHIKU_BENCH_DIR');
  if (benchDir) config.benchDir = benchDir;
  const token = value('ZHIKU_SERVER_TOKEN');
  if (token) config.server = { token };
  return config;
}

function readConfigFile(path: string): ZhikuUserConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ZhikuError('E_CONFIG', `cannot read config file: ${(error as Error).message}`, { item: path, cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ZhikuError('E_CONFIG', `config file is not valid JSON: ${(error as Error).message}`, { item: path });
  }
  return validate(data, path);
}

function validate(data: unknown, item: string): ZhikuUserConfig {
  const parsed = userConfigSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : '(root)';
  const detail =
    issue?.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue?.message;
  throw new ZhikuError('E_CONFIG', `invalid config at ${where}: ${detail}`, { item });
}

/** Later arguments win; nested sections merge key by key. */
function mergeConfigs(...layers: ZhikuUserConfig[]): ZhikuUserConfig {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      const previous = out[key];
      out[key] =
        isPlainObject(value) && isPlainObject(previous) && !Array.isArray(value) ? { ...previous, ...value } : value;
    }
  }
  return out as ZhikuUserConfig;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
