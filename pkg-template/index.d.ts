// Hand-written types for jifen's JavaScript API (wasm-bindgen would emit `any` everywhere).
// Every entry of the package (node.js, node.cjs, workerd.js, deno.js, browser.js) has this shape.
// Needs no DOM or Node typings: where a platform type helps (URL, Response, AbortSignal,
// WebAssembly.Module) it is taken from the global scope if the project has it.

// ---------------------------------------------------------------------------------------------
// Small helpers

/** An integer: jifen accepts a JS number or a string of decimal digits (`30` or `"30"`). */
export type Int = number | `${number}`;
/** `yyyy-MM-dd HH:mm:ss`, in the vendor's time zone (Asia/Shanghai). */
export type VendorDateTime = string;
/** A JSON-like object jifen passes through from the vendor without a schema. */
export type Passthrough = { [key: string]: unknown };

type GlobalInstance<K extends string> = typeof globalThis extends { [P in K]: abstract new (...args: any) => infer T } ? T : never;
type WasmModule = typeof globalThis extends { WebAssembly: { Module: abstract new (...args: any) => infer M } } ? M : never;

// ---------------------------------------------------------------------------------------------
// Errors

/** `JifenError.code`: what went wrong, independent of the vendor. */
export type ErrorCode =
  | "config" | "invalid_input" | "network" | "timeout" | "http" | "vendor" | "auth" | "signature"
  | "rate_limited" | "unsupported" | "callback_invalid" | "parse"
  /**
   * A points change may or may not have been applied. Never repeat it under a new idempotencyKey.
   * `retryable: true`: repeat it with the same key (Freemud, Qimai: the vendor dedupes the key and
   * answers with the first result; Kingdee `adjustPoints`: after `retryAfterMs`, once the vendor can
   * no longer accept the lost request, jifen reads the ledger and answers applied, or sends the change
   * afresh under the same key). `retryable: false`: repeating will not tell more (Kingdee `call` of
   * `integral_adjust`, which has no key to settle by; or a ledger with an identical change by another
   * writer): check the member's ledger.
   */
  | "outcome_unknown"
  /**
   * Nothing was sent: another call holds this idempotencyKey (in flight, or interrupted before its
   * result was recorded), or (Kingdee) an identical change (same member, amount and type) under
   * another key is not settled yet. Retry with the same key, after `retryAfterMs` when given.
   */
  | "conflict";

/** The vendors jifen speaks to. */
export type Vendor = "kingdee" | "freemud" | "qimai";

/** The optional fields of a JifenError; `null` when unknown. */
export interface JifenErrorDetails {
  vendor?: Vendor | null;
  vendorCode?: string | null;
  httpStatus?: number | null;
  requestId?: string | null;
  retryable?: boolean;
  retryAfterMs?: number | null;
}

/** Every error jifen throws or rejects with. Never carries a secret. */
export class JifenError extends Error {
  constructor(code: ErrorCode, message: string, details?: JifenErrorDetails);
  readonly name: "JifenError";
  readonly code: ErrorCode;
  /** The vendor that answered or was addressed, if any. */
  readonly vendor: Vendor | null;
  /** The vendor's own error code (Kingdee `errcode`, Freemud `statusCode`, Qimai `code`). */
  readonly vendorCode: string | null;
  readonly httpStatus: number | null;
  /** The vendor's request id, for support tickets. */
  readonly requestId: string | null;
  /** Whether sending the same request again may succeed. */
  readonly retryable: boolean;
  /** How long the vendor asked to wait, if it did. */
  readonly retryAfterMs: number | null;
  toJSON(): { name: "JifenError"; code: ErrorCode; message: string; vendor: Vendor | null; vendorCode: string | null;
    httpStatus: number | null; requestId: string | null; retryable: boolean; retryAfterMs: number | null };
}

// ---------------------------------------------------------------------------------------------
// Configs (secrets are strings; nothing is read from the environment)

/**
 * Kingdee 精斗云 JDY open API v2. Give `outerInstanceId` (the client pulls appKey, appSecret and domain
 * with push_app_authorize), or `appKey` + `appSecret` + `domain` directly.
 */
export interface KingdeeConfig {
  vendor: "kingdee";
  clientId: string;
  clientSecret: string;
  outerInstanceId?: string;
  appKey?: string;
  appSecret?: string;
  /** The `X-GW-Router-Addr` business calls must send, e.g. `"https://tf.jdy.com"`. */
  domain?: string;
  uid?: string;
  /** Default `https://api.kingdee.com`. */
  baseUrl?: string;
}

