/**
 * @module research/task-model
 * The model writer of a research task when an endpoint is configured: each call and its streamed
 * characters reported as progress, usage metered and priced from the catalog for the Task Report.
 */
import { type Catalog, computeCost, convert, describeUsage, formatMoney, openCatalog } from '../catalog/index.js';
import type { ResolvedConfig } from '../config/schema.js';
import type { Budget, Usage, UsageMeter } from '../model/chat.js';
import type { ModelWriter } from './research.js';
import type { TaskEvent } from './task-runner.js';

/** Streamed-character progress is reported at most this often. */
const STREAM_PROGRESS_MS = 1000;

/** The writer for a task, or undefined when it runs offline (no model configured, or asked for). */
export async function taskModelWriter(
  config: ResolvedConfig,
  task: { offline: boolean; maxTokens: number | null },
  emit: (event: Omit<TaskEvent, 'seq' | 'at'>) => void,
): Promise<{ writer: ModelWriter; meter: UsageMeter; catalog: Catalog } | undefined> {
  const { llm } = config;
  if (task.offline || !llm.model) return undefined;
  const [{ UsageMeter, chat, embed }, { modelClient }] = await Promise.all([import('../model/chat.js'), import('../model/client.js')]);
  const catalog = await openCatalog(config);
  const meter = new UsageMeter();
  const budget: Budget = {
    ...(task.maxTokens ? { maxTokens: task.maxTokens } : {}),
    price: (model, usage) => {
      const entry = catalog.find(model);
      return entry?.price ? computeCost(entry, usage).total : null;
    },
  };
  const client = modelClient({ baseUrl: llm.baseUrl, apiKey: llm.apiKey });
  const model = llm.model;
  let calls = 0;
  let lastReport = 0;
  const writer: ModelWriter = {
    model,
    chat: async (messages) => {
      calls++;
      const call = calls;
      emit({ phase: 'model', message: `model call ${call}`, done: call });
      const onProgress = (streamed: number) => {
        const now = Date.now();
        if (now - lastReport < STREAM_PROGRESS_MS) return;
        lastReport = now;
        emit({ phase: 'model', message: `model call ${call}: ${streamed} characters streamed`, done: call });
      };
      return chat({ client, model, meter, budget, onProgress }, messages);
    },
  };
  if (llm.embedModel) writer.embed = (texts) => embed({ client, model: llm.embedModel!, meter, budget }, texts);
  return { writer, meter, catalog };
}

/** Usage per model with its priced cost, and the total in USD and CNY (the CLI's arithmetic). */
export function usageRows(meter: UsageMeter, catalog: Catalog): { rows: { model: string; usage: Usage; cost: string }[]; total: string } {
  const rows = [...meter.byModel].map(([model, usage]) => ({ model, usage, cost: describeUsage(catalog, model, usage).replace(/^.*; cost: /, '') }));
  const priced = [...meter.byModel].map(([model, usage]) => {
    const entry = catalog.find(model);
    return entry?.price ? { currency: entry.price.currency, total: computeCost(entry, usage).total } : null;
  });
  if (priced.some((p) => p === null)) return { rows, total: `unpriced: ${rows.filter((_, i) => !priced[i]).map((r) => r.model).join(', ')} not in the model catalog` };
  const usd = priced.reduce((sum, p) => sum + convert(p!.total, p!.currency, 'USD', catalog.rate), 0);
  return { rows, total: `${formatMoney(usd, 'USD')} (${formatMoney(convert(usd, 'USD', 'CNY', catalog.rate), 'CNY')}), priced from the model catalog` };
}
