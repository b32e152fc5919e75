// The page: loads the wasm (init), shows a signed request (dry run), then reads a balance from the
// simulator, which answers CORS. Sets data-status="ok" or "error" on #out when done.
import init, { buildRequest, Client } from 'jifen';

const out = document.getElementById('out');
const show = (lines, status) => { out.textContent = lines.join('\n'); out.dataset.status = status; };

try {
  await init();
  // The simulator's made-up Qimai config, from serve.mjs (which serves it only for a loopback simulator).
  const config = await (await fetch('/config.json')).json();
  const customerId = '383933091455959041'; // the simulator's seeded member
  const req = await buildRequest(config, '/v3/crm/points/getCustomerPoints', { customerId });
  const { available } = await new Client(config).getBalance({ member: { id: customerId } });
  show([`dry run: ${req.method} ${req.url}`, `balance: ${available}`], 'ok');
} catch (e) {
  show([`error: ${e.code ?? ''} ${e.message}`], 'error');
}
