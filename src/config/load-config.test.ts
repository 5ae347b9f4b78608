import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

function home(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'zhiku-config-'));
  if (config !== undefined) writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

describe('loadConfig', () => {
  it('defaults to the embedded store under ./.zhiku', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'zhiku-cwd-'));
    const config = loadConfig({ env: {}, cwd });
    expect(config.home).toBe(join(cwd, '.zhiku'));
    expect(config.store).toEqual({ driver: 'sqlite', path: join(cwd, '.zhiku', 'library.db') });
    expect(config.benchDir).toBe(join(cwd, '..', 'shared', 'bench'));
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.store)).toBe(true);
  });

  it('applies precedence flag > env > file > default', () => {
    const dir = home({ search: { limit: 5 }, llm: { model: 'file-model', baseUrl: 'http://127.0.0.1:1/v1' }, benchDir: '/from-file' });
    const env = { ZHIKU_HOME: dir, ZHIKU_LLM_MODEL: 'env-model', ZHIKU_BENCH_DIR: '/from-env' };
    const fromFileAndEnv = loadConfig({ env, cwd: '/' });
    expect(fromFileAndEnv.search.limit).toBe(5);
    expect(fromFileAndEnv.llm).toEqual({ model: 'env-model', baseUrl: 'http://127.0.0.1:1/v1' });
    expect(fromFileAndEnv.benchDir).toBe('/from-env');
    const withFlags = loadConfig({ env, cwd: '/', flags: { benchDir: '/from-flag', llm: { model: 'flag-model' } } });
    expect(withFlags.benchDir).toBe('/from-flag');
    expect(withFlags.llm.model).toBe('flag-model');
    expect(withFlags.llm.baseUrl).toBe('http://127.0.0.1:1/v1');
  });

  it('maps ZHIKU_DATABASE_URL to the postgres driver and splits allow-hosts', () => {
    const config = loadConfig({
      env: { ZHIKU_HOME: home(), ZHIKU_DATABASE_URL: 'postgres://u@127.0.0.1:5432/z', ZHIKU_FETCH_ALLOW_HOSTS: '127.0.0.1, localhost' },
    });
    expect(config.store).toEqual({ driver: 'postgres', url: 'postgres://u@127.0.0.1:5432/z' });
    expect(config.fetch.allowHosts).toEqual(['127.0.0.1', 'localhost']);
  });

  it('rejects unknown keys with the key named', () => {
    expect(() => loadConfig({ env: { ZHIKU_HOME: home({ serch: {} }) } })).toThrow(/unknown key "serch"/);
    expect(() => loadConfig({ env: { ZHIKU_HOME: home({ search: { limt: 3 } }) } })).toThrow(/search: unknown key "limt"/);
  });

  it('rejects invalid JSON and invalid values with E_CONFIG', () => {
    expect(() => loadConfig({ env: { ZHIKU_HOME: home('{ nope') } })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => loadConfig({ env: { ZHIKU_HOME: home({ search: { limit: 0 } }) } })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => loadConfig({ env: { ZHIKU_HOME: home({ store: { driver: 'postgres' } }) } })).toThrow(/no store.url/);
  });

  it('resolves a relative store path under home and ignores empty env values', () => {
    const dir = home({ store: { path: 'sub/lib.db' } });
    mkdirSync(join(dir, 'sub'));
    const config = loadConfig({ env: { ZHIKU_HOME: dir, ZHIKU_LLM_MODEL: '  ' } });
    expect(config.store).toEqual({ driver: 'sqlite', path: join(dir, 'sub', 'lib.db') });
    expect(config.llm).toEqual({});
  });
});