interface FreemudConfigBase {
  vendor: "freemud";
  partnerId: string;
  appId: string;
  accessToken?: string;
  /** Required: the open platform's base URL (or the simulator's). */
  baseUrl: string;
  /** The platform's public key (SPKI PEM or base64 DER), to check signed replies and pushes. */
  platformPublicKey?: string;
  /** What to do with reply signatures: `"off"`, `"log"` (results carry `_signature`), `"enforce"` (needs platformPublicKey). */
  verify?: "off" | "log" | "enforce";
}
/** Freemud 非码 (开个店 open platform): requests signed SHA256withRSA through WebCrypto. */
export type FreemudConfig =
  | (FreemudConfigBase & {
      /** The merchant's RSA private key: PEM or base64 DER, PKCS#1 or PKCS#8. */
      privateKey: string;
      devSkipSignature?: false;
    })
  | (FreemudConfigBase & {
      privateKey?: string;
      /** Send unsigned requests: only allowed with a localhost `baseUrl` (a simulator). */
      devSkipSignature: true;
    });

/** Qimai 企迈: v2 gateway and v3 API, HMAC-SHA1 tokens made fresh for every attempt. */
export interface QimaiConfig {
  vendor: "qimai";
  openId: string;
  grantCode: string;
  openKey: string;
  /** The default envelope version; each operation id decides its own. Default `"v3"`. */
  version?: "v2" | "v3";
  /** How the token's field names are cased. Default `"lower"`. */
  keyCase?: "lower" | "as_sent";
  baseUrl?: string;
}

/** Any vendor's config. */
export type Config = KingdeeConfig | FreemudConfig | QimaiConfig;

// ---------------------------------------------------------------------------------------------
// buildRequest

/**
 * Per-call options of `client.call`, `buildRequest` and the `Signer`. Per call on purpose: there is no global
 * switch that would let typos through.
 */
export interface CallOptions {
  /**
   * Fields a known operation may send although jifen's schema of it does not list them (the vendor added a field
   * jifen does not know yet), e.g. `["orderCode"]`. Sent as given, where the operation's fields go. Any other unknown
   * field is still refused (`invalid_input`, with "did you mean" for a near miss). Operations outside jifen's table
   * take any field, so there it changes nothing.
   */
  allowFields?: string[];
  /**
   * Your word that an operation outside jifen's table is safe to repeat (a read, or a write the vendor de-duplicates
   * on a key in its params): after a lost reply it is then sent again. Without it only a Kingdee `GET` is repeated;
   * any other unknown operation may be a write, so a lost reply is `outcome_unknown`. Refused on a known operation.
   */
  idempotent?: boolean;
}

/** Makes a dry run deterministic; everything is optional. */
export interface BuildRequestOptions extends CallOptions {
  /** Epoch milliseconds. */
  timestamp?: Int;
  nonce?: string | number;
  /** Freemud `x-transaction-id`. */
  transactionId?: string | number;
  /** Kingdee: the app token to sign with (no token call is made). */
  appToken?: string;
  /** Kingdee: the `X-GW-Router-Addr`. */
  domain?: string;
}

/** A signed request, as it would be sent. */
export interface SignedRequest {
  method: "GET" | "POST";
  url: string;
  /** Names as sent. */
  headers: Record<string, string>;
  body: string | null;
  /** The exact string the signature covers. */
  stringToSign: string;
}

/** Builds and signs a request without sending it. */
export function buildRequest<C extends Config, Op extends AnyOperationId<C>>(
  config: C, operation: Op, params: CallParams<C, Op>, options?: BuildRequestOptions): Promise<SignedRequest>;

// ---------------------------------------------------------------------------------------------
// Signer

/** Vendors whose requests `signer.buildSync` signs synchronously (HMAC). */
export type SyncConfig = KingdeeConfig | QimaiConfig;

/**
 * A config read and checked once (a wrong one throws a `JifenError` here), then many requests
 * signed with it; Freemud's RSA key is imported once (WebCrypto) and kept. Same output as
 * `buildRequest`, byte for byte.
 */
export class Signer<C extends Config = Config> {
  constructor(config: C);
  /** Kingdee and Qimai: the signed request, synchronously. Freemud throws `unsupported` (RSA is async): use `build`. */
  buildSync: C extends SyncConfig
    ? <Op extends AnyOperationId<C>>(operation: Op, params: CallParams<C, Op>, options?: BuildRequestOptions) => SignedRequest
    : never;
  /** Any vendor: a Promise of the signed request. */
  build<Op extends AnyOperationId<C>>(operation: Op, params: CallParams<C, Op>, options?: BuildRequestOptions): Promise<SignedRequest>;
  /** Frees the wasm memory now instead of at garbage collection (a pending `build` still completes). */
  free(): void;
}

