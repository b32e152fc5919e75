// A Worker in front of the gateway (startGateway({ front })), bound to it as the
// service GATEWAY. It forwards each request; with `x-give-up-ms: N` it stops
// waiting after N ms and answers 499, dropping the gateway's request. workerd
// then cancels the gateway's work for that request, as Cloudflare does when a
// client disconnects (workerd's own HTTP socket notices a disconnect only when
// it writes the answer).
export default {
  async fetch(request, env) {
    const giveUp = Number(request.headers.get('x-give-up-ms'));
    const headers = new Headers(request.headers);
    headers.delete('x-give-up-ms');
    const url = new URL(request.url);
    const forwarded = env.GATEWAY.fetch(new Request(`http://gateway${url.pathname}${url.search}`, {
      method: request.method, headers, body: request.method === 'GET' ? undefined : await request.arrayBuffer(),
    }));
    if (!(giveUp > 0)) return forwarded;
    const timer = new Promise((resolve) => setTimeout(() => resolve(null), giveUp));
    const answer = await Promise.race([forwarded, timer]);
    return answer ?? new Response('gave up', { status: 499 });
  },
};
