// Writes the workerd config for the gateway. The module list is the Worker's
// static import graph (relative imports followed from src/index.js), each
// module named by its path from the repository root, so imports resolve in
// workerd exactly as on disk. An npm package the Worker imports by name
// (`hono`, `valibot`: NPM_MODULES) is one module per importing folder, named
// as workerd resolves the specifier (like a relative one: `<folder>/hono`; it
// has no node_modules lookup), whose text is esbuild's bundle of the package's
// ESM build, inline in the config. wrangler bundles the same imports itself. Binding values never go
// into the file: every binding is `fromEnvironment`, and the start script
// passes values in the workerd process's environment.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above this file). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The Worker's entry module. */
export const ENTRY = join(ROOT, 'www-demo', 'worker', 'src', 'index.js');

/** Not later than the workerd binary's own date (1.20261117.1). */
export const COMPATIBILITY_DATE = '2025-09-01';

const IMPORT = /(?:^|[;\s])(?:import|export)\s*(?:[\w*${}\s,]+?\s*from\s*)?['"](\.{1,2}\/[^'"]+)['"]/g;
const BARE_IMPORT = /(?:^|[;\s])(?:import|export)\s*(?:[\w*${}\s,]+?\s*from\s*)?['"]([a-z@][^'":]*)['"]/g;

/** The npm packages the Worker may import by name (devDependencies, pinned in package.json). */
export const NPM_MODULES = ['hono', 'valibot'];

/**
 * Every module reachable from `entry` by relative static imports: [{ path, type }],
 * then each npm package imported by name, once per importing folder: [{ name, pkg, type: 'esModule', npm: true }].
 */
export function moduleGraph(entry = ENTRY) {
  const seen = new Map();
  const npm = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    const type = file.endsWith('.wasm') ? 'wasm' : 'esModule';
    seen.set(file, type);
    if (type !== 'esModule') return;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) visit(resolve(dirname(file), m[1]));
    // Only the listed packages (a usage example in a comment names others); any other bare
    // import is left out, and workerd refuses to load the Worker, naming it.
    for (const m of text.matchAll(BARE_IMPORT)) {
      if (NPM_MODULES.includes(m[1])) npm.add(JSON.stringify([m[1], relative(ROOT, dirname(file)).split(sep).join('/')]));
    }
  };
  visit(resolve(entry));
  return [
    ...[...seen].map(([path, type]) => ({ path, type })),
    // workerd resolves a bare specifier against the importing module's name, as a relative one:
    // `hono` imported by www-demo/worker/src/index.js is the module www-demo/worker/src/hono.
    ...[...npm].sort().map((k) => {
      const [pkg, dir] = JSON.parse(k);
      return { name: dir ? `${dir}/${pkg}` : pkg, pkg, type: 'esModule', npm: true };
    }),
  ];
}

const bundles = new Map();

/** esbuild's single-file ESM bundle of npm package `name` (its ESM build, resolved from the repository root). */
export function npmBundle(name) {
  if (!bundles.has(name)) {
    const esbuild = createRequire(join(ROOT, 'package.json'))('esbuild');
    const out = esbuild.buildSync({
      stdin: { contents: `export * from ${JSON.stringify(name)};`, resolveDir: ROOT, loader: 'js' },
      bundle: true, format: 'esm', platform: 'neutral', mainFields: ['module', 'main'], conditions: ['workerd', 'worker', 'import'],
      target: 'es2022', write: false, legalComments: 'inline', logLevel: 'silent',
    });
    bundles.set(name, out.outputFiles[0].text);
  }
  return bundles.get(name);
}

/** One entry of a Worker's `modules` list: a file embedded by its path, or an npm bundle inline. */
function moduleEntry({ path, type, name, pkg, npm }, configDir) {
  if (npm) return `    (name = ${capnpString(name)}, esModule = ${capnpString(npmBundle(pkg))}),`;
  const named = relative(ROOT, path).split(sep).join('/');
  if (named.startsWith('..')) throw new Error(`module outside the repository: ${path}`);
  const embed = relative(configDir, path).split(sep).join('/');
  return `    (name = ${capnpString(named)}, ${type} = embed ${capnpString(embed)}),`;
}

const capnpString = (s) => JSON.stringify(s); // capnp text strings take JSON's escapes

