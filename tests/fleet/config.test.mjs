// The workerd config the fleet runs on: several gateway services, one Durable Object
// namespace defined by the first and bound by the others, a KV binding to a local service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coordinatorConfig, renderConfig } from '../../www-demo/worker/capnp.mjs';

const base = { configDir: '/tmp/jifen-config-test', names: ['VENDOR', 'ADMIN_TOKEN'] };

test('two instances sharing the coordinator and a KV service', () => {
  const text = renderConfig({ ...base, addresses: ['127.0.0.1:9001', '127.0.0.1:9002'], coordinator: true, kv: '127.0.0.1:9100' });
  assert.match(text, /\(name = "gateway", worker = \.gateway\)/);
  assert.match(text, /\(name = "gateway2", worker = \.gateway2\)/);
  assert.match(text, /\(name = "http", address = "127\.0\.0\.1:9001", http = \(\), service = "gateway"\)/);
  assert.match(text, /\(name = "http2", address = "127\.0\.0\.1:9002", http = \(\), service = "gateway2"\)/);
  assert.equal(text.match(/durableObjectNamespaces = /g).length, 1, 'one namespace, in the first service');
  assert.equal(text.match(/durableObjectStorage = \(inMemory = void\)/g).length, 1);
  assert.match(text, /\(name = "JIFEN_COORDINATOR", durableObjectNamespace = "JifenCoordinator"\)/);
  assert.match(text, /\(name = "JIFEN_COORDINATOR", durableObjectNamespace = \(className = "JifenCoordinator", serviceName = "gateway"\)\)/);
  assert.equal(text.match(/\(name = "JIFEN_KV", kvNamespace = "jifen-kv"\)/g).length, 2);
  assert.match(text, /\(name = "jifen-kv", external = \(address = "127\.0\.0\.1:9100", http = \(\)\)\)/);
  assert.equal(text.match(/fromEnvironment = "ADMIN_TOKEN"/g).length, 2);
});

test('the default is one service with neither binding; bad inputs are refused', () => {
  const text = renderConfig({ ...base, address: '127.0.0.1:9001' });
  assert.ok(!text.includes('JIFEN_COORDINATOR') && !text.includes('JIFEN_KV') && !text.includes('gateway2'));
  assert.throws(() => renderConfig({ ...base, names: ['JIFEN_COORDINATOR'], address: '127.0.0.1:1' }), /not an environment binding/);
  assert.throws(() => renderConfig({ ...base, address: '127.0.0.1:1', kv: 'http://x' }), /host:port/);
  assert.throws(() => renderConfig({ ...base, addresses: [] }), /no address/);
});

test('storage on disk, and a gateway bound to a coordinator process', () => {
  const disk = renderConfig({ ...base, address: '127.0.0.1:9001', coordinator: true, storageDir: '/var/lib/jifen' });
  assert.match(disk, /durableObjectStorage = \(localDisk = "jifen-do-storage"\)/);
  assert.match(disk, /\(name = "jifen-do-storage", disk = \(path = "\/var\/lib\/jifen", writable = true\)\)/);
  assert.throws(() => renderConfig({ ...base, address: '127.0.0.1:1', coordinator: true, storageDir: 'relative' }), /absolute/);
  const remote = renderConfig({ ...base, addresses: ['127.0.0.1:9001', '127.0.0.1:9002'], coordinatorService: '127.0.0.1:9200' });
  assert.ok(!remote.includes('durableObjectNamespace'));
  assert.equal(remote.match(/\(name = "JIFEN_COORDINATOR_SERVICE", service = "jifen-coordinator"\)/g).length, 2);
  assert.match(remote, /\(name = "jifen-coordinator", external = \(address = "127\.0\.0\.1:9200", http = \(\)\)\)/);
  assert.throws(() => renderConfig({ ...base, address: '127.0.0.1:1', coordinator: true, coordinatorService: '127.0.0.1:2' }), /exclude/);
  const co = coordinatorConfig({ configDir: '/tmp/x', address: '127.0.0.1:9200', storageDir: '/var/lib/jifen-co' });
  assert.match(co, /fromEnvironment = "JIFEN_COORDINATOR_TOKEN"/);
  assert.match(co, /durableObjectStorage = \(localDisk = "jifen-do-storage"\)/);
  assert.match(co, /name = "www-demo\/worker\/coordinator\.js"/);
});
