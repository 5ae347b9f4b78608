/**
 * @module collect/feed/opml
 * Subscription lists in and out: OPML → a flat list of feeds (folders become categories), and a feed list →
 * OPML 2.0 that reads back to the same list. feedsmith reads and writes the XML.
 */
import { GenerateError, MalformedError, ParseError, generateOpml, parseOpml, type Opml } from 'feedsmith';
import { ZhikuError } from '../../errors.js';
import { decodeXmlBytes, rootElementName } from './parse.js';

export interface OpmlFeed {
  /** The outline's `text`, else its `title`, else the feed URL. */
  title: string;
  xmlUrl: string;
  htmlUrl: string | null;
  /** The `text` of the folder outline the feed sits in; null at the top level. */
  category: string | null;
}

export interface ParsedOpml {
  title: string | null;
  feeds: OpmlFeed[];
}

/** A feed to export; a missing htmlUrl or category is the same as null. */
export interface OpmlFeedInput {
  title: string;
  xmlUrl: string;
  htmlUrl?: string | null;
  category?: string | null;
}

type ParsedOutline = Opml.Outline<string>;

/**
 * Every outline with an xmlUrl, in document order, nested folders flattened. `source` names the document in
 * errors. A document that is not OPML is an E_PARSE saying why.
 */
export function parseOpmlDocument(input: Uint8Array | string, source?: string): ParsedOpml {
  const text = (typeof input === 'string' ? input : decodeXmlBytes(input, source ?? 'OPML')).replace(/^\uFEFF/, '');
  if (!text.trim()) throw new ZhikuError('E_PARSE', 'empty document, not OPML', { item: source });
  const root = rootElementName(text);
  if (root !== 'opml') {
    const found = root ? `root element <${root}>` : 'no XML root element';
    throw new ZhikuError('E_PARSE', `not an OPML document (${found})`, { item: source });
  }

  let document: Opml.Document<string>;
  try {
    document = parseOpml(text);
  } catch (error) {
    if (error instanceof MalformedError) throw new ZhikuError('E_PARSE', 'malformed OPML XML', { item: source, cause: error });
    if (error instanceof ParseError) {
      // feedsmith finds neither head nor body: an empty list, unless outlines are there but unreadable.
      if (!/<outline\b/i.test(text)) return { title: null, feeds: [] };
      throw new ZhikuError('E_PARSE', 'malformed OPML: its outlines cannot be read', { item: source, cause: error });
    }
    throw error;
  }

  const feeds: OpmlFeed[] = [];
  collectFeeds(document.body?.outlines ?? [], null, feeds);
  return { title: document.head?.title?.trim() || null, feeds };
}

function collectFeeds(outlines: readonly ParsedOutline[], category: string | null, feeds: OpmlFeed[]): void {
  for (const outline of outlines) {
    const label = outline.text?.trim() || outline.title?.trim() || null;
    const xmlUrl = outline.xmlUrl?.trim();
    if (xmlUrl) {
      feeds.push({ title: label ?? xmlUrl, xmlUrl, htmlUrl: outline.htmlUrl?.trim() || null, category });
    }
    // A folder without a name keeps its parent's category rather than dropping it.
    if (outline.outlines?.length) collectFeeds(outline.outlines, label ?? category, feeds);
  }
}

/**
 * OPML 2.0 for a feed list. Feeds with a category go into one folder outline per category (folders in order of
 * first appearance, feeds in input order); the rest stay at the top level.
 */
export function exportOpml(feeds: readonly OpmlFeedInput[], title: string): string {
  if (feeds.length === 0) throw new ZhikuError('E_EMPTY', 'no feeds to export');
  const topLevel: Opml.Outline<Date>[] = [];
  const folders = new Map<string, Opml.Outline<Date>[]>();
  for (const feed of feeds) {
    const xmlUrl = feed.xmlUrl.trim();
    if (!xmlUrl) throw new ZhikuError('E_INVALID_INPUT', 'feed without an xmlUrl', { item: feed.title });
    const name = feed.title.trim() || xmlUrl;
    const outline: Opml.Outline<Date> = { text: name, title: name, type: 'rss', xmlUrl };
    if (feed.htmlUrl?.trim()) outline.htmlUrl = feed.htmlUrl.trim();

    const category = feed.category?.trim();
    if (!category) {
      topLevel.push(outline);
      continue;
    }
    let folder = folders.get(category);
    if (!folder) {
      folder = [];
      folders.set(category, folder);
      topLevel.push({ text: category, title: category, outlines: folder });
    }
    folder.push(outline);
  }

  try {
    return generateOpml({ head: { title: title.trim() || undefined }, body: { outlines: topLevel } });
  } catch (error) {
    if (error instanceof GenerateError) throw new ZhikuError('E_INVALID_INPUT', `cannot write OPML: ${error.message}`, { cause: error });
    throw error;
  }
}
