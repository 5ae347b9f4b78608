/**
 * @module web/pages/digest
 * The digest page: the archived digests by date and one digest as the seed lays it out.
 */
import { raw } from 'hono/html';
import { renderDigestHtml } from '../../digest/format/feed.js';
import { digestTitle } from '../../digest/format/markdown.js';
import type { Digest } from '../../digest/types.js';
import type { Lang, Messages } from '../i18n.js';
import { type Html, h, page } from '../layout.js';
import { sanitize } from '../markdown.js';

export function digestPage(lang: Lang, t: Messages, dates: string[], digest: Digest | null): Html {
  const list = dates.length
    ? h`<nav class="meta">${dates.slice(0, 30).map((date, i) => h`${i ? ' · ' : ''}<a href="/digests/${date}">${date}</a>`)}</nav>`
    : h`<p>${t.noDigests}</p>`;
  const build = h`<form method="post" action="/digests"><button type="submit">${t.buildDigest}</button></form>`;
  // The digest's own HTML escapes every text and keeps http(s) links only; the sanitizer is a second guard.
  const body = digest ? h`<h1>${digestTitle(digest.date)}</h1><div class="digest">${raw(sanitize(renderDigestHtml(digest)))}</div>` : h`<h1>${t.digestTitle}</h1>`;
  return page({ lang, t, title: digest ? digest.date : t.digestTitle, body: h`${body}${list}${build}` });
}