// ---------------------------------------------------------------------------------------------
// Client

/** What `onRequest` sees: secret headers are `"***"`, the URL has no query. */
export interface RequestEvent {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
}
/** What `onResponse` sees: the request event plus the outcome. */
export interface ResponseEvent extends RequestEvent {
  durationMs: number;
  /** The HTTP status, when a reply came. */
  status?: number;
  /** Why no reply came (network error, timeout). */
  error?: string;
}

/** The part of a fetch Response jifen reads. */
export interface FetchResponseLike {
  readonly status: number;
  readonly headers: Iterable<[string, string]>;
  arrayBuffer(): Promise<ArrayBuffer>;
}
/** What jifen passes to `fetch`. */
export interface FetchInit {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  signal?: GlobalInstance<"AbortSignal">;
}
/** A `fetch` (the global one fits). */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponseLike>;

/**
 * Where `adjustPoints` claims each idempotencyKey and records its outcome; share one between
 * clients (isolates) so that of two given the same key at once exactly one sends. Values are
 * strings; methods may return promises (any realm) or thenables; each call gets `timeoutMs`. Default: the client's own memory (the last 10,000 keys).
 * Clients of several vendor accounts can share one: jifen names each key by its account (on Kingdee the
 * account set, `clientId` with `outerInstanceId` or `appKey`, as one developer app serves many merchants).
 * `jifen/cloudflare` has Durable Object and KV implementations.
 */
export interface IdempotencyStore {
  get(key: string): Promise<string | null> | string | null;
  /** Stores `value` unless `key` exists; true if it stored. Must be atomic for real deduplication. */
  putIfAbsent(key: string, value: string): Promise<boolean> | boolean;
  delete?(key: string): Promise<unknown> | unknown;
  /**
   * Compare-and-set: stores `value` only if `key` holds exactly `expected`; true if it stored. Must be
   * atomic. **Required for Kingdee** (`adjustPoints` records each try and serialises identical changes
   * with it; without it a Kingdee change is refused with `config` before anything is sent); unused by
   * Freemud and Qimai.
   */
  replace?(key: string, expected: string, value: string): Promise<boolean> | boolean;
}

/**
 * Where the Kingdee app-token is kept, shared between clients. The value (opaque JSON written by
 * jifen) holds the token and the token endpoint's budget: the times of recent token calls and any
 * rate limit (a 429 / 5007 and its Retry-After), read and written under the lock, so all clients
 * sharing it make at most 2 token calls in any rolling minute and answer a rate limit locally
 * (`rate_limited`, vendorCode "5007", `retryAfterMs`) until it passes. The value is a credential:
 * keep it private.
 */
export interface TokenCache {
  get(): Promise<{ value: string; expiresAt: number } | null> | { value: string; expiresAt: number } | null;
  /** Keep `value` until `expiresAt` (epoch ms): the token's expiry, or later while the budget counts a call. */
  set(value: string, expiresAt: number): Promise<unknown> | unknown;
  /**
   * Asks to be the one refresher for `ttlMs` (jifen asks for 5 s); true if granted (the others wait
   * for its token, and take over once it lapses). Asked again by its holder, it should extend the
   * lock: jifen renews it before each step of a refresh.
   */
  lock?(ttlMs: number): Promise<boolean> | boolean;
  unlock?(): Promise<unknown> | unknown;
}

/**
 * A {@link TokenCache} in a file, for Node and Bun scripts: the Kingdee app-token survives the
 * process, so a script run again within a minute reuses it instead of fetching another (the token
 * endpoint allows 2 calls a minute per account set). The file is created with mode 0600, written
 * atomically (temporary file + rename), and `<path>.lock` lets one process refresh while others
 * wait for its token. One file per account set. Other entries (browser, workerd, Deno) export a
 * function that throws `unsupported`: use `durableObjectTokenCache` from `jifen/cloudflare` in Workers.
 *
 * @example new Client(config, { tokenCache: fileTokenCache(".jifen/kingdee-token.json") })
 */
export declare function fileTokenCache(path: string): Required<TokenCache>;

