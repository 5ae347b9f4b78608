/**
 * @module translate/images
 * `--save-images`: every image of the translation downloaded next to the output file (within the
 * fetch limits and the private-address guard) and its link rewritten to the local copy. An image
 * that cannot be fetched keeps its original link and is reported.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Nodes } from 'mdast';
import { visit } from 'unist-util-visit';
import { type FetchOptions, fetchUrl } from '../collect/web/fetch.js';
import { isZhikuError } from '../errors.js';
import { parseMarkdownTree } from './markdown.js';

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
  'image/avif': 'avif',
};

export interface SavedImages {
  markdown: string;
  saved: { url: string; file: string }[];
  failed: { url: string; reason: string }[];
}

/** Downloads the images of `markdown` into `directory/folder` and points the links at `folder/<file>`. */
export async function saveImages(markdown: string, baseUrl: string | null, directory: string, folder = 'images', fetch: FetchOptions = {}): Promise<SavedImages> {
  const images: { start: number; end: number; url: string }[] = [];
  visit(parseMarkdownTree(markdown), (node: Nodes) => {
    if (node.type === 'image' && node.position) images.push({ start: node.position.start.offset!, end: node.position.end.offset!, url: node.url });
  });
  const result: SavedImages = { markdown, saved: [], failed: [] };
  const local = new Map<string, string | null>();
  for (const image of images) {
    if (local.has(image.url)) continue;
    let absolute: string;
    try {
      absolute = new URL(image.url, baseUrl ?? undefined).href;
    } catch {
      local.set(image.url, null);
      result.failed.push({ url: image.url, reason: 'a relative link and the article has no URL to resolve it against' });
      continue;
    }
    if (!/^https?:/.test(absolute)) {
      local.set(image.url, null);
      continue;
    }
    try {
      const response = await fetchUrl(absolute, { ...fetch, allowedTypes: Object.keys(EXTENSIONS) });
      const extension = EXTENSIONS[response.contentType ?? ''] ?? 'bin';
      const file = `${createHash('sha256').update(absolute).digest('hex').slice(0, 16)}.${extension}`;
      await mkdir(join(directory, folder), { recursive: true });
      await writeFile(join(directory, folder, file), response.bytes);
      local.set(image.url, `${folder}/${file}`);
      result.saved.push({ url: absolute, file: `${folder}/${file}` });
    } catch (error) {
      if (!isZhikuError(error)) throw error;
      local.set(image.url, null);
      result.failed.push({ url: absolute, reason: error.message });
    }
  }
  // Rewrite from the end so earlier offsets stay valid; only the destination inside `(...)` changes.
  let out = markdown;
  for (const image of [...images].reverse()) {
    const target = local.get(image.url);
    if (!target) continue;
    const source = out.slice(image.start, image.end);
    const open = source.lastIndexOf('](');
    if (open < 0) continue;
    const destination = source.slice(open + 2, -1).trim();
    const raw = /^<[^>]*>/.exec(destination)?.[0] ?? destination.split(/\s+/)[0]!;
    const rewritten = source.slice(0, open + 2) + source.slice(open + 2).replace(raw, target);
    out = out.slice(0, image.start) + rewritten + out.slice(image.end);
  }
  result.markdown = out;
  return result;
}
