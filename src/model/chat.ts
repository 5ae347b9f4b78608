/**
 * @module model/chat
 * Chat calls as research makes them: streamed with usage (`stream_options.include_usage`), a reply cut
 * by the token limit continued, a filtered reply reported, every call's usage metered per model, and
 * token or cost budgets enforced before a call is sent. Retries (429 with `Retry-After`, 5xx,
 * timeouts; jittered backoff) are the `openai` client's own; a stream cut before the model finished
 * is asked again here. With a reply cache, a call made before (same request) is answered from it.
 */
import OpenAI from 'openai';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { ZhikuError } from '../errors.js';
import { type ReplyCache, requestKey } from './reply-cache.js';

export interface Usage {
  input: number;
  output: number;
  cached: number;
  requests: number;
}

export interface Budget {
  /** Input plus output tokens over the whole task. */
  maxTokens?: number;
  /** In the model's price currency; needs `price`. */
  maxCost?: number;
  /** Cost of a usage on a model, or null when the catalog has no price for it. */
  price?: (model: string, usage: Usage) => number | null;
}

export type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** Usage per model over a task, summed from the server's own `usage` fields. */
export class UsageMeter {
  readonly byModel = new Map<string, Usage>();

  add(model: string, usage: Partial<Usage>): void {
    const entry = this.byModel.get(model) ?? { input: 0, output: 0, cached: 0, requests: 0 };
    entry.input += usage.input ?? 0;
    entry.output += usage.output ?? 0;
    entry.cached += usage.cached ?? 0;
    entry.requests += usage.requests ?? 0;
    this.byModel.set(model, entry);
  }

  total(): Usage {
    const sum = { input: 0, output: 0, cached: 0, requests: 0 };
    for (const usage of this.byModel.values()) {
      sum.input += usage.input;
      sum.output += usage.output;
      sum.cached += usage.cached;
      sum.requests += usage.requests;
    }
    return sum;
  }

  /** Priced cost so far, or null when some model used has no price. */
  cost(price: Budget['price']): number | null {
    if (!price) return null;
    let sum = 0;
    for (const [model, usage] of this.byModel) {
      const cost = price(model, usage);
      if (cost === null) return null;
      sum += cost;
    }
    return sum;
  }
}

export interface ChatOptions {
  client: OpenAI;
  model: string;
  meter: UsageMeter;
  budget?: Budget;
  /** Called with the characters received so far while a reply streams. */
  onProgress?: (characters: number) => void;
  /** Cap on output tokens per call. */
  maxOutputTokens?: number;
  /** A JSON schema the reply must follow (`response_format: json_schema`). */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  /** Replies of earlier identical requests (a resumed task); new replies are added to it. */
  cache?: ReplyCache;
}

const CONTENT_FILTERED = "the model's reply was withheld by its content filter";

/** A reply the endpoint's content filter withheld: that call's subject, not the endpoint, is the problem. */
export function isContentFiltered(error: unknown): boolean {
  return error instanceof ZhikuError && error.code === 'E_MODEL' && error.message === CONTENT_FILTERED;
}

/** How many times a reply cut by the length limit is continued. */
const MAX_CONTINUATIONS = 2;
/** How many times a stream that ends before the model finished (no finish_reason) is asked again. */
const MAX_STREAM_RETRIES = 2;

/** Tokens a prompt will take, counted with the o200k tokenizer (what budgets check before sending). */
export function promptTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, message) => sum + 4 + countTokens(typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? '')), 0);
}

/**
 * One chat exchange, streamed. A reply that stops at the length limit is continued (up to twice) and
 * joined; a content-filtered reply is an E_MODEL error; a call the budget cannot afford is an E_BUDGET
 * error raised before it is sent.
 */
export async function chat(options: ChatOptions, messages: ChatMessage[]): Promise<string> {
  const { client, model, meter, budget, cache } = options;
  const key = cache ? requestKey({ kind: 'chat', model, messages, maxOutputTokens: options.maxOutputTokens, jsonSchema: options.jsonSchema }) : null;
  const cached = key ? await cache!.get(key) : null;
  if (cached) {
    meter.add(model, cached.usage);
    return cached.text;
  }
  // What this reply costs, cut streams asked again included: the meter's growth over the exchange.
  const before: Usage = { input: 0, output: 0, cached: 0, requests: 0, ...meter.byModel.get(model) };
  let text = '';
  let conversation = [...messages];
  for (let round = 0; round <= MAX_CONTINUATIONS; round++) {
    checkBudget(budget, meter, model, promptTokens(conversation) + (options.maxOutputTokens ?? 0));
    const { part, finish, usage } = await streamReply(options, conversation, text.length);
    const used = {
      // A server that sends no usage is metered by our own count, so budgets still hold.
      input: usage?.prompt_tokens ?? promptTokens(conversation),
      output: usage?.completion_tokens ?? countTokens(part),
      cached: usage?.prompt_tokens_details?.cached_tokens ?? 0,
      requests: 1,
    };
    meter.add(model, used);
    text += part;
    if (finish === 'content_filter') throw new ZhikuError('E_MODEL', CONTENT_FILTERED, { item: model });
    if (finish !== 'length') break;
    conversation = [...messages, { role: 'assistant', content: text }, { role: 'user', content: '继续，从中断处接着写，不要重复。' }];
  }
  // Kept only once whole: a kill mid-reply leaves nothing that could be replayed as complete.
  if (key) {
    const after = meter.byModel.get(model)!;
    const spent = { input: after.input - before.input, output: after.output - before.output, cached: after.cached - before.cached, requests: after.requests - before.requests };
    await cache!.put(key, { text, usage: spent });
  }
  checkBudget(budget, meter, model, 0);
  return text;
}

