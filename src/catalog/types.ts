/**
 * @module catalog/types
 * The model catalog as data: every price carries where it came from and when it was true.
 */

export type Currency = 'USD' | 'CNY';

/** Prices per 1M tokens from a prompt size on: vendors charge more for long prompts. */
export interface PriceTier {
  /** Prompt tokens (per request) from which this tier applies; 0 for the base tier. */
  fromTokens: number;
  input: number;
  /** Cache-hit input tokens; null when the vendor lists no cached rate (they bill as input). */
  cachedInput: number | null;
  output: number;
}

export interface ModelPrice {
  currency: Currency;
  /** Ascending by `fromTokens`; the first tier starts at 0. */
  tiers: PriceTier[];
  /** What a reader must know about the price (discount windows, conversions made by the source). */
  note: string | null;
}

export type Provenance =
  | { kind: 'dataset'; package: string; version: string; released: string; url: string | null }
  | { kind: 'overlay'; file: string; source: string; asOf: string };

export interface CatalogModel {
  /** `provider/model`, unique in the catalog, e.g. `openai/gpt-5.1` or `dashscope/qwen-max`. */
  key: string;
  /** The vendor's model id, e.g. `gpt-5.1`. */
  id: string;
  name: string;
  vendor: string;
  /** Where the price applies when it is not the vendor's own API (Llama on Together AI). */
  host: string | null;
  /** Other ids and names that mean this model (dated snapshots, Chinese names). */
  aliases: string[];
  contextWindow: number | null;
  modalities: { input: string[]; output: string[] } | null;
  openWeights: boolean | null;
  licence: string | null;
  releaseDate: string | null;
  deprecated: boolean;
  price: ModelPrice | null;
  provenance: Provenance;
  /** Where the metadata (modalities, open weights, release date) came from, when not the price source. */
  metadataProvenance: Provenance | null;
}

export interface ExchangeRate {
  /** CNY per 1 USD. */
  usdCny: number;
  source: string;
  asOf: string;
}
