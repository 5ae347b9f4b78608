/**
 * @module translate/save
 * A translation joins the library next to its original: the original is stored first when it is not
 * there yet, and the translation records it in `translation_of` (and the original's URL), so either
 * can be found from the other.
 */
import type { Library } from '../library/library.js';
import type { AssembledTranslation } from './article.js';
import type { ResolvedSource } from './source.js';
import type { TargetLanguage } from './translate.js';

export interface StoredTranslation {
  /** The original's document id, or null when it could not be stored (the reason is in `warning`). */
  originalId: string | null;
  translationId: string | null;
  warning?: string;
}

export async function storeTranslation(library: Library, resolved: ResolvedSource, translation: AssembledTranslation, to: TargetLanguage): Promise<StoredTranslation> {
  let originalId = resolved.documentId ?? null;
  let warning: string | undefined;
  if (!originalId && resolved.document) {
    const report = await library.ingest([{ kind: 'document', item: resolved.article.item, input: resolved.document }], { threads: 1 });
    const outcome = report.items[0];
    if (outcome && 'id' in outcome) originalId = outcome.id;
    else if (outcome && 'reason' in outcome) warning = `the original was not stored: ${outcome.reason}`;
  }
  const { article } = resolved;
  const report = await library.ingest(
    [
      {
        kind: 'document',
        item: `${article.item} (${to})`,
        input: {
          title: translation.title,
          body: translation.body,
          canonicalUrl: null,
          source: article.source,
          author: article.author,
          publishedAt: article.date,
          lang: to,
          origin: `translation of ${article.url ?? article.item}`,
          frontmatter: { ...translation.frontmatter, format: 'translation', translation_of: originalId },
        },
      },
    ],
    { threads: 1 },
  );
  const outcome = report.items[0];
  if (outcome && 'reason' in outcome) warning = [warning, `the translation was not stored: ${outcome.reason}`].filter(Boolean).join('; ');
  return { originalId, translationId: outcome && 'id' in outcome ? outcome.id : null, ...(warning ? { warning } : {}) };
}
