/**
 * @module collect/feed/subscriptions
 * The feeds a library follows, with what conditional GET needs between updates (ETag,
 * Last-Modified), kept as `feeds.json` in the library home and written atomically.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ZhikuError } from '../../errors.js';

const subscriptionSchema = z.object({
  url: z.string().url(),
  title: z.string().nullable(),
  category: z.string().nullable(),
  etag: z.string().nullable(),
  lastModified: z.string().nullable(),
  checkedAt: z.string().nullable(),
  /** The last update's outcome: new items, not modified, or the error. */
  lastResult: z.string().nullable(),
});

const fileSchema = z.object({ version: z.literal(1), feeds: z.array(subscriptionSchema) });

export type Subscription = z.infer<typeof subscriptionSchema>;

export class Subscriptions {
  private constructor(
    private readonly path: string,
    readonly feeds: Subscription[],
  ) {}

  static open(home: string): Subscriptions {
    const path = join(home, 'feeds.json');
    if (!existsSync(path)) return new Subscriptions(path, []);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ZhikuError('E_PARSE', `not valid JSON (${(error as Error).message})`, { item: path, cause: error });
    }
    const parsed = fileSchema.safeParse(data);
    if (!parsed.success) throw new ZhikuError('E_PARSE', `not a feed list: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { item: path });
    return new Subscriptions(path, parsed.data.feeds);
  }

  find(url: string): Subscription | undefined {
    return this.feeds.find((feed) => feed.url === url);
  }

  /** Adds a feed; false when it was already followed. */
  add(url: string, title: string | null, category: string | null = null): boolean {
    if (this.find(url)) return false;
    this.feeds.push({ url, title, category, etag: null, lastModified: null, checkedAt: null, lastResult: null });
    return true;
  }

  save(): void {
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ version: 1, feeds: this.feeds }, null, 2)}\n`);
    renameSync(temporary, this.path);
  }
}
