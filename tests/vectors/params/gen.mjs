// Writes the inputs of the parameter-validation golden files (tests/vectors/params/*.json):
// one case per line, `"expect": null`. Then `JIFEN_BLESS=1 cargo test --test params_golden`
// fills every `expect` from the code as it is. Bless only on code whose behaviour you mean
// to pin (the refactor it guards must NOT be blessed): see README.md.
//
//   node tests/vectors/params/gen.mjs && JIFEN_BLESS=1 cargo test --test params_golden
//
// Values are written as raw JSON text so that `1e3`, `1.5` and 20-digit integers reach the
// Rust parser exactly as written.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const q = JSON.stringify;

// Replacement values tried for every field (raw JSON text); DELETE removes the field.
const DELETE = Symbol("delete");
const VALUES = [
  DELETE, "null", '""', '"  "', "0", "-1", "1", "2", "100", "101", "1.5", "1e3", '"1e3"', '"12"', '"-3"',
  "true", "{}", "[]", '"abc"', '"+86-138-0013"', '"2024-01-31 23:59:59"', '"2024-13-01 00:00:00"',
  "99999999999999999999", "2147483648", '"１２"',
];
// Integer values swept over fields that hold codes, types and ranges.
const SWEEP = [];
for (let i = -1; i <= 19; i++) SWEEP.push(String(i));

const obj = (pairs) => "{" + pairs.map(([k, v]) => q(k) + ":" + v).join(",") + "}";
const set = (pairs, key, v) => {
  const out = pairs.filter(([k]) => k !== key);
  if (v === DELETE) return out;
  const i = pairs.findIndex(([k]) => k === key);
  if (i < 0) return [...out, [key, v]];
  const copy = pairs.slice();
  copy[i] = [key, v];
  return copy;
};

function cases(spec) {
  // spec: { op, config?, base: [[k, raw]], fields: [names], ints?: [names], extra?: [[pairs]] }
  const out = [];
  const push = (pairs, config = spec.config) => out.push({ config, op: spec.op, params: typeof pairs === "string" ? pairs : obj(pairs) });
  push(spec.base);
  push([...spec.base].reverse());
  for (const f of spec.fields) {
    for (const v of VALUES) push(set(spec.base, f, v));
  }
  for (const f of spec.ints || []) {
    for (const v of SWEEP) push(set(spec.base, f, v));
  }
  // Two faults at once: which one is reported first.
  const fs = spec.fields;
  for (let i = 0; i < fs.length; i++) {
    for (let j = i + 1; j < fs.length; j++) {
      push(set(set(spec.base, fs[i], "true"), fs[j], "true"));
      push(set(set(spec.base, fs[i], DELETE), fs[j], DELETE));
    }
  }
  push(set(spec.base, "extra", "1"));
  push(set(spec.base, "typo", '"x"'));
  push([]);
  for (const raw of ["null", "[]", "[1]", '"text"', "5", "true"]) push(raw);
  for (const pairs of spec.extra || []) push(pairs);
  return out;
}

function write(name, list) {
  const lines = list.map((c) => {
    let s = "{";
    if (c.config !== undefined) s += '"config":' + q(c.config) + ",";
    s += '"op":' + q(c.op) + ',"params":' + c.params + ',"expect":null}';
    return s;
  });
  const unique = [...new Set(lines)];
  writeFileSync(join(here, name + ".json"), "[\n" + unique.join(",\n") + "\n]\n");
  console.log(`${name}.json: ${unique.length} cases`);
}