/** The Durable Object class the gateway exports (jifen's, from pkg/cloudflare.js). */
export const COORDINATOR_CLASS = 'JifenCoordinator';

/** The disk service that holds Durable Object storage (`durableObjectStorage.localDisk`). */
const DISK_SERVICE = 'jifen-do-storage';
/** The external service a gateway reaches a coordinator process by. */
const REMOTE_SERVICE = 'jifen-coordinator';

function diskService(storageDir) {
  if (typeof storageDir !== 'string' || !isAbsolute(storageDir)) throw new Error(`storageDir must be an absolute path, not ${storageDir}`);
  return `    (name = "${DISK_SERVICE}", disk = (path = ${capnpString(storageDir)}, writable = true)),`;
}

/** The service name of the `i`-th gateway instance (0-based). */
export const instanceName = (i) => (i === 0 ? 'gateway' : `gateway${i + 1}`);

/**
 * The config text for a file written into `configDir`: one Worker service per
 * address in `addresses` (or the one `address`), named `gateway`, `gateway2`,
 * …, each its own isolate with its own socket `http`, `http2`, …, and the
 * bindings `names` read from the environment; the `internet` service
 * overridden so fetch may reach 127.0.0.1 (the simulator), which workerd
 * refuses otherwise.
 *
 * `coordinator`: the first service defines the Durable Object namespace of
 * JifenCoordinator, and every service binds it as JIFEN_COORDINATOR, the
 * others by `(className, serviceName)`: one namespace shared by separate
 * isolates. Its storage is on disk in `storageDir` (an absolute path: the disk
 * service `jifen-do-storage`, one SQLite file per object under a folder named
 * by the namespace's uniqueKey), or, without `storageDir`, in memory (lost
 * when the process ends).
 * `coordinatorService`: the address (`host:port`) of a coordinator process
 * (coordinatorConfig below), bound in every service as the service
 * JIFEN_COORDINATOR_SERVICE (an `external` service over HTTP): separate workerd
 * processes then share its objects. Not with `coordinator`.
 * `kv`: the address (`host:port`) of an HTTP service implementing workerd's KV
 * protocol (kv-local.mjs), bound as JIFEN_KV in every service.
 * `front`: `{ module, address }`, a Worker (one ES module file) on its own
 * socket with the first gateway bound as the service GATEWAY (tests): what a
 * caller that gives up does to a request there is what a disconnecting client
 * does on Cloudflare (the request's work is cancelled), which workerd's own
 * HTTP socket does not do.
 */
