/**
 * @module collect/feed/parse
 * Feed documents (RSS 2.0, Atom, RDF/RSS 1.0, JSON Feed) → one flat item list. feedsmith reads the markup;
 * this module picks the fields a reader needs, resolves relative links, and writes dates as ISO 8601 that keep
 * the offset the feed gave. RSSHub, wewe-rss and Wechat-Scholar feeds are ordinary RSS and need no special case.
 */
import { characterEntities } from 'character-entities';
import {
  DetectError,
  MalformedError,
  ParseError,
  parseFeed,
  type AnyFeed,
  type AtomFeed,
  type JsonFeed,
  type RdfFeed,
  type RssFeed,
} from 'feedsmith';
import iconv from 'iconv-lite';
import { ZhikuError } from '../../errors.js';
import { decodeText } from '../parse/decode.js';

export type FeedFormat = 'rss' | 'atom' | 'rdf' | 'json';

export interface FeedItem {
  title: string | null;
  /** Absolute when the feed or its site gives a base; `&amp;` left over from double escaping is decoded. */
  url: string | null;
  guid: string | null;
  /** ISO 8601 with the feed's own offset (`+08:00`), or `Z` when the feed gave UTC or no zone. */
  published: string | null;
  author: string | null;
  summary: string | null;
  /** The full body when the entry carries one (content:encoded, Atom content, content_html). */
  contentHtml: string | null;
}

export interface ParsedFeed {
  format: FeedFormat;
  title: string | null;
  siteUrl: string | null;
  items: FeedItem[];
}

/**
 * Parses a feed from its bytes (the XML prolog's encoding is honoured) or from text. `feedUrl` is the base for
 * relative links and names the feed in errors. Anything that is not a feed is an E_PARSE saying why.
 */
export function parseFeedDocument(input: Uint8Array | string, feedUrl?: string): ParsedFeed {
  const label = feedUrl ?? 'feed';
  const text = stripBom(typeof input === 'string' ? input : decodeXmlBytes(input, label));
  if (!text.trim()) throw new ZhikuError('E_PARSE', 'empty document, not a feed', { item: feedUrl });
  const root = rootElementName(text);
  if (root === 'html') throw new ZhikuError('E_PARSE', 'an HTML page, not a feed', { item: feedUrl });

  let parsed: AnyFeed;
  try {
    parsed = parseFeed(text);
  } catch (error) {
    throw new ZhikuError('E_PARSE', whyNotAFeed(error, root), { item: feedUrl, cause: error });
  }
  switch (parsed.format) {
    case 'rss':
      return fromRss(parsed.feed, feedUrl);
    case 'atom':
      return fromAtom(parsed.feed, feedUrl);
    case 'rdf':
      return fromRdf(parsed.feed, feedUrl);
    case 'json':
      return fromJson(parsed.feed, feedUrl);
  }
}

function whyNotAFeed(error: unknown, root: string | null): string {
  const rootNote = root ? ` (root element <${root}>)` : '';
  if (error instanceof DetectError) return `not a feed: no RSS, Atom, RDF or JSON Feed structure${rootNote}`;
  if (error instanceof MalformedError) return `malformed feed XML${rootNote}`;
  if (error instanceof ParseError) return `not a usable feed: no channel, feed or entries found${rootNote}`;
  // Anything else is a fault in the parser, not bad input: let it surface as is.
  throw error;
}

// ---------------------------------------------------------------------------------------------------------------
// Bytes → text

const XML_DECLARED_ENCODING = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/;
const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes an XML document's bytes. A BOM wins; then the encoding named in the XML prolog (GBK, GB2312, Big5…),
 * except when the bytes are valid multi-byte UTF-8: legacy Chinese text practically never is, so such a document
 * is mislabelled and read as UTF-8. Without a declaration the shared detector decides.
 */
