// `jifen/sim`: the vendor simulator (Node only), for tests against a local sandbox.
import type { FreemudConfig, KingdeeConfig, QimaiConfig } from "./index.js";

export interface SimulatorOptions {
  /** 0 (the default) picks a free port on 127.0.0.1. */
  port?: number;
  /** true prints one line per request; a function receives each line. Default false. */
  log?: boolean | ((line: string) => void);
}

export interface Simulator {
  /** e.g. `http://127.0.0.1:41234`; each vendor lives under `/<vendor>`, the controls under `/_sim`. */
  readonly url: string;
  readonly port: number;
  /** A ready client config per vendor: the simulator's made-up credentials and its `baseUrl`. */
  readonly accounts: {
    kingdee: KingdeeConfig & { baseUrl: string; domain: string };
    freemud: FreemudConfig & { baseUrl: string };
    qimai: QimaiConfig & { baseUrl: string };
  };
  /** Members, ledgers, tokens and counters (e.g. `kingdee.counters.tokenEndpointHits`). */
  state(): any;
  /** Back to the seeded members; clears tokens, idempotency records, faults and counters. */
  reset(): void;
  stop(): Promise<void>;
}

/** The vendors the simulator stands in for. */
export declare const VENDORS: readonly ["kingdee", "freemud", "qimai"];
/** Starts the simulator; stop it with `stop()`. */
export declare function startSimulator(options?: SimulatorOptions): Promise<Simulator>;