export function renderConfig({
  configDir, address, addresses = [address], names, entry = ENTRY, coordinator = false, storageDir = null,
  coordinatorService = null, kv = null, front = null,
}) {
  if (coordinator && coordinatorService) throw new Error('coordinator (in this process) and coordinatorService (another process) exclude each other');
  if (coordinatorService && !/^[\w.-]+:\d+$/.test(coordinatorService)) throw new Error(`coordinatorService must be host:port, not ${coordinatorService}`);
  if (!addresses.length || addresses.some((a) => typeof a !== 'string')) throw new Error('no address to listen on');
  const modules = moduleGraph(entry).map((m) => moduleEntry(m, configDir));
  const envBindings = names.map((n) => {
    if (!/^[A-Z][A-Z0-9_]*$/.test(n)) throw new Error(`bad binding name ${n}`);
    if (['JIFEN_COORDINATOR', 'JIFEN_COORDINATOR_SERVICE', 'JIFEN_KV'].includes(n)) throw new Error(`${n} is not an environment binding`);
    return `    (name = "${n}", fromEnvironment = "${n}"),`;
  });
  const services = [];
  const sockets = [];
  const workers = [];
  addresses.forEach((addr, i) => {
    const svc = instanceName(i);
    services.push(`    (name = "${svc}", worker = .${svc}),`);
    sockets.push(`    (name = "http${i === 0 ? '' : i + 1}", address = ${capnpString(addr)}, http = (), service = "${svc}"),`);
    const bindings = [...envBindings];
    const extra = [];
    if (coordinator) {
      bindings.push(i === 0
        ? `    (name = "JIFEN_COORDINATOR", durableObjectNamespace = "${COORDINATOR_CLASS}"),`
        : `    (name = "JIFEN_COORDINATOR", durableObjectNamespace = (className = "${COORDINATOR_CLASS}", serviceName = "${instanceName(0)}")),`);
      if (i === 0) {
        extra.push(`  durableObjectNamespaces = [ (className = "${COORDINATOR_CLASS}", uniqueKey = "jifen-coordinator-local") ],`);
        extra.push(storageDir ? `  durableObjectStorage = (localDisk = "${DISK_SERVICE}"),` : '  durableObjectStorage = (inMemory = void),');
      }
    }
    if (coordinatorService) bindings.push(`    (name = "JIFEN_COORDINATOR_SERVICE", service = "${REMOTE_SERVICE}"),`);
    if (kv) bindings.push('    (name = "JIFEN_KV", kvNamespace = "jifen-kv"),');
    workers.push(`const ${svc} :Workerd.Worker = (
  modules = [
${modules.join('\n')}
  ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  bindings = [
${bindings.join('\n')}
  ],
${extra.join('\n')}
);
`);
  });
  if (front) {
    const name = relative(ROOT, resolve(front.module)).split(sep).join('/');
    if (name.startsWith('..')) throw new Error(`module outside the repository: ${front.module}`);
    services.push('    (name = "front", worker = .front),');
    sockets.push(`    (name = "front", address = ${capnpString(front.address)}, http = (), service = "front"),`);
    workers.push(`const front :Workerd.Worker = (
  modules = [ (name = ${capnpString(name)}, esModule = embed ${capnpString(relative(configDir, resolve(front.module)).split(sep).join('/'))}) ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  bindings = [ (name = "GATEWAY", service = "${instanceName(0)}") ],
);
`);
  }
  if (coordinator && storageDir) services.push(diskService(storageDir));
  if (coordinatorService) {
    services.push(`    (name = "${REMOTE_SERVICE}", external = (address = ${capnpString(coordinatorService)}, http = ())),`);
  }
  if (kv) {
    if (!/^[\w.-]+:\d+$/.test(kv)) throw new Error(`kv must be host:port, not ${kv}`);
    services.push(`    (name = "jifen-kv", external = (address = ${capnpString(kv)}, http = ())),`);
  }
  return `# Generated by www-demo/worker/capnp.mjs; binding values come from the environment.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
${services.join('\n')}
    (name = "internet", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),
  ],
  sockets = [
${sockets.join('\n')}
  ],
);

${workers.join('\n')}`;
}

/** The coordinator process's Worker: routes requests to JifenCoordinator objects (coordinator.js). */
export const COORDINATOR_ENTRY = join(ROOT, 'www-demo', 'worker', 'coordinator.js');

/**
 * The config of a coordinator process: one Worker (`coordinator.js`) on
 * `address` that defines the JifenCoordinator namespace with its storage on
 * disk in `storageDir` and hands each request to the object it names, checking
 * the bearer token in the environment variable JIFEN_COORDINATOR_TOKEN (its
 * value is never in the file). Gateways in other workerd processes reach it by
 * `renderConfig({ coordinatorService })`.
 */
export function coordinatorConfig({ configDir, address, storageDir, entry = COORDINATOR_ENTRY }) {
  if (typeof address !== 'string' || !/^[\w.-]+:\d+$/.test(address)) throw new Error(`address must be host:port, not ${address}`);
  const modules = moduleGraph(entry).map((m) => moduleEntry(m, configDir));
  return `# Generated by www-demo/worker/capnp.mjs (coordinatorConfig); the token comes from the environment.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "coordinator", worker = .coordinator),
${diskService(storageDir)}
  ],
  sockets = [
    (name = "http", address = ${capnpString(address)}, http = (), service = "coordinator"),
  ],
);

const coordinator :Workerd.Worker = (
  modules = [
${modules.join('\n')}
  ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  bindings = [
    (name = "JIFEN_COORDINATOR", durableObjectNamespace = "${COORDINATOR_CLASS}"),
    (name = "JIFEN_COORDINATOR_TOKEN", fromEnvironment = "JIFEN_COORDINATOR_TOKEN"),
  ],
  durableObjectNamespaces = [ (className = "${COORDINATOR_CLASS}", uniqueKey = "jifen-coordinator-local") ],
  durableObjectStorage = (localDisk = "${DISK_SERVICE}"),
);
`;
}
