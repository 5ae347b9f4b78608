/**
 * @module cli/commands/fetch
 * `zhiku fetch <url> -o file.md`: one page as archive markdown (frontmatter, title, body); nothing is stored.
 */
import { writeFile } from 'node:fs/promises';
import { ZhikuError } from '../../errors.js';
import { articleMarkdown } from '../../collect/web/archive.js';
import { fetchArticle, isUrl } from '../../collect/web/collect-urls.js';
import type { CommandContext } from '../context.js';

export async function fetchCommand(context: CommandContext, url: string, options: { out: string }): Promise<number> {
  if (!isUrl(url)) throw new ZhikuError('E_USAGE', 'expected an http(s) URL', { item: url });
  const { article } = await fetchArticle(url, { allowHosts: context.config().fetch.allowHosts });
  await writeFile(options.out, articleMarkdown(article, new Date()));
  context.logger.out(`${options.out}: ${article.title} (${article.markdown.length.toLocaleString('en-US')} characters, ${article.images.length} images)`);
  return 0;
}
