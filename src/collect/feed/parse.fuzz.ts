import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CJK_FRAGMENTS, FUZZ_MS, fuzz, textOf } from '../../../test/fuzz.js';
import { isZhikuError } from '../../errors.js';
import { parseFeedDocument } from './parse.js';

const XML = [
  '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="GBK"?>', '<rss version="2.0">', '</rss>', '<channel>', '</channel>', '<item>', '</item>',
  '<title>', '</title>', '<link>', '</link>', 'https://example.org/a', '<pubDate>', '</pubDate>', 'Tue, 30 Sep 2025 08:00:00 +0800', '2025-09-30T08:00:00Z',
  '<feed xmlns="http://www.w3.org/2005/Atom">', '</feed>', '<entry>', '</entry>', '<link href="https://example.org/b"/>', '<updated>', '</updated>',
  '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">', '</rdf:RDF>', '<description><![CDATA[', ']]></description>',
  '<content:encoded>', '</content:encoded>', '&amp;', '&lt;p&gt;', '&#x4e2d;', '&bogus;', '<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]>', '&a;', '{"version":"https://jsonfeed.org/version/1.1","items":[', ']}', '{"id":"1","title":"t"}', ',',
];

describe('feeds under fuzzing', () => {
  it('any document parses to items or fails with a ZhikuError, never another exception', () => {
    fuzz(
      fc.property(textOf([...CJK_FRAGMENTS, ...XML], 60), (text) => {
        try {
          const feed = parseFeedDocument(text, 'https://example.org/feed');
          expect(Array.isArray(feed.items)).toBe(true);
          for (const item of feed.items) expect(typeof item).toBe('object');
        } catch (error) {
          if (!isZhikuError(error)) throw error;
        }
      }),
    );
  }, FUZZ_MS + 30_000);
});