export function decodeXmlBytes(bytes: Uint8Array, item: string): string {
  const hasBom = (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) || bytes[0] === 0xff || bytes[0] === 0xfe;
  const declared = hasBom ? null : declaredXmlEncoding(bytes);
  if (declared && !/^utf-?8$/i.test(declared) && iconv.encodingExists(declared) && !isMultibyteUtf8(bytes)) {
    return iconv.decode(Buffer.from(bytes), legacyEncodingName(declared));
  }
  return decodeText(bytes, item).text;
}

function declaredXmlEncoding(bytes: Uint8Array): string | null {
  // The prolog is ASCII in every ASCII-compatible encoding, so latin1 reads it faithfully.
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1');
  return XML_DECLARED_ENCODING.exec(head)?.[1] ?? null;
}

function isMultibyteUtf8(bytes: Uint8Array): boolean {
  if (!bytes.some((byte) => byte >= 0x80)) return false;
  try {
    UTF8_STRICT.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** GB2312 and GBK documents are decoded as GB18030, their superset, so rarer characters survive. */
function legacyEncodingName(declared: string): string {
  return /^(gb_?2312(-80)?|gbk|x-gbk|cp936|gb18030)$/i.test(declared) ? 'GB18030' : declared;
}

function stripBom(text: string): string {
  return text.replace(/^\uFEFF/, '');
}

/**
 * The lower-cased name of the document's first element, past the prolog, comments and doctype; null for JSON
 * or text. Only used to reject HTML early and to say what a rejected document was.
 */
export function rootElementName(text: string): string | null {
  const match = /^\s*(?:(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>)\s*)*<([A-Za-z_][\w:.-]*)/i.exec(
    text,
  );
  return match?.[1]?.toLowerCase() ?? null;
}

// ---------------------------------------------------------------------------------------------------------------
// Formats → ParsedFeed

function fromRss(feed: RssFeed.Feed<string>, feedUrl: string | undefined): ParsedFeed {
  const siteUrl = resolveUrl(feed.link ?? alternateHref(feed.atom?.links), feedUrl);
  const base = feedUrl ?? siteUrl;
  const chinese = isChineseLanguage(feed.language ?? feed.dc?.languages?.[0]);
  const items = (feed.items ?? []).map(
    (item): FeedItem => ({
      title: nonEmpty(item.title ?? item.dc?.titles?.[0]),
      url: resolveUrl(item.link ?? permalinkGuid(item.guid) ?? alternateHref(item.atom?.links), base),
      guid: nonEmpty(item.guid?.value),
      published: dateOf(chinese, item.pubDate, item.dc?.dates?.[0], item.atom?.published, item.atom?.updated),
      author: personName(item.authors?.[0]?.name) ?? nonEmpty(item.dc?.creators?.[0]) ?? nonEmpty(item.itunes?.author),
      summary: nonEmpty(item.description),
      contentHtml: nonEmpty(item.content?.encoded),
    }),
  );
  return { format: 'rss', title: nonEmpty(feed.title), siteUrl, items };
}

function fromAtom(feed: AtomFeed.Feed<string>, feedUrl: string | undefined): ParsedFeed {
  // xml:base on the feed, then on each entry, is the base relative links are written against.
  const feedBase = resolveUrl(feed.xml?.base, feedUrl) ?? feedUrl;
  const siteUrl = resolveUrl(alternateHref(feed.links), feedBase);
  const chinese = isChineseLanguage(feed.xml?.lang);
  const feedAuthor = personName(feed.authors?.[0]?.name);
  const items = (feed.entries ?? []).map((entry): FeedItem => {
    const base = resolveUrl(entry.xml?.base, feedBase ?? siteUrl) ?? feedBase ?? siteUrl;
    return {
      title: atomPlainText(entry.title),
      url: resolveUrl(alternateHref(entry.links), base),
      guid: nonEmpty(entry.id),
      published: dateOf(chinese, entry.published, entry.updated, entry.dc?.dates?.[0]),
      // An entry without its own author inherits the source's or the feed's (RFC 4287 §4.2.1).
      author: personName(entry.authors?.[0]?.name) ?? personName(entry.source?.authors?.[0]?.name) ?? feedAuthor,
      summary: nonEmpty(entry.summary?.value),
      contentHtml: atomContentHtml(entry.content),
    };
  });
  return { format: 'atom', title: atomPlainText(feed.title), siteUrl, items };
}

function fromRdf(feed: RdfFeed.Feed<string>, feedUrl: string | undefined): ParsedFeed {
  const siteUrl = resolveUrl(feed.link, feedUrl);
  const base = feedUrl ?? siteUrl;
  const chinese = isChineseLanguage(feed.dc?.languages?.[0]);
  const items = (feed.items ?? []).map(
    (item): FeedItem => ({
      title: nonEmpty(item.title),
      url: resolveUrl(item.link ?? item.rdf?.about, base),
      guid: nonEmpty(item.rdf?.about),
      published: dateOf(chinese, item.dc?.dates?.[0], item.dcterms?.issued?.[0], item.dcterms?.modified?.[0]),
      author: nonEmpty(item.dc?.creators?.[0]),
      summary: nonEmpty(item.description),
      contentHtml: nonEmpty(item.content?.encoded),
    }),
  );
  return { format: 'rdf', title: nonEmpty(feed.title), siteUrl, items };
}

function fromJson(feed: JsonFeed.Feed<string>, feedUrl: string | undefined): ParsedFeed {
  const siteUrl = resolveUrl(feed.home_page_url, feedUrl ?? feed.feed_url);
  const base = feedUrl ?? feed.feed_url ?? siteUrl;
  const chinese = isChineseLanguage(feed.language);
  const feedAuthor = personName(feed.authors?.[0]?.name);
  const items = (feed.items ?? []).map(
    (item): FeedItem => ({
      title: nonEmpty(item.title),
      url: resolveUrl(item.url ?? item.external_url, base),
      guid: nonEmpty(item.id),
      published: dateOf(chinese, item.date_published, item.date_modified),
      author: personName(item.authors?.[0]?.name) ?? feedAuthor,
      summary: nonEmpty(item.summary),
      contentHtml: nonEmpty(item.content_html) ?? textToHtml(item.content_text),
    }),
  );
  return { format: 'json', title: nonEmpty(feed.title), siteUrl, items };
}

// ---------------------------------------------------------------------------------------------------------------
// Field helpers

function nonEmpty(value: string | undefined | null): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** `bob@example.com (Bob)`, the RSS 2.0 author form, names Bob. */
function personName(value: string | undefined): string | null {
  const name = nonEmpty(value);
  if (!name) return null;
  return /^\S+@\S+\s*\((.+)\)$/.exec(name)?.[1]?.trim() || name;
}

/** An RSS guid doubles as the link when it is a permalink (the default) and looks like a URL. */
function permalinkGuid(guid: RssFeed.Guid | undefined): string | undefined {
  if (!guid || guid.isPermaLink === false) return undefined;
  return /^https?:\/\//i.test(guid.value ?? '') ? guid.value : undefined;
}

interface LinkLike {
  href?: string;
  rel?: string;
  type?: string;
}

/** The alternate (HTML) link of an Atom element; a link without rel is an alternate by definition. */
function alternateHref(links: readonly LinkLike[] | undefined): string | undefined {
  const alternates = (links ?? []).filter((link) => link.href && (!link.rel || link.rel === 'alternate'));
  return (alternates.find((link) => !link.type || /html/i.test(link.type)) ?? alternates[0])?.href;
}

function isChineseLanguage(language: string | undefined): boolean {
  return /^zh\b/i.test(language?.trim() ?? '');
}

function dateOf(chineseFeed: boolean, ...candidates: (string | undefined)[]): string | null {
  for (const raw of candidates) {
    const iso = raw ? normalizeFeedDate(raw, { chinaStandardTime: chineseFeed }) : null;
    if (iso) return iso;
  }
  return null;
}

const ABSOLUTE_URL = /^[a-z][a-z\d+.-]*:/i;

/**
 * A link made absolute against the first usable base. Absolute links are returned as written (no
 * re-serialisation, so WeChat's `==` and `#rd` stay byte-identical); a relative link without a base stays relative.
 */
function resolveUrl(ref: string | undefined | null, base: string | undefined | null): string | null {
  const cleaned = nonEmpty(ref ? decodeAmpersands(ref) : null);
  if (!cleaned) return null;
  if (ABSOLUTE_URL.test(cleaned) || !base) return cleaned;
  try {
    return new URL(cleaned, base).href;
  } catch {
    return cleaned;
  }
}

/** Feeds that escape twice (or put `&amp;` inside CDATA) leave a literal `&amp;` in links after XML decoding. */
function decodeAmpersands(url: string): string {
  let current = url;
  for (let pass = 0; pass < 3; pass++) {
    const next = current.replace(/&(?:amp|#38|#x26);/gi, '&');
    if (next === current) break;
    current = next;
  }
  return current;
}

function atomPlainText(text: AtomFeed.Text | undefined): string | null {
  if (!text) return null;
  return text.type === 'html' || text.type === 'xhtml' ? nonEmpty(htmlToPlainText(text.value)) : nonEmpty(text.value);
}

/** Atom content as HTML: html/xhtml as is, text escaped, out-of-line (`src`) or binary content has no body here. */
function atomContentHtml(content: AtomFeed.Content | undefined): string | null {
  if (!content || content.src || !content.value) return null;
  const type = content.type?.toLowerCase() ?? 'text';
  if (type === 'html' || type === 'xhtml' || /^(text\/html|application\/xhtml\+xml)$/.test(type)) return nonEmpty(content.value);
  if (type === 'text' || type.startsWith('text/')) return textToHtml(content.value);
  return null;
}

function htmlToPlainText(html: string): string {
  // Tags go without a trace: titles hold inline markup (`Open<b>AI</b>`), which must not split words.
  return decodeHtmlEntities(html.replace(/<[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
}

function decodeHtmlEntities(text: string): string {
  return text.replace(/&(?:#(\d+)|#x([\da-f]+)|([a-z][a-z\d]*));/gi, (whole, decimal?: string, hex?: string, name?: string) => {
    if (name) return characterEntities[name] ?? whole;
    const codePoint = decimal ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? '', 16);
    const valid = codePoint > 0 && codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff);
    return valid ? String.fromCodePoint(codePoint) : whole;
  });
}

/** Plain text as HTML: escaped, blank lines become paragraphs, single newlines line breaks. */
function textToHtml(text: string | undefined): string | null {
  const body = nonEmpty(text);
  if (!body) return null;
  const escaped = body.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped
    .split(/\n\s*\n/)
    .map((paragraph) => `<p>${paragraph.trim().replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Dates

export interface FeedDateOptions {
  /**
   * Read the zone `CST` as China Standard Time (+08:00) rather than RFC 822's US Central (-06:00). Servers set to
   * Asia/Shanghai write `CST`, so a feed whose language is Chinese means +08:00.
   */
  chinaStandardTime?: boolean;
}

const MONTH_NAMES = [
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
];

/** 1–12 for an English month name or an abbreviation of at least three letters (`Nov`, `Sept`, `November`). */
function monthNumber(name: string | undefined): number | undefined {
  const key = (name ?? '').toLowerCase();
  const index = key.length >= 3 ? MONTH_NAMES.findIndex((month) => month.startsWith(key)) : -1;
  return index < 0 ? undefined : index + 1;
}

/** Offsets in minutes of the zone names feeds use; RFC 822's US zones plus common Asian and European ones. */
const ZONE_OFFSETS: Record<string, number> = {
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  BJT: 480, HKT: 480, SGT: 480, JST: 540, KST: 540, CET: 60, CEST: 120,
};

const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?`;
const ZONE = String.raw`((?:GMT|UTC|UT)?[+-]\d{2}(?::?\d{2})?|[A-Za-z]{1,5})`;
/** RFC 822/1123/2822: `Mon, 10 Nov 2025 12:00:10 +0800` (weekday, seconds and zone optional). */
const RFC822_DATE = new RegExp(
  String.raw`^(?:[A-Za-z]{2,9},?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{4}|\d{2})(?:[\sT]+${TIME})?\s*${ZONE}?(?:\s*\([^)]*\))?$`,
);
/** Month-first English dates: `Mon Nov 10 2025 12:00:10 GMT+0800 (China Standard Time)`, `November 10, 2025`. */
const MONTH_FIRST_DATE = new RegExp(
  String.raw`^(?:[A-Za-z]{2,9},?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?:[\sT]+${TIME})?\s*${ZONE}?(?:\s*\([^)]*\))?$`,
);
/** ISO 8601 / RFC 3339 and the `2025/11/10 12:00`, `2025年11月10日` variants Chinese sites write. */
const ISO_LIKE_DATE = new RegExp(
  String.raw`^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:(?:T|\s+)${TIME})?\s*${ZONE}?$`,
);

/**
 * A feed date as ISO 8601 keeping the offset the feed gave: `Mon, 10 Nov 2025 12:00:10 +0800` →
 * `2025-11-10T12:00:10+08:00`. GMT/UTC and dates without a zone are UTC, written with `Z`; fractions of a second
 * are dropped. Null when the text is not a date.
 */
export function normalizeFeedDate(raw: string, options: FeedDateOptions = {}): string | null {
  const text = raw.trim();
  const rfc = RFC822_DATE.exec(text);
  if (rfc) {
    const [, day, month, year, hour, minute, second, zone] = rfc;
    return isoDate(fullYear(year), monthNumber(month), day, hour, minute, second, zone, options);
  }
  const monthFirst = MONTH_FIRST_DATE.exec(text);
  if (monthFirst) {
    const [, month, day, year, hour, minute, second, zone] = monthFirst;
    return isoDate(Number(year), monthNumber(month), day, hour, minute, second, zone, options);
  }
  const iso = ISO_LIKE_DATE.exec(text);
  if (iso) {
    const [, year, month, day, hour, minute, second, zone] = iso;
    return isoDate(Number(year), Number(month), day, hour, minute, second, zone, options);
  }
  return null;
}

/** RFC 2822 §4.3: two-digit years below 50 are 20xx, the rest 19xx. */
function fullYear(year: string | undefined): number {
  const value = Number(year);
  if ((year ?? '').length === 4) return value;
  return value < 50 ? 2000 + value : 1900 + value;
}

function isoDate(
  year: number,
  month: number | undefined,
  dayText: string | undefined,
  hourText: string | undefined,
  minuteText: string | undefined,
  secondText: string | undefined,
  zoneText: string | undefined,
  options: FeedDateOptions,
): string | null {
  const day = Number(dayText);
  const hour = Number(hourText ?? 0);
  const minute = Number(minuteText ?? 0);
  const second = Number(secondText ?? 0);
  if (month === undefined || hour > 23 || minute > 59 || second > 60) return null;
  // Date.UTC rolls 31 Feb over to March; a rolled-over date was not a real one.
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  const offset = zoneSuffix(zoneText, options);
  if (offset === null) return null;
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(Math.min(second, 59))}${offset}`;
}

/** `Z` or `±HH:MM`; null for an impossible offset. */
function zoneSuffix(zone: string | undefined, options: FeedDateOptions): string | null {
  if (!zone) return 'Z';
  const numeric = /^(?:GMT|UTC|UT)?([+-])(\d{2}):?(\d{2})?$/i.exec(zone);
  if (numeric) {
    const [, sign, hours, minutes = '00'] = numeric;
    if (Number(hours) > 14 || Number(minutes) > 59) return null;
    // RFC 2822 reads -0000 as "local time unknown", i.e. UTC.
    if (sign === '-' && hours === '00' && minutes === '00') return 'Z';
    return `${sign}${hours}:${minutes}`;
  }
  const name = zone.toUpperCase();
  if (name === 'CST' && options.chinaStandardTime) return '+08:00';
  const minutes = ZONE_OFFSETS[name];
  // GMT, UT, UTC, Z, military letters and unknown names are UTC (RFC 2822 §4.3).
  if (minutes === undefined) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
}