export interface ClientOptions {
  /** Default: the global `fetch`, looked up at call time. */
  fetch?: FetchLike;
  /** Per attempt, 1–600000 ms. Default 15000. */
  timeoutMs?: number;
  /** Extra attempts for retryable failures, 0–10. Default 2. Never for a points change whose outcome is unknown. */
  retries?: number;
  onRequest?: (event: RequestEvent) => void;
  onResponse?: (event: ResponseEvent) => void;
  /** Shared idempotency keys for `adjustPoints` (default: this client's memory); Kingdee needs one with `replace`. */
  idempotencyStore?: IdempotencyStore;
  /** Shared Kingdee app-token (default: this client's memory): `fileTokenCache(path)` in Node scripts, `durableObjectTokenCache` in Workers. */
  tokenCache?: TokenCache;
}

/** A client for one vendor account. */
export class Client<C extends Config = Config> {
  constructor(config: C, options?: ClientOptions);
  /** The vendor this client talks to. */
  readonly vendor: C["vendor"];
  /**
   * Calls a vendor operation by its vendor-native id (see the operation tables); resolves to its typed result. Any
   * other operation of the vendor's API family (`OtherOperationId`) is signed by the vendor's generic rule and
   * resolves to the vendor's data as sent (`unknown`; integers beyond `Number.MAX_SAFE_INTEGER` as strings).
   */
  call<Op extends AnyOperationId<C>>(operation: Op, params: CallParams<C, Op>, options?: CallOptions): Promise<CallResult<C, Op>>;

  /** Adds or removes points (the unified points API). */
  adjustPoints(args: AdjustPointsArgs): Promise<AdjustPointsResult>;
  /** A member's points balance. */
  getBalance(args: { member: Member }): Promise<Balance>;
  /** Walks the member's points ledger lazily, newest first, one vendor page at a time (`for await`). */
  ledger(args: LedgerArgs): LedgerIterator;
  /** One page of the ledger; pass the returned `cursor` back for the next (null: no more). */
  ledgerPage(args: LedgerPageArgs): Promise<LedgerPage>;
  /** A member's profile. */
  getMember(args: { member: Member }): Promise<MemberProfile>;
  /** The signed vendor request a unified call would send, standing credentials shown as `"***"`. Sends only lookups. */
  preview<M extends PreviewMethod>(method: M, args: PreviewArgs[M]): Promise<PreviewRequest>;
  /** Frees the wasm memory now instead of at garbage collection. */
  free(): void;
}

// ---------------------------------------------------------------------------------------------
// The unified points API

/** How a member is identified; give what the vendor needs (see `capabilities(vendor).operations[…].needs`). */
export interface Member {
  id?: string;
  mobile?: string;
  cardId?: string;
}

export type EarnReason =
  | "purchase" | "sign_in" | "check_in" | "manual_grant" | "promotion" | "registration" | "birthday"
  | "profile_completion" | "top_up_bonus" | "migration" | "upgrade";
/** `points_payment`: points as cash (Kingdee 2 积分抵现); `consumption`: points spent on a purchase (Kingdee 1 积分消费). */
export type SpendReason = "redemption" | "points_payment" | "consumption" | "manual_deduction";
export type CorrectionReason = "earn_reversal" | "payment_refund" | "expiry";
/** Why points change: earning reasons go with delta > 0, spending with delta < 0. */
export type Reason = EarnReason | SpendReason | CorrectionReason;

export interface AdjustPointsArgs {
  member: Member;
  /** A non-zero integer: positive adds, negative removes. */
  delta: number;
  /** A reason the vendor cannot record is refused (`unsupported`), a contradicting sign too (`invalid_input`). */
  reason: Reason;
  /** 1–64 of `A–Z a–z 0–9 - _ . :`, one per business event, reused on every retry: a change cannot apply twice. */
  idempotencyKey: string;
  /** Freemud only: any other vendor refuses it (`unsupported`). See `capabilities(vendor).operations.adjustPoints.accepts`. */
  orderId?: string;
  /** Freemud and Qimai (sent as `reason`); Kingdee refuses it (`unsupported`). */
  remark?: string;
}
export interface AdjustPointsResult {
  applied: boolean;
  balance?: number;
  vendorRef?: string;
  raw: unknown;
}

export interface Balance {
  available: number;
  total?: number;
  used?: number;
  pending?: number;
  raw: unknown;
}

