export { DRIVER_NAME, openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
