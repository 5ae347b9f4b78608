/**
 * @module collect/web/wechat
 * WeChat official-account pages (mp.weixin.qq.com, or saved copies and mirrors of them) → article
 * fields. The page is recognised by its own template, not its host. The body is `#js_content`
 * (lazy `data-src` and `background-image` pictures as real URLs, `<pre>` as fenced code, players as
 * notes); picture posts (item_show_type 8) have no `#js_content` and are rebuilt from the page's
 * script data (`JsDecode('…')` text, `picture_page_info_list` images). Title, account, author, time
 * and link come from the page's script variables, then its meta tags and header. Deleted, violation
 * and verification pages come back as unavailable, in the page's own words.
 */
import { gfm } from '@joplin/turndown-plugin-gfm';
import { parseHTML } from 'linkedom';
import TurndownService from 'turndown';
import type { ExtractedArticle, PageExtraction, UnavailablePage } from './types.js';

type Document = ReturnType<typeof parseHTML>['document'];

/** Markers only WeChat's own article template carries (any one is enough). */
const WECHAT_MARKERS: RegExp[] = [
  /\bid=["']js_content["']/,
  /\bclass=["'][^"']*\brich_media_(?:content|title|area_primary)\b/,
  /\b(?:var\s+|window\.)(?:msg_title|appmsg_token)\s*=/,
  /\bpicture_page_info_list\b/,
  /\bvar\s+ct\s*=\s*["']\d{9,11}["']/,
  /<script[^>]+src=["'](?:https?:)?\/\/(?:res\.wx\.qq\.com\/mmbiz(?:appmsg|wap)|mp\.weixin\.qq\.com\/)/,
  /\bmp\.weixin\.qq\.com\/mp\/(?:jsmonitor|wappoc_appmsgcaptcha)/,
  /<meta[^>]+property=["']og:site_name["'][^>]+content=["']微信公众平台["']/,
];

/** Interface text of the page around the article; a body block made only of these is chrome. */
const CHROME_PHRASES = [
  '微信扫一扫可打开此内容，使用完整服务',
  '微信扫一扫',
  '关注该公众号',
  '使用小程序',
  '继续滑动看下一个',
  '预览时标签不可点',
  '轻触阅读原文',
  '轻点两下取消赞',
  '轻点两下取消在看',
  '向上滑动看下一个',
];

/** Body elements that are widgets, not text: account cards, mini-program and product cards. */
const WIDGET_SELECTOR = [
  'script',
  'style',
  'noscript',
  'mp-common-profile',
  'mpprofile',
  'mp-miniprogram',
  'mp-common-miniprogram',
  'mp-common-product',
  'mpcps',
  '.js_product_container',
  '.qr_code_pc',
  '.code-snippet__line-index',
].join(',');

/** Error pages: the words that tell what happened to the article. */
const BLOCKED_WORDS = /环境异常|完成验证|验证后即可|访问过于频繁|操作频繁|请在微信客户端打开/;
const VIOLATION_WORDS = /违规|违反|侵权|投诉|屏蔽|封禁|涉嫌|法律法规|相关规定/;
const DELETED_WORDS = /删除/;

/** Query parameters that name a WeChat article; the rest (chksm, scene, …) track the visit. */
const ARTICLE_PARAMETERS = ['__biz', 'mid', 'idx', 'sn'];

/** A JS string literal: quote in group 1, body in group 2. */
const JS_STRING = String.raw`(['"])((?:\\[\s\S]|(?!\1)[^\\\r\n])*)\1`;

let converter: TurndownService | undefined;

function turndown(): TurndownService {
  if (!converter) {
    converter = new TurndownService({ headingStyle: 'atx', bulletListMarker: '-', codeBlockStyle: 'fenced' });
    converter.use(gfm);
    // The body is read as text (search, citations): keep `**`, `_` and `[1]` as the author wrote them.
    converter.escape = (text: string) => text;
    converter.addRule('image', {
      filter: 'img',
      replacement: (_content, node) => {
        const image = node as HTMLElement;
        const src = image.getAttribute('src');
        if (!src) return '';
        const alt = (image.getAttribute('alt') ?? '').replace(/[\[\]\r\n]+/g, ' ').trim();
        return `![${alt}](${src})`;
      },
    });
  }
  return converter;
}

/** True when the HTML is a WeChat article page (or its error page), whatever host it came from. */
export function isWeChatPage(html: string): boolean {
  return WECHAT_MARKERS.some((marker) => marker.test(html));
}

/** `page`: the page as the caller parsed it (it may be changed), so a page is parsed once. */
export function extractWeChat(html: string, pageUrl?: string, page: Document = parseHTML(html).document): PageExtraction {
  const document = page;
  const script = [...document.querySelectorAll('script')].map((element) => element.textContent ?? '').join('\n');
  const notes: string[] = [];

  // An error page keeps some of the article template's scripts; its message decides before they do.
  const body = bodyFromContent(document, notes) ?? (errorMessage(document) ? null : bodyFromScriptData(document, script, notes));
  if (!body) return unavailable(document);

  const account = accountName(document, script);
  const plain = body.markdown.replace(/!\[[^\]]*\]\([^)]*\)/g, '').replace(/\]\([^)]*\)/g, ']');
  const article: ExtractedArticle = {
    status: 'ok',
    title: articleTitle(document, script),
    url: canonicalUrl(document, script, pageUrl),
    source: account,
    author: authorName(document, script),
    date: publishTime(document, script),
    lang: cjkShare(plain) > 0.5 ? 'zh' : 'en',
    markdown: body.markdown,
    images: body.images,
    notes,
  };
  return article;
}

interface Body {
  markdown: string;
  images: string[];
}

/** The article body from `#js_content`, or null when the page has none or it is empty. */
function bodyFromContent(document: Document, notes: string[]): Body | null {
  const content = document.querySelector('#js_content');
  if (!content) return null;
  const body = toMarkdown(content as unknown as HTMLElement, notes);
  return body.markdown ? body : null;
}

/**
 * Picture posts and short text posts keep their body in script data: `content_noencode`
 * (or `desc`) as a `JsDecode('…')` string, pictures in `picture_page_info_list`.
 */
function bodyFromScriptData(document: Document, script: string, notes: string[]): Body | null {
  // Raw (entities kept): the text is inserted as HTML below.
  const text = firstRaw(script, [cgiField('content_noencode'), assignment('desc'), cgiField('desc')]);
  const pictures = pictureUrls(script);
  if (!text && !pictures.length) return null;

  const container = document.createElement('div');
  // Text posts carry HTML; picture posts carry plain text with \n line breaks (and entities).
  if (text && /<(?:p|section|div|h[1-6]|ul|ol|table|pre|blockquote)\b/i.test(text)) container.innerHTML = text;
  else if (text) {
    container.innerHTML = text
      .split(/\n{2,}/)
      .filter((paragraph) => paragraph.trim())
      .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br>')}</p>`)
      .join('');
  }
  pictures.forEach((url, index) => {
    const figure = document.createElement('p');
    const image = document.createElement('img');
    image.setAttribute('src', url);
    image.setAttribute('alt', `图${index + 1}`);
    figure.appendChild(image);
    container.appendChild(figure);
  });
  const body = toMarkdown(container as unknown as HTMLElement, notes);
  return body.markdown ? body : null;
}

/** Cleans a body element in place (players → notes, lazy images, code blocks, chrome) and converts it. */
function toMarkdown(content: HTMLElement, notes: string[]): Body {
  for (const widget of content.querySelectorAll(WIDGET_SELECTOR)) widget.remove();
  notePlayers(content, notes);
  normalizeCodeBlocks(content);
  resolveImages(content);
  removeChrome(content);
  // Links to other WeChat articles carry the reader's visit (scene, chksm, #wechat_redirect).
  for (const link of content.querySelectorAll('a[href]')) {
    const canonical = articleUrl(link.getAttribute('href'));
    if (canonical) link.setAttribute('href', canonical);
  }
  const markdown = turndown()
    .turndown(content.innerHTML)
    .replace(/^#{1,6}[ \t]*$/gm, '') // headings WeChat editors leave empty
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const images = [...content.querySelectorAll('img')].map((image) => image.getAttribute('src')!);
  return { markdown, images };
}

/**
 * Audio, music and video players cannot be kept as text: each becomes a note, and a background
 * picture that only framed a player (a music card) goes with it.
 */
function notePlayers(content: HTMLElement, notes: string[]): void {
  const players = content.querySelectorAll('mpvoice, mp-common-mpaudio, qqmusic, mpvideo, iframe, video, audio');
  for (const player of players) {
    const tag = player.tagName.toLowerCase();
    const attr = (name: string) => player.getAttribute(name)?.replace(/\s+/g, ' ').trim() || '';
    if (tag === 'mpvoice' || tag === 'mp-common-mpaudio' || tag === 'audio') {
      const name = attr('name') || attr('title') || attr('data-name');
      notes.push(name ? `音频：${name}（未转写）` : '音频（未转写）');
    } else if (tag === 'qqmusic') {
      const name = attr('music_name');
      const singer = attr('singer');
      notes.push(`音乐：${name || '未命名'}${singer ? `（${singer}）` : ''}`);
    } else if (tag === 'mpvideo' || tag === 'video' || /video/i.test(`${attr('class')} ${attr('data-src')} ${attr('src')}`)) {
      notes.push('视频（未转写）');
    }
    const frame = player.closest('[style*="url("]');
    player.remove();
    const framesOnlyThePlayer =
      frame && frame !== content && content.contains(frame) && !frame.textContent?.trim() && !frame.querySelector('img, [style*="url("]');
    if (framesOnlyThePlayer) frame.remove();
  }
}

/**
 * WeChat's code blocks put each line in its own `<code>` (or split lines with `<br>`); turndown's
 * fenced rule reads one `<code>` per `<pre>`, so each block is rewritten as `<pre><code>text</code></pre>`.
 */
function normalizeCodeBlocks(content: HTMLElement): void {
  const document = content.ownerDocument;
  for (const pre of content.querySelectorAll('pre')) {
    for (const lineBreak of pre.querySelectorAll('br')) lineBreak.replaceWith(document.createTextNode('\n'));
    const lines = [...pre.querySelectorAll('code')];
    const text = (lines.length > 1 ? lines.map((line) => line.textContent ?? '').join('\n') : pre.textContent ?? '')
      .replace(/\u00a0/g, ' ')
      .replace(/^\n+|\s+$/g, '');
    const language =
      pre.getAttribute('data-lang') ||
      /(?:^|\s)(?:language|lang|code-snippet)[-_]+([\w+#-]+)/.exec(`${pre.className} ${lines[0]?.className ?? ''}`)?.[1] ||
      '';
    const code = document.createElement('code');
    if (language) code.className = `language-${language.toLowerCase()}`;
    code.textContent = text;
    pre.textContent = '';
    pre.appendChild(code);
  }
}

/**
 * Gives every picture its real URL (lazy `data-src`, or a `background-image` turned into an `<img>`
 * at the start of its element) and drops placeholders, so the `<img>` elements are the pictures in
 * body order.
 */
function resolveImages(content: HTMLElement): void {
  const document = content.ownerDocument;
  for (const image of content.querySelectorAll('img')) {
    const src = imageUrl(image.getAttribute('data-src')) ?? imageUrl(image.getAttribute('src'));
    if (!src) {
      image.remove();
      continue;
    }
    for (const name of ['data-src', 'title', 'style']) image.removeAttribute(name);
    image.setAttribute('src', src);
  }
  for (const element of content.querySelectorAll('[style*="url("]')) {
    const style = element.getAttribute('style') ?? '';
    const match = /background(?:-image)?\s*:[^;]*?url\(\s*(['"]?)(.*?)\1\s*\)/i.exec(style);
    const src = imageUrl(match?.[2]);
    if (!src) continue;
    const image = document.createElement('img');
    image.setAttribute('src', src);
    image.setAttribute('alt', '');
    element.insertBefore(image, element.firstChild);
  }
}

/** An image address as a full http(s) URL, or null for placeholders and inline data. */
function imageUrl(value: string | null | undefined): string | null {
  const url = value?.trim().replace(/&amp;/g, '&');
  if (!url || url.startsWith('data:') || /\/pic_blank\.gif\b/.test(url)) return null;
  if (url.startsWith('//')) return `https:${url}`;
  return /^https?:\/\//i.test(url) ? url : null;
}

/** Removes body blocks whose whole text is interface chrome (微信扫一扫, 轻点两下取消赞, …). */
function removeChrome(content: HTMLElement): void {
  for (const element of content.querySelectorAll('p, section, div, span, a, em, button, strong')) {
    if (!element.isConnected || element.querySelector('img')) continue;
    const text = (element.textContent ?? '').replace(/\s+/g, '');
    if (text.length > 80 || !CHROME_PHRASES.some((phrase) => text.includes(phrase))) continue;
    const rest = CHROME_PHRASES.reduce((left, phrase) => left.split(phrase).join(''), text);
    if (!rest.replace(/[\p{P}\p{S}]/gu, '')) element.remove();
  }
}

/** What an error page says (its title and description), or null. */
function errorMessage(document: Document): string | null {
  const headline = [...document.querySelectorAll('.weui-msg__title, .weui-msg__desc')]
    .map((element) => element.textContent?.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join(' ');
  return headline || textOf(document, '.global_error_msg') || textOf(document, '.msg_content') || textOf(document, '.weui-msg');
}

function unavailable(document: Document): UnavailablePage {
  const message = errorMessage(document);
  if (!message) return { status: 'unavailable', message: '页面没有正文' };
  if (BLOCKED_WORDS.test(message)) return { status: 'blocked', message };
  if (VIOLATION_WORDS.test(message)) return { status: 'violation', message };
  if (DELETED_WORDS.test(message)) return { status: 'deleted', message };
  return { status: 'unavailable', message };
}

function articleTitle(document: Document, script: string): string {
  return (
    firstValue(script, [assignment('msg_title'), cgiField('title')]) ??
    metaContent(document, 'og:title') ??
    metaContent(document, 'twitter:title') ??
    textOf(document, '#activity-name') ??
    textOf(document, '.rich_media_title') ??
    textOf(document, 'title') ??
    ''
  );
}

function accountName(document: Document, script: string): string | null {
  return (
    firstValue(script, [assignment('nickname'), cgiField('nick_name'), cgiField('nickname')]) ??
    textOf(document, '#js_name') ??
    textOf(document, '.profile_nickname') ??
    textOf(document, '#post-user') ??
    textOf(document, '.account_nickname_inner') ??
    null
  );
}

/** The writer, kept apart from the account; WeChat leaves it empty when the account wrote it. */
function authorName(document: Document, script: string): string | null {
  return (
    firstValue(script, [assignment('author'), cgiField('author')]) ??
    metaContent(document, 'author') ??
    metaContent(document, 'og:article:author') ??
    textOf(document, '#js_author_name') ??
    null
  );
}

/**
 * `ct` is the publish time as UTC epoch seconds, written out in Beijing time (+08:00); without it,
 * the page's date variables (a Beijing date, or date and minute) or its visible date.
 */
function publishTime(document: Document, script: string): string | null {
  const epoch = firstValue(script, [assignment('ct'), assignment('create_time'), cgiField('create_time'), cgiField('ori_create_time')], /^\d{9,11}$/);
  if (epoch) return beijingTime(Number(epoch));
  const dated = [
    firstValue(script, [assignment('publish_time'), cgiField('create_time'), assignment('publish_date')], /^\d{4}-\d{1,2}-\d{1,2}/),
    textOf(document, '#publish_time'),
    textOf(document, '#post-date'),
  ];
  return dated.map((value) => (value ? beijingDate(value) : null)).find(Boolean) ?? null;
}

/** Epoch seconds → ISO 8601 in Asia/Shanghai (no daylight saving, always +08:00). */
export function beijingTime(epochSeconds: number): string {
  const shifted = new Date((epochSeconds + 8 * 3600) * 1000).toISOString();
  return `${shifted.slice(0, 19)}+08:00`;
}

function beijingDate(value: string): string | null {
  const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[\sT]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?/.exec(value.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match;
  const date = `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
  return hour ? `${date}T${hour.padStart(2, '0')}:${minute}:${second ?? '00'}+08:00` : date;
}

function canonicalUrl(document: Document, script: string, pageUrl: string | undefined): string | null {
  const candidates = [
    firstValue(script, [assignment('msg_link')]),
    metaContent(document, 'og:url'),
    firstValue(script, [cgiField('link')]),
    pageUrl ?? null,
  ];
  for (const candidate of candidates) {
    const url = articleUrl(candidate);
    if (url) return url;
  }
  return pageUrl?.trim() || null;
}

/**
 * A WeChat article URL in its canonical form: `/s/<id>` without query, or `/s?` with only
 * `__biz`, `mid`, `idx` and `sn`; null for anything that is not one.
 */
export function articleUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value.trim().replace(/&amp;/g, '&').replace(/^\/\//, 'https://'));
  } catch {
    return null;
  }
  if (url.hostname !== 'mp.weixin.qq.com') return null;
  if (/^\/s\/[\w-]+$/.test(url.pathname)) return `https://mp.weixin.qq.com${url.pathname}`;
  if (url.pathname !== '/s' || !url.searchParams.get('__biz')) return null;
  const kept = ARTICLE_PARAMETERS.filter((name) => url.searchParams.has(name))
    .map((name) => `${name}=${encodeURIComponent(url.searchParams.get(name)!).replace(/%3D/g, '=')}`)
    .join('&');
  return `https://mp.weixin.qq.com/s?${kept}`;
}

/** `var name = "…"`, `window.name = '…'`, `var name = htmlDecode("…")`. */
function assignment(name: string): RegExp {
  return new RegExp(String.raw`(?:\bvar\s+|\bwindow\.)${name}\s*=\s*(?:htmlDecode\s*\(\s*)?${JS_STRING}`, 'g');
}

/** `name: JsDecode('…')` in the page's cgiData object. */
function cgiField(name: string): RegExp {
  return new RegExp(String.raw`(?<![\w.])${name}\s*:\s*JsDecode\s*\(\s*${JS_STRING}`, 'g');
}

/** The first non-empty (and, with `shape`, well-formed) value any pattern finds, in pattern order, as text. */
function firstValue(script: string, patterns: RegExp[], shape?: RegExp): string | null {
  for (const pattern of patterns) {
    for (const match of script.matchAll(pattern)) {
      const value = decodeText(unescapeJs(match[2] ?? ''));
      if (value && (!shape || shape.test(value))) return value;
    }
  }
  return null;
}

/** The first non-blank value any pattern finds, JS escapes resolved, HTML entities and markup kept. */
function firstRaw(script: string, patterns: RegExp[]): string | null {
  for (const pattern of patterns) {
    for (const match of script.matchAll(pattern)) {
      const value = unescapeJs(match[2] ?? '');
      if (value.trim()) return value.trim();
    }
  }
  return null;
}

/** The body of a JS string literal with its escapes (`\x0a`, `\x26`, `\u2028`, `\'`) resolved. */
function unescapeJs(body: string): string {
  const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '' };
  return body.replace(/\\(?:x([0-9a-fA-F]{2})|u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|([\s\S]))/g, (_whole, hex?: string, point?: string, unit?: string, other?: string) => {
    if (hex) return String.fromCharCode(parseInt(hex, 16));
    if (point) return String.fromCodePoint(parseInt(point, 16));
    if (unit) return String.fromCharCode(parseInt(unit, 16));
    return simple[other!] ?? other!;
  });
}

let scratch: Document | undefined;

/** A script value as text: HTML entities resolved (`&amp;` → `&`, `&quot;` → `"`), markup dropped. */
function decodeText(value: string): string {
  if (!/[&<]/.test(value)) return value.trim();
  scratch ??= parseHTML('<!doctype html><html><body></body></html>').document;
  const holder = scratch.createElement('div');
  holder.innerHTML = value;
  return (holder.textContent ?? '').trim();
}

/**
 * Picture-post images: each top-level entry's own `cdn_url` in `picture_page_info_list` (nested
 * `watermark_info` / `share_cover` URLs are overlays and share thumbnails, not pictures).
 */
function pictureUrls(script: string): string[] {
  const start = /\bpicture_page_info_list\s*[:=]\s*\[/g;
  for (const found of script.matchAll(start)) {
    const entries = topLevelObjects(script, found.index! + found[0].length);
    const urls = entries
      .map((entry) => firstValue(entry, [new RegExp(String.raw`(?<![\w.])cdn_url\s*:\s*(?:JsDecode\s*\(\s*)?${JS_STRING}`, 'g')]))
      .map((url) => imageUrl(url))
      .filter((url): url is string => Boolean(url));
    if (urls.length) return urls;
  }
  return [];
}

/**
 * The top-level `{…}` entries of the JS array literal that starts at `from`, each with its nested
 * objects blanked out, so a field found in it is the entry's own.
 */
function topLevelObjects(script: string, from: number): string[] {
  const entries: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (let index = from; index < script.length; index++) {
    const char = script[index]!;
    if (quote) {
      if (depth === 1) current += char;
      if (char === '\\') {
        if (depth === 1) current += script[index + 1] ?? '';
        index++;
      } else if (char === quote) quote = null;
      continue;
    }
    if (char === '"' || char === "'" || char === '`') quote = char;
    if (char === '{' || char === '[') {
      depth++;
      if (depth === 1 && char === '{') current = '';
      continue;
    }
    if (char === '}' || char === ']') {
      if (depth === 0) break; // the array's own closing bracket
      if (depth === 1 && char === '}') entries.push(current);
      depth--;
      continue;
    }
    if (depth === 1) current += char;
  }
  return entries;
}

function metaContent(document: Document, name: string): string | null {
  const element = document.querySelector(`meta[property="${name}"]`) ?? document.querySelector(`meta[name="${name}"]`);
  return element?.getAttribute('content')?.replace(/\s+/g, ' ').trim() || null;
}

function textOf(document: Document, selector: string): string | null {
  return document.querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim() || null;
}

/** Share of Han characters among written units (a Latin word counts as one unit). */
function cjkShare(text: string): number {
  const han = text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu)?.length ?? 0;
  const words = text.match(/(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])\p{L})+/gu)?.length ?? 0;
  return han + words ? han / (han + words) : 0;
}