// ---- Kingdee ----
const kingdee = [];
for (const config of ["full", "bare"]) {
  kingdee.push(...cases({
    op: "/jdyconnector/app_management/push_app_authorize", config,
    base: [["outerInstanceId", '"oi-1"']], fields: ["outerInstanceId"],
  }));
  kingdee.push(...cases({
    op: "/jdyconnector/app_management/kingdee_auth_token", config,
    base: [["app_key", '"k1"'], ["app_secret", '"s1"'], ["uid", '"u1"']],
    fields: ["app_key", "app_secret", "app_signature", "uid"],
    extra: [
      [["app_key", '"k1"'], ["app_signature", '"sig"']],
      [["app_signature", '"sig"']],
      [["app_secret", '"s1"']],
      [["uid", '"u2"']],
    ],
  }));
}
kingdee.push(...cases({
  op: "/jdy/v2/ls/integral_adjust", config: "full",
  base: [["mobile", '"13800138000"'], ["integral", "5"], ["operation", "5"]],
  fields: ["mobile", "integral", "operation"], ints: ["operation", "integral"],
  extra: [
    [["mobile", '"12"'], ["integral", "1"], ["operation", "1"]],
    [["mobile", '"123"'], ["integral", "-7"], ["operation", '"11"']],
    [["mobile", '"123456789012345678901"'], ["integral", "1"], ["operation", "1"]],
    [["mobile", '"12345678901234567890"'], ["integral", "1"], ["operation", "1"]],
    [["mobile", '"138 0013"'], ["integral", "1"], ["operation", "1"]],
    [["mobile", "13800138000"], ["integral", '"9"'], ["operation", "2"]],
  ],
}));
kingdee.push(...cases({
  op: "/jdy/v2/ls/integral_record", config: "full",
  base: [["member_id", '"m1"'], ["mobile", '"13800138000"'], ["id", '"r1"'], ["integral_type", '"t"'],
    ["start_date", '"2024-01-01 00:00:00"'], ["end_date", '"2024-02-01 00:00:00"'], ["page", "1"], ["page_size", "50"]],
  fields: ["member_id", "mobile", "id", "integral_type", "start_date", "end_date", "page", "page_size"],
  ints: ["page", "page_size"],
  extra: [
    [["start_date", '"2024-02-01 00:00:00"'], ["end_date", '"2024-01-01 00:00:00"']],
    [["start_date", '"2024-01-01 00:00:00"'], ["end_date", '"2024-01-01 00:00:00"']],
    [["end_date", '"2024-01-01 24:00:00"']],
    [["page", '"2"'], ["page_size", '"100"']],
    [["page", "2147483647"]],
    [["page", "2147483648"]],
    [["mobile", '"12"']],
  ],
}));
kingdee.push(...cases({
  op: "/jdy/v2/ls/account_balance_info", config: "full",
  base: [["member_id", '"m1"'], ["member_card_id", '"c1"']], fields: ["member_id", "member_card_id"],
}));
for (const op of ["/jdy/v2/ls/nope", "", "/jdy/v2/ls/integral_adjust/", "x".repeat(100)]) {
  kingdee.push({ config: "full", op, params: "{}" });
}
write("kingdee", kingdee);

// ---- Freemud ----
const freemud = [];
const OPT = [["partnerId", '"9001"'], ["memberId", '"115589208394311926"'], ["amount", "100"], ["score", "5"],
  ["operationType", "4"], ["operationName", '"n"'], ["orderId", '"o1"'], ["activityCode", '"a"'], ["remark", '"r"'],
  ["idempotencyBussinessId", '"idem-1"'], ["idempotencyBussinessType", '"4"']];