export interface LedgerEntry {
  id: string;
  /** ISO 8601 with offset. */
  at: string;
  delta: number;
  balanceAfter?: number;
  type: { code: string; name: string };
  raw: unknown;
}
/** The iterator `client.ledger()` returns. */
export interface LedgerIterator extends AsyncIterableIterator<LedgerEntry> {
  /** Frees the wasm memory now instead of at garbage collection. */
  free(): void;
}
/** `yyyy-MM-dd` or `yyyy-MM-dd HH:mm:ss`, China Standard Time. */
export type LedgerDate = string;
export interface LedgerArgs {
  member: Member;
  from?: LedgerDate;
  to?: LedgerDate;
  pageSize?: number;
  /** Stop after this many entries. */
  limit?: number;
}
export interface LedgerPageArgs {
  member: Member;
  from?: LedgerDate;
  to?: LedgerDate;
  pageSize?: number;
  /** Opaque: from the previous page. */
  cursor?: string;
}
export interface LedgerPage {
  entries: LedgerEntry[];
  cursor: string | null;
}

export interface MemberProfile {
  id: string;
  name?: string;
  mobile?: string;
  cardId?: string;
  level?: string;
  /** ISO 8601 with offset. */
  registeredAt?: string;
  points?: number;
  raw: unknown;
}

/** A preview: the signed request, the vendor operation it calls and the vendor params it sends. */
export interface PreviewRequest extends SignedRequest {
  operation: string;
  params: Passthrough;
}
export type PreviewMethod = "adjustPoints" | "getBalance" | "ledgerPage" | "getMember";
export interface PreviewArgs {
  adjustPoints: AdjustPointsArgs;
  getBalance: { member: Member };
  ledgerPage: LedgerPageArgs;
  getMember: { member: Member };
}

export type UnifiedOperation = "adjustPoints" | "getBalance" | "ledger" | "getMember";
export interface OperationCapability {
  supported: boolean;
  /** The vendor operations the unified call uses. */
  nativeCalls: string[];
  /** The member fields it needs (`"id"`, `"mobile"`, `"cardId"`)… */
  needs: string[];
  /** …all of them (true) or any one (false). */
  needsAll: boolean;
  idempotent: boolean;
  note?: string;
  /** adjustPoints only: the optional fields the vendor can carry (`"orderId"`, `"remark"`); others are refused. */
  accepts?: string[];
}
export interface Capabilities {
  vendor: Vendor;
  /** Qimai only: the envelope version these capabilities are for. */
  version?: "v2" | "v3";
  operations: Record<UnifiedOperation, OperationCapability>;
  /** How each reason maps to the vendor's type; null: the vendor has none for it. */
  reasons: Record<Reason, { code: string; name: string } | null>;
  /** Which way each reason moves points: `earn` needs delta > 0, `spend` delta < 0. */
  reasonSigns: Record<Reason, "earn" | "spend">;
}
/** What the unified API can do with `vendor` (`"qimai-v2"`, or a config, for Qimai's v2 gateway). */
export function capabilities(vendor: Vendor | "qimai-v2" | Config): Capabilities;

// ---------------------------------------------------------------------------------------------
// verifyCallback (Freemud pushes)

export interface CallbackRequest {
  /** A plain object or a `Headers`. */
  headers: Record<string, string> | { get(name: string): string | null };
  /** The exact bytes received. */
  body: string | Uint8Array | ArrayBuffer;
}
export interface PointsChangedEvent {
  type: "points.changed";
  data: {
    memberId: string;
    mobile: string;
    changeScore: number;
    currentScore: number;
    /** 1 add, 2 subtract. */
    changeType: 1 | 2;
    operationType?: number;
    operationName?: string;
    transNo?: string;
  };
}
export interface MemberRegisteredEvent {
  type: "member.registered";
  data: FreemudMemberInfo;
}
export interface CallbackResult {
  event: PointsChangedEvent | MemberRegisteredEvent;
  verified: boolean;
  signature: SignatureStatus;
  transactionId?: string;
  /** The acknowledgement, as an object… */
  ack: Passthrough;
  /** …and as the exact body to answer the vendor with. */
  ackBody: string;
}
/** Verifies and parses a Freemud push. */
export function verifyCallback(config: FreemudConfig, request: CallbackRequest, options?: Record<string, never>): Promise<CallbackResult>;

// ---------------------------------------------------------------------------------------------
// Loading the wasm

/** What `init()` accepts: where the wasm is (URL), the fetched Response, its bytes, or a compiled module. */
export type InitInput =
  | string
  | GlobalInstance<"URL">
  | GlobalInstance<"Request">
  | GlobalInstance<"Response">
  | PromiseLike<GlobalInstance<"Response">>
  | ArrayBuffer
  | ArrayBufferView
  | WasmModule;
/**
 * Loads the wasm. In browsers (browser.js) the first call fetches `jifen_wasm_bg.wasm` from next to
 * the entry (or from `source`), later calls share that promise; the async functions call it
 * themselves, `new Client()` and `capabilities()` throw a JifenError "config" until it has resolved.
 * Everywhere else the wasm is loaded with the module and this resolves at once.
 */
