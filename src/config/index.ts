export { loadConfig, ENV_VARIABLES, type LoadConfigOptions } from './load-config.js';
export type { ResolvedConfig, ResolvedStoreConfig, ZhikuUserConfig } from './schema.js';
