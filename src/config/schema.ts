/**
 * @module config/schema
 * The one config schema: the user's file and flags are partial, the resolved object is complete and frozen.
 */
import { z } from 'zod';

const storeSchema = z
  .object({
    /** `sqlite` (embedded, default) or `postgres` (scale-out; needs `url`). */
    driver: z.enum(['sqlite', 'postgres']),
    /** SQLite file; relative paths are under `home`. */
    path: z.string().min(1),
    /** PostgreSQL connection string. */
    url: z.string().min(1),
  })
  .partial()
  .strict();

const llmSchema = z
  .object({
    baseUrl: z.url(),
    apiKey: z.string(),
    model: z.string().min(1),
    embedModel: z.string().min(1),
    visionModel: z.string().min(1),
    /** Speech-to-text model for video and audio (OpenAI-compatible /audio/transcriptions). */
    transcribeModel: z.string().min(1),
  })
  .partial()
  .strict();

const fetchSchema = z.object({ allowHosts: z.array(z.string().min(1)) }).partial().strict();

const searchSchema = z.object({ limit: z.number().int().min(1).max(1000) }).partial().strict();

const ingestSchema = z
  .object({
    /** Files larger than this are refused with the limit named. */
    maxFileBytes: z.number().int().min(1),
    /** Worker threads that chunk and segment documents; 1 keeps everything on the main thread. */
    threads: z.number().int().min(1).max(64),
  })
  .partial()
  .strict();

const catalogSchema = z
  .object({
    /** A catalog overlay file (YAML) with local prices and models; relative paths are under `home`. */
    overlay: z.string().min(1),
    /** CNY per USD, replacing the overlay's sourced rate. */
    usdCny: z.number().positive(),
  })
  .partial()
  .strict();

const serverSchema = z
  .object({
    /** Address `zhiku serve` binds; anything but loopback requires `token`. */
    host: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    /** Shared secret for requests (header or cookie); at least 16 characters. */
    token: z.string().min(16),
    /** Language of the web UI. */
    lang: z.enum(['zh', 'en']),
    /** Upload limit of one request (all files together); each file is also held to `ingest.maxFileBytes`. */
    maxUploadBytes: z.number().int().min(1),
    /** Cron expressions (5 or 6 fields) of the scheduled jobs; `null` turns a job off. */
    schedule: z
      .object({ digest: z.string().min(1).nullable(), feeds: z.string().min(1).nullable(), timezone: z.string().min(1) })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

/** What a user may write in `$ZHIKU_HOME/config.json` (every key optional, unknown keys rejected). */
export const userConfigSchema = z
  .object({
    home: z.string().min(1),
    store: storeSchema,
    llm: llmSchema,
    fetch: fetchSchema,
    benchDir: z.string().min(1),
    search: searchSchema,
    ingest: ingestSchema,
    catalog: catalogSchema,
    server: serverSchema,
  })
  .partial()
  .strict();

export type ZhikuUserConfig = z.infer<typeof userConfigSchema>;

export type ResolvedStoreConfig = { driver: 'sqlite'; path: string } | { driver: 'postgres'; url: string };

export interface ResolvedConfig {
  readonly home: string;
  readonly store: Readonly<ResolvedStoreConfig>;
  readonly llm: Readonly<z.infer<typeof llmSchema>>;
  readonly fetch: { readonly allowHosts: readonly string[] };
  readonly benchDir: string;
  readonly search: { readonly limit: number };
  readonly ingest: { readonly maxFileBytes: number; readonly threads: number };
  readonly catalog: { readonly overlay: string | null; readonly usdCny: number | null };
  readonly server: ResolvedServerConfig;
}

export interface ResolvedServerConfig {
  readonly host: string;
  readonly port: number;
  readonly token: string | null;
  readonly lang: 'zh' | 'en';
  readonly maxUploadBytes: number;
  readonly schedule: { readonly digest: string | null; readonly feeds: string | null; readonly timezone: string };
}