export function init(source?: InitInput): Promise<void>;
export default init;

// ---------------------------------------------------------------------------------------------
// Vendor operations: `client.call(operation, params)` and `buildRequest(config, operation, params)`

/** A member of Kingdee's `integral_record` page. */
export interface KingdeeIntegralRecord {
  id: string;
  member_id: string;
  member_name: string;
  create_time: VendorDateTime;
  modify_time: VendorDateTime;
  last_integral: number;
  /** The change, signed. */
  occur: number;
  /** The balance after it. */
  integral: number;
  type_id: string;
  type_number: string;
  type_name: string;
}

export interface KingdeeOperations {
  /**
   * Adds (`integral` > 0) or removes points. **Not idempotent at the vendor**: through `call`, a lost reply is
   * `outcome_unknown` and never sent again; `adjustPoints` with an `idempotencyKey` settles it from the ledger
   * (`integral_record`) once Kingdee's 5-minute timestamp window has closed.
   */
  "/jdy/v2/ls/integral_adjust": {
    params: { mobile: string; integral: Int; /** 1–11: 1 积分消费, 3 积分兑换, 4 充值赠送, 5 促销赠送, 9 购买积分, 11 签到赠送 … */ operation: Int };
    result: Passthrough;
  };
  "/jdy/v2/ls/integral_record": {
    params: { member_id?: string; mobile?: string; id?: string; integral_type?: string; start_date?: VendorDateTime;
      end_date?: VendorDateTime; page?: Int; /** ≤ 100 */ page_size?: Int };
    result: { count: number; total_page: number; page: number; page_size: number; cur_page_size: number; rows: KingdeeIntegralRecord[] };
  };
  "/jdy/v2/ls/account_balance_info": {
    params: { member_id: string; member_card_id: string };
    result: {
      integral: {
        member: { id: string; mobile: string; name: string; db_modify_time: string };
        mb_card: { id: string; card_no: string };
        total: number; level_total: number; last: number; pre: number;
        /** Points available now. */
        usable: number;
      };
      recharge: Record<string, string> | null;
    };
  };
  /** The client does this itself; `appSecret` is masked. */
  "/jdyconnector/app_management/push_app_authorize": {
    params: { outerInstanceId: string };
    result: { appKey: string; appSecret: "***"; domain: string; accountId?: string; accountName?: string; status: 1 };
  };
  /** The client does this itself; the token is masked. */
  "/jdyconnector/app_management/kingdee_auth_token": {
    params: { app_key: string; app_secret?: string; app_signature?: string; uid?: string };
    result: { "app-token": "***"; expires: number; uid?: string };
  };
}

/** `_signature` on Freemud results under `verify: "log"`. */
export type SignatureStatus = "valid" | "invalid" | "absent" | "unchecked";
type FreemudResult<T> = T & { _signature?: SignatureStatus };
/** Freemud params: an object (serialised like JSON.stringify), or the exact requestBody string. */
type FreemudParams<T> = T | string;

export interface FreemudMemberInfo {
  memberId: string;
  memberName?: string;
  nickName?: string;
  mobile?: string;
  registerTime?: VendorDateTime;
  currentScore?: number;
  totalScore?: number;
  usedScore?: number;
  [key: string]: unknown;
}
/** Fields every Freemud points change takes. */
interface FreemudScoreChangeCommon {
  partnerId?: string;
  /** 18 digits: a string, never a number. */
  memberId: string;
  /** 1–17: 1 消费送积分, 4 手动赠送, 11 手动扣减, 12 积分兑换, 15 消费送积分扣回 … */
  operationType: Int;
  operationName?: string;
  orderId?: string;
  activityCode?: string;
  remark?: string;
  /** Required: one per business event, reused on retries. */
  idempotencyBussinessId: string;
  idempotencyBussinessType?: string;
}
type FreemudAmountOrScore = { score: Int; amount?: Int } | { amount: Int; score?: Int };
export interface FreemudScoreChange {
  currentScore?: number;
  updateScore?: number;
  sendScore?: number;
  [key: string]: unknown;
}
export interface FreemudScoreRecord {
  transNo?: string;
  memberId?: string;
  changeScore?: number;
  /** 1 add, 2 subtract. */
  changeType?: number;
  operationType?: number;
  operationName?: string;
  beforeScore?: number;
  currentScore?: number;
  orderId?: string;
  remark?: string;
  idempotencyBussinessId?: string;
  createTime?: VendorDateTime;
  [key: string]: unknown;
}

