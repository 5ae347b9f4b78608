export { DRIVER_NAME, openPostgresStore, redactUrl, type PostgresStoreOptions } from './postgres-store.js';