const names = (pairs) => pairs.map(([k]) => k);
const TIMES = [
  [["startTime", '"2024-02-01 00:00:00"'], ["endTime", '"2024-01-01 00:00:00"']],
  [["startTime", '"2024-01-01 00:00:00"'], ["endTime", '"2024-01-01 00:00:00"']],
  [["startTime", '"2024-01-01 00:00:00"']],
  [["endTime", '"2024-01-01 00:00:00"']],
];
const withBase = (base, extra) => extra.map((pairs) => pairs.reduce((acc, [k, v]) => set(acc, k, v), base));
{
  const base = [["partnerId", '"9001"'], ["memberId", '"1155"'], ["mobile", '"13800138000"'], ["dynamicCode", '"880001"'],
    ["showScoreSwitch", "1"], ["showCouponSwitch", "2"]];
  freemud.push(...cases({
    op: "/member/getMemberInfoByIdOrMobile", base, fields: names(base), ints: ["showScoreSwitch", "showCouponSwitch"],
    extra: [
      [["mobile", '"138"']], [["dynamicCode", '"1"']], [["memberId", '"1"']], [["memberId", "1"]],
      [["memberId", "115589208394311926"], ["mobile", '"1"']], [["memberId", '""'], ["mobile", '""']],
      [["partnerId", '"9001"']], [["partnerId", "9001"], ["mobile", '"1"']], [["partnerId", '"other"'], ["mobile", '"1"']],
    ],
  }));
}
{
  const base = [["partnerId", '"9001"'], ["nickName", '"n"'], ["mobile", '"138"'], ["paidId", '"p"'], ["labelName", '"l"'],
    ["ruleCode", '"r"'], ["startScore", "0"], ["endScore", "100"], ["statusFlag", "1"], ["startTime", '"2024-01-01 00:00:00"'],
    ["endTime", '"2024-02-01 00:00:00"'], ["pageNum", "1"], ["pageSize", "20"]];
  freemud.push(...cases({
    op: "/member/getMembers", base, fields: names(base), ints: ["statusFlag", "pageSize", "pageNum", "startScore", "endScore"],
    extra: [
      [["pageNum", "1"], ["pageSize", "1"]], [["pageNum", "1"]], [["pageSize", "1"]],
      ...withBase(base, [[["startScore", "101"]], [["startScore", "100"]], [["endScore", '"-1"']], ...TIMES]),
      [["pageNum", "1"], ["pageSize", "100"], ["startScore", "5"]],
    ],
  }));
}
for (const op of ["/member/score/opt/1", "/member/score/opt/15"]) {
  freemud.push(...cases({
    op, base: OPT, fields: names(OPT), ints: ["operationType", "amount", "score"],
    extra: [
      ...withBase(OPT, [[["amount", DELETE]], [["score", DELETE]], [["amount", DELETE], ["score", DELETE]], [["amount", "0"], ["score", DELETE]]]),
      [["memberId", '"1"'], ["score", "1"], ["operationType", "17"], ["idempotencyBussinessId", '"i"']],
    ],
  }));
}
{
  const base = [...OPT.filter(([k]) => k !== "amount" && k !== "score"), ["changeScore", "5"], ["changeType", "1"],
    ["operator", '"op"'], ["operatorId", '"1"'], ["orgCode", '"org"'], ["orgType", "2"]];
  freemud.push(...cases({
    op: "/member/score/updateScore", base, fields: [...names(base), "amount", "score"],
    ints: ["changeType", "orgType", "operationType", "changeScore"],
  }));
}
{
  const base = [...OPT, ["orgCode", '"org"'], ["orgType", "1"]];
  freemud.push(...cases({
    op: "/member/score/sendScore", base, fields: names(base), ints: ["operationType", "orgType"],
    extra: withBase(base, [[["amount", DELETE]], [["score", DELETE]], [["amount", DELETE], ["score", DELETE]]]),
  }));
}
{
  const base = [["partnerId", '"9001"'], ["memberId", '"1155"'], ["operationType", "2"], ["orderId", '"o1"'],
    ["activityCode", '"a"'], ["remark", '"r"'], ["idempotencyBussinessId", '"i"'], ["idempotencyBussinessType", '"t"']];
  freemud.push(...cases({
    op: "/member/score/returnScore", base, fields: [...names(base), "score", "amount"], ints: ["operationType"],
  }));
}
{
  const base = [["partnerId", '"9001"'], ["memberId", '"1155"']];
  freemud.push(...cases({ op: "/member/score/statisticalScore", base, fields: names(base) }));
}
{
  const base = [["partnerId", '"9001"'], ["memberId", '"1155"'], ["pageNum", "1"], ["pageSize", "20"],
    ["startTime", '"2024-01-01 00:00:00"'], ["endTime", '"2024-02-01 00:00:00"']];
  freemud.push(...cases({
    op: "/member/score/getScoreRecords", base, fields: names(base), ints: ["pageSize", "pageNum"],
    extra: withBase(base, TIMES),
  }));
}
// `requestBody` given as a string: verbatim when valid, still checked when it is a JSON object.
for (const op of ["/member/getMemberInfoByIdOrMobile", "/member/score/opt/1", "/member/score/statisticalScore", "/member/getMembers"]) {
  for (const text of ['{ "memberId" : "1" }', '{"memberId":"1","score":5,"operationType":4,"idempotencyBussinessId":"x"}',
    "{'memberId':'1'}", "", "   ", "[1]", "null", '"x"', '{"memberId":1}', '{"pageNum":1,"pageSize":1}']) {
    freemud.push({ op, params: q(text) });
  }
}
for (const op of ["/member/score/opt/2", "/member/score/opt/", "/member/nope", "", "/member/score/opt/1x"]) {
  freemud.push({ op, params: "{}" });
}
write("freemud", freemud);