export interface FreemudOperations {
  "/member/getMemberInfoByIdOrMobile": {
    /** One of memberId, mobile or dynamicCode. */
    params: FreemudParams<{ partnerId?: string; memberId?: string; mobile?: string; dynamicCode?: string; showScoreSwitch?: 1 | 2; showCouponSwitch?: 1 | 2 }>;
    result: FreemudResult<FreemudMemberInfo>;
  };
  "/member/getMembers": {
    params: FreemudParams<{ partnerId?: string; nickName?: string; mobile?: string; paidId?: string; labelName?: string; ruleCode?: string;
      startScore?: Int; endScore?: Int; statusFlag?: 0 | 1; startTime?: VendorDateTime; endTime?: VendorDateTime; pageNum: Int; /** ≤ 100 */ pageSize: Int }>;
    result: FreemudResult<{ totalCount: number; totalPages: number; pageNum: number; pageSize: number; memberList: Passthrough[] }>;
  };
  /** Add points. */
  "/member/score/opt/1": { params: FreemudParams<FreemudScoreChangeCommon & FreemudAmountOrScore>; result: FreemudResult<FreemudScoreChange> };
  /** Subtract points. */
  "/member/score/opt/15": { params: FreemudParams<FreemudScoreChangeCommon & FreemudAmountOrScore>; result: FreemudResult<FreemudScoreChange> };
  "/member/score/updateScore": {
    params: FreemudParams<FreemudScoreChangeCommon & { changeScore: Int; /** 1 add, 2 subtract */ changeType: 1 | 2;
      operator?: string; operatorId?: string; orgCode?: string; orgType?: 1 | 2 | 3 }>;
    result: FreemudResult<FreemudScoreChange>;
  };
  "/member/score/sendScore": {
    params: FreemudParams<FreemudScoreChangeCommon & FreemudAmountOrScore & { idempotencyBussinessType: string; orgCode?: string; orgType?: 1 | 2 | 3 }>;
    result: FreemudResult<FreemudScoreChange>;
  };
  "/member/score/returnScore": {
    params: FreemudParams<Omit<FreemudScoreChangeCommon, "operationName"> & { orderId: string }>;
    result: FreemudResult<FreemudScoreChange>;
  };
  "/member/score/statisticalScore": {
    params: FreemudParams<{ partnerId?: string; memberId: string }>;
    result: FreemudResult<{ currentScore?: number; totalScore?: number; usedScore?: number; [key: string]: unknown }>;
  };
  "/member/score/getScoreRecords": {
    params: FreemudParams<{ partnerId?: string; memberId: string; pageNum?: Int; pageSize?: Int; startTime?: VendorDateTime; endTime?: VendorDateTime }>;
    result: FreemudResult<{ totalCount: number; totalPages: number; pageNum: number; pageSize: number; scoreRecords: FreemudScoreRecord[] }>;
  };
}

/** `user.points-add` / `addCustomerPoints` params. */
export interface QimaiPointsAddParams {
  /** Points to add, a positive integer. */
  balance: Int;
  /** Required: the idempotency key, reused on retries. */
  bizId: string;
  customerId: string;
  reason?: string;
  /** 1–12 积分来源途径. */
  sourceType?: Int;
  /** 1–9 积分来源渠道. */
  pointsChannel?: Int;
}
export interface QimaiPointsChange {
  customerId?: string;
  bizId?: string;
  /** Signed. */
  changePoints?: number;
  totalPoints?: number;
  flowId?: string;
}
export interface QimaiCustomerPoints {
  totalPoints: number;
  foreverPoints: number;
  soonExpiredPoints: number;
  expiredTime: string;
}
/** A page as the vendor sends it, numbers normalised. */
export interface QimaiPage {
  list?: Passthrough[];
  [key: string]: unknown;
}
/** Free-form params: jifen checks only what the vendor record documents. */
type QimaiFree<T> = T & { [key: string]: unknown };

