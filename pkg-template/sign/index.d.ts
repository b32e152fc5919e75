// Types for "jifen/sign": the signing API of "jifen" (`Signer`, `buildRequest`, `verifyCallback`,
// `JifenError`, `init`) with its own, smaller wasm and no client. The declarations are the main
// entry's, and the types of signing (configs, operations and their params, requests, pushes, errors)
// are importable from here too; nothing of the client is. (scripts/pkg-finish.mjs writes index.d.cts
// with "../index.cjs" for "require".)
//
// `JifenError` here is jifen/sign's own class: an error thrown by "jifen/sign" is an instance of
// this one, not of the "jifen" entry's class (both have `name === "JifenError"` and the same fields).
export { buildRequest, Signer, verifyCallback, JifenError, init } from "../index.js";
export type {
  Int, VendorDateTime, Passthrough, ErrorCode, Vendor, JifenErrorDetails, InitInput,
  KingdeeConfig, FreemudConfig, QimaiConfig, Config, SyncConfig, BuildRequestOptions, SignedRequest,
  CallbackRequest, CallbackResult, PointsChangedEvent, MemberRegisteredEvent, SignatureStatus,
  KingdeeOperations, FreemudOperations, QimaiOperations, AllOperations, OperationsOf, OperationId, ParamsOf,
  CallOptions, KingdeeOtherOperation, FreemudOtherOperation, QimaiOtherOperation, OtherOperationId, AnyOperationId,
  OtherParams, CallParams, KingdeeIntegralRecord, FreemudMemberInfo, FreemudScoreChange, FreemudScoreRecord,
  QimaiPointsAddParams, QimaiPointsChange, QimaiCustomerPoints, QimaiPage,
} from "../index.js";
export { default } from "../index.js";