// ---- Qimai ----
const qimai = [];
const ADD = [["balance", "11"], ["bizId", '"b1"'], ["customerId", '"c1"'], ["reason", '"r"'], ["sourceType", "1"], ["pointsChannel", "7"]];
for (const op of ["user.points-add", "/v3/crm/points/addCustomerPoints"]) {
  qimai.push(...cases({
    op, base: ADD, fields: names(ADD), ints: ["sourceType", "pointsChannel", "balance"],
    extra: [[["customerId", '"c1"'], ["bizId", '"b"'], ["balance", '"7"']], [["customerId", "12"], ["bizId", "34"], ["balance", "1"], ["reason", "5"]]],
  }));
}
{
  const base = [["user_id", '"u1"'], ["page_size", "10"], ["page", "1"]];
  qimai.push(...cases({ op: "user.user-points-records", base, fields: names(base), ints: ["page_size", "page"] }));
}
{
  const base = [["type", "4"], ["mobile", '"138"'], ["password", '"pw"'], ["card_number", '"cn"'], ["card_password", '"cp"'],
    ["user_code", '"uc"'], ["user_id", '"u1"'], ["multi_store_sn", '"s"'], ["point_rules", '{"a":1}']];
  const extra = [];
  for (const t of ["1", "2", "3", "4", '"1"', '"4"']) {
    for (const f of ["mobile", "password", "card_number", "card_password", "user_code", "user_id"]) {
      extra.push(set(set(base, "type", t), f, DELETE));
    }
  }
  extra.push([["type", "1"], ["mobile", '"1"'], ["password", '"p"']], [["type", "2"], ["card_number", '"1"'], ["card_password", '"p"']],
    [["type", "3"], ["user_code", '"1"']], [["user_id", '"1"'], ["type", "4"], ["point_rules", "[1,2]"]], [["type", "4"], ["user_id", "5"], ["multi_store_sn", "7"]]);
  qimai.push(...cases({ op: "communal.user.identity", base, fields: names(base), ints: ["type"], extra }));
}
for (const op of ["communal.user.gether-customer-info", "/v3/crm/customer/gatherCustomerInfo"]) {
  const base = [["identifierNumber", '"13800138000"'], ["type", "2"], ["multiMark", "1"], ["typeCate", '"x"'], ["discountPrice", "1.5"]];
  qimai.push(...cases({
    op, base, fields: names(base), ints: ["type"],
    extra: [[["type", "1"], ["identifierNumber", '"1"']], [["discountPrice", "{}"], ["identifierNumber", "5"], ["type", '"6"']]],
  }));
}
const FREE = {
  "/v3/crm/points/getCustomerPoints": [["customerId", '"c1"'], ["orderTime", '"2024-01-01 00:00:00"']],
  "/v3/crm/points/reducePoints": [["bizId", '"r1"'], ["customerId", '"c1"'], ["reason", '"x"'], ["balance", "5"], ["anything", '{"x":[1]}']],
  "/v3/crm/points/reversePoints": [["bizId", '"v1"'], ["customerId", '"c1"'], ["originBizId", '"o1"']],
  "/v3/crm/customer/getCrmPointsFlow": [["customerId", '"c1"'], ["page", "1"], ["pageSize", "20"]],
  "/v3/crm/customer/allCustomerInfo": [["customerId", '"c1"']],
  "/v3/crm/customer/getCustomerIdByPhone": [["phone", '"13800138000"']],
};
for (const [op, base] of Object.entries(FREE)) {
  const fields = [...new Set([...names(base), "customerId", "bizId", "reason", "balance", "page", "pageSize", "phone", "originBizId", "orderTime"])];
  qimai.push(...cases({ op, base, fields, ints: ["balance", "page", "pageSize"].filter((f) => names(base).includes(f)) }));
}
for (const op of ["user.points-reduce", "", "/v3/crm/points/nope", "/api/v2"]) {
  qimai.push({ op, params: "{}" });
}
write("qimai", qimai);

