/**
 * @module library/store/open-store
 * Picks the driver once from the resolved config; drivers load lazily so `pg` never loads for SQLite.
 */
import type { ResolvedStoreConfig } from '../../config/schema.js';
import type { Store, StoreDeps } from './store.js';

export interface OpenStoreOptions {
  /** Migrate on open (default true); `zhiku db migrate` opens without it to report what it did. */
  autoMigrate?: boolean;
}

export async function openStore(config: ResolvedStoreConfig, deps: StoreDeps, options: OpenStoreOptions = {}): Promise<Store> {
  switch (config.driver) {
    case 'sqlite': {
      const { openSqliteStore } = await import('./sqlite/index.js');
      return openSqliteStore({ path: config.path, autoMigrate: options.autoMigrate }, deps);
    }
    case 'postgres': {
      const { openPostgresStore } = await import('./postgres/index.js');
      return openPostgresStore({ url: config.url, autoMigrate: options.autoMigrate }, deps);
    }
  }
}
