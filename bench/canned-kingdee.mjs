// Canned Kingdee replies in the simulator's shapes (sim/kingdee.mjs) and a stub `fetch` that answers
// with them: the getBalance benchmarks (bench/client-loop.mjs in Node, bench/workerd/signing-worker.js in
// workerd) run jifen's Client and the plain-JS client on the same replies, without the network.
// Made-up credentials only: the stub checks no signature. No imports, so workerd loads it as is.
const acc = {
  clientId: '300721', clientSecret: 'bench-client-secret-not-real', outerInstanceId: 'bench-oi-1',
  appKey: 'benchAppKey', appSecret: 'bench-app-secret-not-real', domain: 'https://tf.jdy.com',
};
export const config = {
  vendor: 'kingdee', clientId: acc.clientId, clientSecret: acc.clientSecret, outerInstanceId: acc.outerInstanceId,
  baseUrl: 'http://sim.invalid/kingdee',
};
export const args = { member: { id: '1480000000000000001', cardId: '1490000000000000001' } };

const member = { db_modify_time: '2023-03-01 10:00:00', id: '1480000000000000001', mobile: '13800138000', name: '张三' };
const replies = {
  push_app_authorize: { code: 200, msg: 'success', data: [{ appKey: acc.appKey, appSecret: acc.appSecret, domain: acc.domain, accountId: '1790000000000000001', status: 1 }] },
  kingdee_auth_token: { errcode: 0, description: '成功', data: { access_token: 'x', 'app-token': 'stub-app-token-not-real', expires: 4102444800000, uid: 1 } },
  account_balance_info: { errcode: 0, description: 'success', data: { integral: { member, mb_card: { card_no: 'VIP0001', db_modify_time: member.db_modify_time, id: '1490000000000000001' }, total: '800', level_total: '800', last: '500', pre: '0', usable: '500' }, recharge: { accu_gift: '0', accu_recharge: '0', available_gift: '0', available_recharge: '0', gift_amt: '0', member, pre_ver_gift: '0', pre_ver_recharge: '0', re_charge_amt: '0' }, credit: null } },
};
const texts = Object.fromEntries(Object.entries(replies).map(([k, v]) => [k, JSON.stringify(v)]));

/** Answers a Kingdee request from the canned replies. */
export function stubFetch(url) {
  const op = String(url).split('?')[0].split('/').pop();
  return Promise.resolve(new Response(texts[op], { status: 200, headers: { "content-type": "application/json" } }));
}
