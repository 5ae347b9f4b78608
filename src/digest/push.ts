/**
 * @module digest/push
 * Sending a digest to a webhook: the generic form posts the digest as JSON; the Feishu form posts
 * interactive-card markdown messages. Each platform caps a message's size, so a digest that does
 * not fit is split between items into several messages, in order; an item that alone exceeds the
 * cap is cut with a note rather than refused.
 */
import { ZhikuError } from '../errors.js';
import { renderDigestMarkdown } from './format/markdown.js';
import type { Digest } from './types.js';

export type WebhookFormat = 'json' | 'feishu';

/** Bytes of one request body: Feishu's documented card limit is 30 KB; a generic receiver gets 1 MB. */
export const MESSAGE_LIMITS: Record<WebhookFormat, number> = { json: 1_000_000, feishu: 28_000 };

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** The request bodies for a digest, each within the format's limit. */
export function webhookMessages(digest: Digest, format: WebhookFormat): string[] {
  const limit = MESSAGE_LIMITS[format];
  if (format === 'json') {
    const whole = JSON.stringify({ type: 'zhiku.digest', digest });
    if (bytes(whole) <= limit) return [whole];
    return splitItems(digest, (part) => JSON.stringify({ type: 'zhiku.digest', digest: part }), limit);
  }
  const card = (part: Digest) =>
    JSON.stringify({
      msg_type: 'interactive',
      card: {
        header: { title: { tag: 'plain_text', content: `AI行业速递 ${part.date}` } },
        elements: [{ tag: 'markdown', content: renderDigestMarkdown(part).replace(/^# .*\n+/, '') }],
      },
    });
  return splitItems(digest, card, limit);
}

/** Consecutive items per message while they fit; the links go with the last message. */
function splitItems(digest: Digest, render: (part: Digest) => string, limit: number): string[] {
  const messages: string[] = [];
  let items: Digest['items'] = [];
  const flush = (others: Digest['others']) => {
    if (items.length || others.length) messages.push(render({ ...digest, items, others }));
    items = [];
  };
  for (const item of digest.items) {
    if (bytes(render({ ...digest, items: [...items, item], others: [] })) > limit) {
      flush([]);
      if (bytes(render({ ...digest, items: [item], others: [] })) > limit) {
        // One item larger than a whole message: its bullets go, the insight is kept short.
        items = [{ ...item, insight: `${item.insight.slice(0, 300)}…（全文过长，已截断）`, bullets: item.bullets.slice(0, 4).map((b) => ({ ...b, detail: b.detail.slice(0, 200) })) }];
        continue;
      }
    }
    items.push(item);
  }
  const others = [...digest.others];
  while (others.length && bytes(render({ ...digest, items, others })) > limit) others.pop();
  flush(others);
  return messages;
}

/** Posts each message in order; a non-2xx answer stops with the status named. */
export async function pushDigest(digest: Digest, url: string, format: WebhookFormat, timeoutMs = 15_000): Promise<number> {
  const messages = webhookMessages(digest, format);
  for (const [index, body] of messages.entries()) {
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new ZhikuError('E_IO', `webhook did not answer (${(error as Error).message})`, { item: url, cause: error });
    }
    if (!response.ok) throw new ZhikuError('E_IO', `webhook answered ${response.status} to message ${index + 1} of ${messages.length}`, { item: url });
    // Feishu answers 200 with a code in the body when it refuses a message.
    if (format === 'feishu') {
      const answer = (await response.json().catch(() => ({}))) as { code?: number; msg?: string };
      if (answer.code) throw new ZhikuError('E_IO', `webhook refused message ${index + 1}: ${answer.msg ?? `code ${answer.code}`}`, { item: url });
    }
  }
  return messages.length;
}
