import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers.js';
import { collectFiles } from './files.js';
import type { CollectedItem } from './types.js';

async function collect(path: string, streamTextBytes: number): Promise<CollectedItem[]> {
  const items: CollectedItem[] = [];
  for await (const item of collectFiles([path], { maxFileBytes: 50 * 1024 * 1024, streamTextBytes })) items.push(item);
  return items;
}

const paragraph = (i: number) => `第${i}段：智谱在九月发布了GLM-4.6，上下文窗口扩展到200K，深度求索随后发布DeepSeek-V3.2，主打稀疏注意力。`;
const TEXT = Array.from({ length: 4000 }, (_, i) => paragraph(i)).join('\n\n');

describe('large text files', () => {
  it('are read as a stream into parts cut at paragraph breaks, with nothing lost or doubled', async () => {
    const path = join(tempDir(), 'notes.txt');
    writeFileSync(path, TEXT);
    const items = await collect(path, 64 * 1024);
    expect(items.length).toBeGreaterThan(3);
    const bodies = items.map((item) => (item.kind === 'document' ? item.input.body : ''));
    expect(bodies.join('')).toBe(TEXT);
    for (const body of bodies.slice(0, -1)) {
      expect(body.length).toBeLessThanOrEqual(64 * 1024);
      expect(body.endsWith('\n\n')).toBe(true);
    }
    expect(items.map((item) => item.item)).toEqual(items.map((_, i) => `${path}#part-${i + 1}`));
    expect(items[0]!.kind === 'document' && items[0]!.input.title).toBe('notes (1)');
  });

  it('keep a legacy encoding decided from the head (GB18030 without a charset)', async () => {
    const path = join(tempDir(), 'gbk.txt');
    writeFileSync(path, iconv.encode(TEXT, 'gb18030'));
    const items = await collect(path, 64 * 1024);
    expect(items.length).toBeGreaterThan(3);
    expect(items.map((item) => (item.kind === 'document' ? item.input.body : '')).join('')).toBe(TEXT);
  });

  it('below the threshold stay one document', async () => {
    const path = join(tempDir(), 'short.txt');
    writeFileSync(path, TEXT.slice(0, 10_000));
    const items = await collect(path, 64 * 1024);
    expect(items).toHaveLength(1);
    expect(items[0]!.item).toBe(path);
  });
});
