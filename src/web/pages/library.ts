/**
 * @module web/pages/library
 * The search page (ranked chunks with highlighted snippets, paged) and the document view (chunk by
 * chunk, the cited one highlighted; untrusted markdown sanitized).
 */
import type { SearchResultHit } from '../../library/search/search.js';
import type { StoredChunk, StoredDocument } from '../../library/store/store.js';
import type { Lang, Messages } from '../i18n.js';
import { type Html, h, page } from '../layout.js';
import { renderMarkdown } from '../markdown.js';
import { raw } from 'hono/html';

export interface SearchView {
  q: string;
  hits: SearchResultHit[];
  offset: number;
  limit: number;
}

export function searchPage(lang: Lang, t: Messages, view: SearchView | null): Html {
  const form = h`<form class="search" method="get" action="/" role="search">
<input type="search" name="q" value="${view?.q ?? ''}" placeholder="${t.searchPlaceholder}" aria-label="${t.searchButton}" autofocus>
<button type="submit">${t.searchButton}</button>
</form>`;
  if (!view) return page({ lang, t, title: t.navSearch, body: h`<h1>${t.appName}</h1>${form}` });
  const hits = view.hits.map(
    (hit, i) => h`<li>
<div><span class="meta">${view.offset + i + 1}.</span> <a class="hit-title" href="/documents/${encodeURIComponent(hit.documentId)}?chunk=${hit.ordinal + 1}#c-${hit.ordinal + 1}">${hit.title}</a></div>
<div class="meta">${[hit.source, hit.publishedAt?.slice(0, 10), `${t.chunk} ${hit.ordinal + 1}`, hit.page ? `${t.page} ${hit.page}` : null].filter(Boolean).join(' · ')}</div>
<p class="snippet">${highlighted(hit.snippet.text, hit.snippet.highlights)}</p>
</li>`,
  );
  const base = `/?q=${encodeURIComponent(view.q)}`;
  const pager = h`<nav class="pager">${view.offset > 0 ? h`<a href="${base}&offset=${Math.max(0, view.offset - view.limit)}">${t.previous}</a>` : h`<span></span>`}${view.hits.length === view.limit ? h`<a href="${base}&offset=${view.offset + view.limit}">${t.next}</a>` : ''}</nav>`;
  return page({
    lang,
    t,
    title: `${view.q} · ${t.resultsFor}`,
    body: h`${form}${view.hits.length ? h`<ol class="hits">${hits}</ol>${pager}` : h`<p>${t.noResults}</p>`}`,
  });
}

export function documentPage(lang: Lang, t: Messages, document: StoredDocument, chunks: StoredChunk[], highlight: number | null): Html {
  const original = safeHttpUrl(document.canonicalUrl);
  const meta = [
    document.source ? h`<div>${t.source}：${document.source}${document.author ? ` · ${document.author}` : ''}</div>` : '',
    document.publishedAt ? h`<div>${t.published}：${document.publishedAt.slice(0, 10)}</div>` : '',
    document.collections.length ? h`<div>${t.collections}：${document.collections.join('、')}</div>` : '',
    original ? h`<div>${t.original}：<a href="${original}" rel="noopener noreferrer nofollow">${original}</a></div>` : '',
  ];
  const sections = chunks.map((chunk) => {
    const n = chunk.ordinal + 1;
    const hl = highlight === n;
    return h`<section class="chunk${hl ? ' hl' : ''}" id="c-${n}"><div class="chunk-no">${t.chunk} ${n}${chunk.page ? ` · ${t.page} ${chunk.page}` : ''}</div>${raw(renderMarkdown(chunk.text))}</section>`;
  });
  return page({
    lang,
    t,
    title: document.title,
    body: h`<article class="article"><h1>${document.title}</h1><div class="meta">${meta}</div><h2>${t.documentChunks}</h2>${sections}</article>`,
  });
}

/** Text with [start, end) ranges wrapped in <mark>, everything escaped. */
export function highlighted(text: string, ranges: readonly (readonly [number, number])[]): Html[] {
  const parts: Html[] = [];
  let at = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (start < at) continue;
    parts.push(h`${text.slice(at, start)}<mark>${text.slice(start, end)}</mark>`);
    at = end;
  }
  parts.push(h`${text.slice(at)}`);
  return parts;
}

/** An http(s) URL for an href, or null: stored URLs come from scraped pages. */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.toString() : null;
  } catch {
    return null;
  }
}
