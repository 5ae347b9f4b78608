/**
 * @module library/store/open-store
 * Picks the driver once from the resolved config; drivers load lazily so `pg` never loads for SQLite.
 */
import { ZhikuError } from '../../errors.js';
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
    case 'postgres':
      throw new ZhikuError('E_CONFIG', 'the PostgreSQL driver is not available in this build; unset ZHIKU_DATABASE_URL to use the embedded store', {
        item: 'store.driver',
      });
  }
}