// ---- Configs (Config::from_json of each vendor, freemud's CallbackConfig, vendor_of) ----
const config = [];
const cfgCases = (vendor, base, fields, extra = []) => {
  const push = (pairs) => config.push({ op: vendor, params: typeof pairs === "string" ? pairs : obj(pairs) });
  push(base);
  push([...base].reverse());
  for (const f of fields) for (const v of VALUES) push(set(base, f, v));
  for (let i = 0; i < fields.length; i++) {
    for (let j = i + 1; j < fields.length; j++) {
      push(set(set(base, fields[i], "true"), fields[j], "true"));
      push(set(set(base, fields[i], DELETE), fields[j], DELETE));
    }
  }
  for (const raw of ["null", "[]", '"x"', "5", "{}"]) push(raw);
  for (const pairs of extra) push(pairs);
};
const URLS = ['"http://127.0.0.1:8787/x/"', '"https://h.example/"', '"https://h.example/a?b"', '"https://h.example/a#b"',
  '"https://h example"', '"ftp://h"', '"http://localhost"', '"http://[::1]:1/"', '"http://127.0.0.1.evil.com/"',
  '"HTTPS://h.example"', '"https://h.example///"', '"http://10.0.0.1/"'];
{
  const base = [["vendor", '"kingdee"'], ["clientId", '"200421"'], ["clientSecret", '"cfg-secret-not-real"'], ["appKey", '"AbCd1234"'],
    ["appSecret", '"cfg-app-secret-not-real"'], ["outerInstanceId", '"oi-9"'], ["domain", '"https://tf.jdy.com"'], ["uid", '"u9"'],
    ["baseUrl", '"https://api.kingdee.com"']];
  cfgCases("kingdee", base, names(base), [
    ...URLS.map((u) => set(base, "baseUrl", u)),
    [["clientId", '"1"'], ["clientSecret", '"s"']],
  ]);
}
{
  const base = [["vendor", '"freemud"'], ["partnerId", '"9001"'], ["appId", '"app"'], ["privateKey", '"<test-key-pkcs8.pem>"'],
    ["baseUrl", '"http://127.0.0.1:8787/freemud"'], ["accessToken", '"cfg-token-not-real"'], ["platformPublicKey", '"<platform-pub-spki.pem>"'],
    ["verify", '"enforce"'], ["devSkipSignature", "false"]];
  const extra = [];
  for (const v of ['"off"', '"log"', '"enforce"', '"strict"', '"LOG"']) {
    extra.push(set(base, "verify", v), set(set(base, "verify", v), "platformPublicKey", DELETE));
  }
  for (const u of URLS) {
    extra.push(set(base, "baseUrl", u), set(set(set(base, "baseUrl", u), "devSkipSignature", "true"), "privateKey", DELETE));
  }
  extra.push(
    set(base, "privateKey", '"<test-key-pkcs1.pem>"'), set(base, "privateKey", '"<test-key-pkcs8.b64>"'),
    set(base, "privateKey", '"<bad-ec-key.txt>"'), set(base, "privateKey", '"<bad-truncated-b64.txt>"'),
    set(base, "platformPublicKey", '"<bad-random-text.txt>"'), set(base, "platformPublicKey", '"<test-key-pkcs8.pem>"'),
    set(set(base, "devSkipSignature", "true"), "privateKey", DELETE),
  );
  cfgCases("freemud", base, names(base), extra);
  cfgCases("freemud-callback", base, ["partnerId", "appId", "platformPublicKey", "verify", "privateKey", "baseUrl"],
    [set(base, "platformPublicKey", '"<bad-random-text.txt>"'), set(set(base, "verify", '"log"'), "platformPublicKey", DELETE)]);
}
{
  const base = [["vendor", '"qimai"'], ["openId", '"6dc0"'], ["grantCode", '"782c"'], ["openKey", '"cfg-open-key-not-real"'],
    ["version", '"v2"'], ["keyCase", '"as_sent"'], ["baseUrl", '"http://127.0.0.1:8787/qimai/"']];
  const extra = [];
  for (const v of ['"v2"', '"v3"', '"V3"', '"v4"']) extra.push(set(base, "version", v));
  for (const v of ['"lower"', '"as_sent"', '"upper"']) extra.push(set(base, "keyCase", v));
  for (const u of URLS) extra.push(set(base, "baseUrl", u));
  cfgCases("qimai", base, names(base), extra);
}
for (const raw of ['{"vendor":"kingdee"}', '{"vendor":"freemud"}', '{"vendor":"qimai"}', '{"vendor":"Qimai"}', '{"vendor":5}',
  "{}", "null", '{"vendor":"' + "z".repeat(60) + '"}', '{"vendor":"bad\\nname"}']) {
  config.push({ op: "vendor_of", params: raw });
}
write("config", config);
