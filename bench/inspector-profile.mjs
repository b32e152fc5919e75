// A V8 CPU profile of what workerd runs while `run()` does its work, through workerd's DevTools inspector
// (Profiler.start/stop over its WebSocket): bench/workerd-profile.mjs (the gateway under load) and
// bench/workerd-balance-profile.mjs (the getBalance loop) share it. Needs a Node with a global WebSocket
// (Node 22: node_modules/.bin/node).

/** Profiles workerd (its inspector on `port`) at `intervalUs` while `run()` runs; `{ profile, value }`. */
export async function profileWhile(port, intervalUs, run) {
  if (typeof WebSocket !== 'function') throw new Error('needs a global WebSocket (Node 22: node_modules/.bin/node)');
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((r, j) => { ws.onopen = r; ws.onerror = j; });
  let id = 0;
  const pending = new Map();
  ws.onmessage = (m) => { const d = JSON.parse(m.data); if (pending.has(d.id)) { pending.get(d.id)(d); pending.delete(d.id); } };
  const send = (method, params = {}) => new Promise((r) => { pending.set(++id, r); ws.send(JSON.stringify({ id, method, params })); });
  try {
    await send('Profiler.enable');
    await send('Profiler.setSamplingInterval', { interval: intervalUs });
    await send('Profiler.start');
    const value = await run();
    const { result } = await send('Profiler.stop');
    return { profile: result.profile, value };
  } finally {
    ws.close();
  }
}
