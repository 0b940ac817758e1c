import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig, withListeningPort } from './config.js';

test('defaults: 127.0.0.1:8080, ./data, SQLite, demo on, public URL from host and port', () => {
  const c = loadConfig({});
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 8080);
  assert.equal(c.dataDir, './data');
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.publicUrl, 'http://127.0.0.1:8080');
  assert.equal(c.demo, true);
  assert.ok(Object.isFrozen(c));
});

test('environment variables set options and flags win over them', () => {
  const env = { TOLLGATE_HOST: '0.0.0.0', TOLLGATE_PORT: '9000', TOLLGATE_DATA_DIR: '/srv/tg', DATABASE_URL: 'postgres://u@db/tg', TOLLGATE_PUBLIC_URL: 'https://pay.example.com/' };
  const c = loadConfig(env);
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.port, 9000);
  assert.equal(c.dataDir, '/srv/tg');
  assert.equal(c.databaseUrl, 'postgres://u@db/tg');
  assert.equal(c.publicUrl, 'https://pay.example.com');
  const f = loadConfig(env, { port: 7000, dataDir: '/tmp/x' });
  assert.equal(f.port, 7000);
  assert.equal(f.dataDir, '/tmp/x');
  assert.equal(f.publicUrl, 'https://pay.example.com');
});

test('bad values fail with one line naming the option and its variable', () => {
  assert.throws(() => loadConfig({ TOLLGATE_PORT: '70000' }), (e: Error) => e instanceof ConfigError && /port \(TOLLGATE_PORT\)/.test(e.message) && !e.message.includes('\n'));
  assert.throws(() => loadConfig({}, { port: 'abc' as unknown as number }), /port/);
  assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /databaseUrl \(DATABASE_URL\).*postgres/);
  assert.throws(() => loadConfig({ TOLLGATE_PUBLIC_URL: 'not a url' }), /publicUrl/);
  assert.throws(() => loadConfig({ TOLLGATE_LOG_LEVEL: 'loud' }), /logLevel/);
});

test('with port 0 the default public URL follows the port actually bound; an explicit one stays', () => {
  assert.equal(withListeningPort(loadConfig({}, { port: 0 }), 43210).publicUrl, 'http://127.0.0.1:43210');
  assert.equal(withListeningPort(loadConfig({}, { port: 0, publicUrl: 'https://x.test' }), 43210).publicUrl, 'https://x.test');
  assert.equal(loadConfig({}, { host: '::1', port: 1 }).publicUrl, 'http://[::1]:1');
});

test('login throttling: 20 attempts per address per 600 s unless TOLLGATE_LOGIN_RATE_LIMIT and _WINDOW say otherwise', () => {
  assert.deepEqual(loadConfig({}).loginThrottle, { max: 20, windowSeconds: 600 });
  assert.deepEqual(loadConfig({ TOLLGATE_LOGIN_RATE_LIMIT: '5', TOLLGATE_LOGIN_RATE_WINDOW: '60' }).loginThrottle, { max: 5, windowSeconds: 60 });
  assert.throws(() => loadConfig({ TOLLGATE_LOGIN_RATE_LIMIT: '0' }), (e: Error) => e instanceof ConfigError && /loginRateLimit \(TOLLGATE_LOGIN_RATE_LIMIT\)/.test(e.message));
  assert.throws(() => loadConfig({ TOLLGATE_LOGIN_RATE_WINDOW: 'soon' }), (e: Error) => e instanceof ConfigError && /loginRateWindow \(TOLLGATE_LOGIN_RATE_WINDOW\)/.test(e.message));
});

test('the metrics token: unset by default (metrics closed); from TOLLGATE_METRICS_TOKEN; a short or spaced one is refused', () => {
  assert.equal(loadConfig({}).metricsToken, undefined);
  assert.equal(loadConfig({ TOLLGATE_METRICS_TOKEN: 'prometheus-scrapes-with-this-1' }).metricsToken, 'prometheus-scrapes-with-this-1');
  assert.throws(() => loadConfig({ TOLLGATE_METRICS_TOKEN: 'short' }), (e: Error) => e instanceof ConfigError && /metricsToken \(TOLLGATE_METRICS_TOKEN\).*16/.test(e.message));
  assert.throws(() => loadConfig({ TOLLGATE_METRICS_TOKEN: 'a token with spaces in it' }), /metricsToken/);
});