/**
 * One streamed request. A stream that ends (or breaks) before a finish_reason is a partial reply: it
 * is metered and asked again, up to MAX_STREAM_RETRIES times, then an E_MODEL error.
 */
async function streamReply(options: ChatOptions, conversation: ChatMessage[], before: number): Promise<{ part: string; finish: string; usage: OpenAI.CompletionUsage | undefined }> {
  const { client, model, meter } = options;
  for (let attempt = 0; ; attempt++) {
    let part = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    let broken: unknown = null;
    let stream;
    try {
      stream = await client.chat.completions.create({
        model,
        messages: conversation,
        stream: true,
        stream_options: { include_usage: true },
        ...(options.maxOutputTokens ? { max_tokens: options.maxOutputTokens } : {}),
        ...(options.jsonSchema ? { response_format: { type: 'json_schema' as const, json_schema: { ...options.jsonSchema, strict: true } } } : {}),
      });
    } catch (error) {
      // The client has already retried what can be retried (429, 5xx, timeouts).
      if (error instanceof OpenAI.APIError) throw modelError(error, model);
      throw error;
    }
    try {
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        if (choice?.delta?.content) {
          part += choice.delta.content;
          options.onProgress?.(before + part.length);
        }
        if (choice?.finish_reason) finish = choice.finish_reason;
        if (chunk.usage) usage = chunk.usage;
      }
    } catch (error) {
      broken = error; // the connection broke mid-reply
    }
    if (finish !== null) return { part, finish, usage };
    // What a cut stream sent was still produced (and billed) by the server.
    meter.add(model, { input: usage?.prompt_tokens ?? promptTokens(conversation), output: countTokens(part), requests: 1 });
    if (attempt >= MAX_STREAM_RETRIES) {
      const why = broken ? `: ${(broken as Error).message.split('\n')[0]}` : '';
      throw new ZhikuError('E_MODEL', `the reply stream ended before the model finished, ${attempt + 1} times${why}`, { item: model, cause: broken ?? undefined });
    }
  }
}

/** An error status the client gave up on (after its own retries), as one line. */
function modelError(error: InstanceType<typeof OpenAI.APIError>, model: string): ZhikuError {
  const detail = error.message.split('\n')[0];
  if (error instanceof OpenAI.APIConnectionError) return new ZhikuError('E_MODEL', `cannot reach the model endpoint: ${detail}`, { item: model, cause: error });
  if (error.status === 401 || error.status === 403) return new ZhikuError('E_MODEL', `the model endpoint refused the API key (${detail})`, { item: model, cause: error });
  return new ZhikuError('E_MODEL', `the model endpoint failed: ${detail}`, { item: model, cause: error });
}

function checkBudget(budget: Budget | undefined, meter: UsageMeter, model: string, next: number): void {
  if (!budget) return;
  const total = meter.total();
  const used = total.input + total.output;
  if (budget.maxTokens !== undefined && used + next > budget.maxTokens) {
    throw new ZhikuError('E_BUDGET', `token budget ${budget.maxTokens.toLocaleString('en-US')} reached (${used.toLocaleString('en-US')} used${next ? `, the next call needs about ${next.toLocaleString('en-US')}` : ''})`, { item: model });
  }
  if (budget.maxCost !== undefined) {
    const cost = meter.cost(budget.price);
    const nextCost = budget.price?.(model, { input: next, output: 0, cached: 0, requests: 1 }) ?? 0;
    if (cost !== null && cost + nextCost > budget.maxCost) {
      throw new ZhikuError('E_BUDGET', `cost budget ${budget.maxCost} reached (${cost.toFixed(4)} spent)`, { item: model });
    }
  }
}

/** Embeddings of `texts` (one request), metered under the embedding model and checked against the budget first. */
export async function embed(options: Omit<ChatOptions, 'onProgress' | 'maxOutputTokens'>, texts: readonly string[]): Promise<number[][]> {
  const { client, model, meter, budget, cache } = options;
  if (!texts.length) return [];
  const key = cache ? requestKey({ kind: 'embed', model, texts }) : null;
  const cached = key ? await cache!.get(key) : null;
  if (cached) {
    meter.add(model, cached.usage);
    return JSON.parse(cached.text) as number[][];
  }
  checkBudget(budget, meter, model, texts.reduce((sum, text) => sum + countTokens(text), 0));
  let response;
  try {
    // Floats, not the client's default base64: not every compatible server encodes base64.
    response = await client.embeddings.create({ model, input: [...texts], encoding_format: 'float' });
  } catch (error) {
    if (error instanceof OpenAI.APIError) throw modelError(error, model);
    throw error;
  }
  const usage: Usage = { input: response.usage?.prompt_tokens ?? texts.reduce((sum, text) => sum + countTokens(text), 0), output: 0, cached: 0, requests: 1 };
  meter.add(model, usage);
  const vectors = [...response.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
  if (key) await cache!.put(key, { text: JSON.stringify(vectors), usage });
  return vectors;
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