export interface QimaiOperations {
  "/v3/crm/points/getCustomerPoints": { params: QimaiFree<{ customerId: string; orderTime?: string }>; result: QimaiCustomerPoints };
  "/v3/crm/points/addCustomerPoints": { params: QimaiPointsAddParams; result: QimaiPointsChange };
  "/v3/crm/points/reducePoints": { params: QimaiFree<{ bizId: string; customerId?: string; balance?: Int; reason?: string }>; result: QimaiPointsChange };
  "/v3/crm/points/reversePoints": { params: QimaiFree<{ bizId: string; customerId?: string; originBizId?: string; reason?: string }>; result: QimaiPointsChange };
  "/v3/crm/customer/getCrmPointsFlow": { params: QimaiFree<{ customerId?: string; page?: Int; pageSize?: Int }>; result: QimaiPage };
  "/v3/crm/customer/gatherCustomerInfo": {
    /** type: 1 会员码/ID, 2 手机号, 3 卡号, 4 支付宝 userid, 5 微信 openid, 6 unionid. */
    params: { identifierNumber: string; type: Int; multiMark?: unknown; typeCate?: unknown; discountPrice?: unknown };
    result: Passthrough;
  };
  "/v3/crm/customer/allCustomerInfo": { params: QimaiFree<{ customerId?: string }>; result: { points?: QimaiCustomerPoints | null; [key: string]: unknown } };
  "/v3/crm/customer/getCustomerIdByPhone": { params: QimaiFree<{ phone?: string }>; result: { customerId: string; [key: string]: unknown } };
  "user.points-add": { params: QimaiPointsAddParams; result: QimaiPointsChange };
  "user.user-points-records": { params: { user_id: string; page_size?: Int; page?: Int }; result: QimaiPage };
  "communal.user.identity": {
    /** type: 1 账号 (mobile + password), 2 卡号 (card_number + card_password), 3 会员识别码 (user_code), 4 user_id. */
    params: { type: Int; mobile?: string; password?: string; card_number?: string; card_password?: string; user_code?: string;
      user_id?: string; multi_store_sn?: string; point_rules?: unknown };
    result: { user_info?: Passthrough; [key: string]: unknown };
  };
  "communal.user.gether-customer-info": {
    params: { identifierNumber: string; type: Int; multiMark?: unknown; typeCate?: unknown; discountPrice?: unknown };
    result: Passthrough;
  };
}

/** Every vendor's operations (their ids do not overlap). */
export type AllOperations = KingdeeOperations & FreemudOperations & QimaiOperations;
/** The operations of the vendor `C` configures (all of them when `C` is the `Config` union). */
export type OperationsOf<C extends Config> =
  [C] extends [KingdeeConfig] ? KingdeeOperations
  : [C] extends [FreemudConfig] ? FreemudOperations
  : [C] extends [QimaiConfig] ? QimaiOperations
  : AllOperations;
/** The operation ids of `C`'s vendor. */
export type OperationId<C extends Config> = keyof OperationsOf<C> & string;
/** The params of an operation. */
export type ParamsOf<C extends Config, Op extends OperationId<C>> = OperationsOf<C>[Op] extends { params: infer P } ? P : never;
/** The result of an operation. */
export type ResultOf<C extends Config, Op extends OperationId<C>> = OperationsOf<C>[Op] extends { result: infer R } ? R : never;

// Operations outside jifen's table: any operation of the vendor's API family, signed by its generic rule.

/** Kingdee: any JDY v2 API with its method (a GET's params become its query, a POST's its JSON body). */
export type KingdeeOtherOperation = `GET /jdy/v2/${string}` | `POST /jdy/v2/${string}`;
/** Freemud: any API path, in the signed envelope. */
export type FreemudOtherOperation = `/${string}`;
/** Qimai: any v2 Action (`user.coupon-list`) or v3 path. */
export type QimaiOtherOperation = `${string}.${string}` | `/v3/${string}`;
/** The operation ids outside the table of `C`'s vendor. */
export type OtherOperationId<C extends Config> =
  [C] extends [KingdeeConfig] ? KingdeeOtherOperation
  : [C] extends [FreemudConfig] ? FreemudOtherOperation
  : [C] extends [QimaiConfig] ? QimaiOtherOperation
  : KingdeeOtherOperation | FreemudOtherOperation | QimaiOtherOperation;
/** Every operation id `C`'s vendor takes: the typed ones and the rest of its API family. */
export type AnyOperationId<C extends Config> = OperationId<C> | OtherOperationId<C>;
/** The params of an operation outside the table: any JSON object (Freemud: or the exact `requestBody` string). */
export type OtherParams<C extends Config> = Passthrough | null | ([C] extends [KingdeeConfig | QimaiConfig] ? never : string);
/** A known operation's params, or any for one outside the table. */
export type CallParams<C extends Config, Op extends AnyOperationId<C>> = Op extends OperationId<C> ? ParamsOf<C, Op> : OtherParams<C>;
/** A known operation's typed result; the vendor's data as sent for one outside the table. */
export type CallResult<C extends Config, Op extends AnyOperationId<C>> = Op extends OperationId<C> ? ResultOf<C, Op> : unknown;
