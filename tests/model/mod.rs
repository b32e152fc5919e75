//! A small in-process model of each vendor for the reliability tests
//! (`tests/fault_matrix.rs`, `tests/idempotency_keys.rs`): Kingdee's ledger
//! without an idempotency key, Freemud and Qimai deduplicating on their key,
//! a clock the client shares, and faults that replace the reply of request
//! number `i`, before the vendor acted or after it applied the change.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jifen::client::{Client, Env, Transport, TransportError};
use jifen::core::clock::{Clock, TestEntropy};
use jifen::core::request::{HttpRequest, HttpResponse};
use jifen::core::time::format_cst;
use jifen::testing::http_date;
use jifen::Json;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

pub const NOW: u64 = 1_700_000_000_000;
pub const MOBILE: &str = "13800138000";
pub const MEMBER_ID: &str = "1480000000000000001";
/// The key of rows written by another caller.
pub const SOMEONE_ELSE: &str = "someone-else";
/// How long a normal exchange takes.
pub const LATENCY_MS: u64 = 40;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vendor {
    Kingdee,
    Freemud,
    Qimai,
}

/// What replaces the reply of one request. `*After` faults let the vendor act first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    NetBefore,
    NetAfter,
    /// The client's timeout fired (15 s) after the vendor acted.
    TimeoutAfter,
    TimeoutBefore,
    H502Before,
    H502After,
    H504AfterSlow,
    /// A 200 whose body was cut off.
    TruncatedAfter,
    /// A 200 whose body is JSON but not an object.
    NotObjectAfter,
    /// A 200 with an object the envelope does not know (`{}`).
    EmptyObjectAfter,
    /// A proxy's 404/403 after the request got through.
    H404After,
    H429Before,
    /// Kingdee 519 5004 (backend timed out at the gateway) after a 30 s wait; the backend applied.
    Gw5004SlowAfter,
    /// A 519 whose body is unreadable (truncated), after the backend applied.
    Gw519GarbledAfter,
    /// A 519 with an errcode this client does not know, after the backend applied.
    Gw519UnknownCodeAfter,
    Gw5003Before,
    Gw5006Before,
    Gw4010Before,
    /// Success envelope whose result cannot be read (Freemud `responseBody`, Qimai `data`).
    BadResultAfter,
    /// The vendor's "system error" code after it applied (Freemud 500, Qimai 99999).
    SysErrAfter,
}

pub const FAULTS: [Fault; 20] = [
    Fault::NetBefore,
    Fault::NetAfter,
    Fault::TimeoutAfter,
    Fault::TimeoutBefore,
    Fault::H502Before,
    Fault::H502After,
    Fault::H504AfterSlow,
    Fault::TruncatedAfter,
    Fault::NotObjectAfter,
    Fault::EmptyObjectAfter,
    Fault::H404After,
    Fault::H429Before,
    Fault::Gw5004SlowAfter,
    Fault::Gw519GarbledAfter,
    Fault::Gw519UnknownCodeAfter,
    Fault::Gw5003Before,
    Fault::Gw5006Before,
    Fault::Gw4010Before,
    Fault::BadResultAfter,
    Fault::SysErrAfter,
];

impl Fault {
    pub fn acts_first(self, vendor: Vendor) -> bool {
        // A Kingdee business error (HTTP 200, errcode ≠ 0) is taken as a refusal:
        // the vendor documents none that is sent after applying (see the README's limits).
        if vendor == Vendor::Kingdee && self == Fault::SysErrAfter {
            return false;
        }
        !matches!(
            self,
            Fault::NetBefore
                | Fault::TimeoutBefore
                | Fault::H502Before
                | Fault::H429Before
                | Fault::Gw5003Before
                | Fault::Gw5006Before
                | Fault::Gw4010Before
        )
    }
}

/// One ledger row of the model.
#[derive(Clone, Debug)]
pub struct Row {
    pub id: u64,
    pub key: Option<String>,
    pub delta: i64,
    pub op: i64,
    pub after: i64,
    pub at_vendor_ms: u64,
}

/// The model vendor: its ledger, its clock (ours + `skew_ms`) and the faults to inject.
pub struct Model {
    pub vendor: Vendor,
    pub clock: Rc<TestClock>,
    /// The vendor's clock minus ours; tests step it to make the vendor's clock jump.
    pub skew_ms: Cell<i64>,
    pub rows: RefCell<Vec<Row>>,
    pub balance: Cell<i64>,
    /// Replies stored per idempotency key (Freemud, Qimai).
    pub dedupe: RefCell<HashMap<String, String>>,
    pub faults: RefCell<HashMap<usize, Fault>>,
    pub requests: Cell<usize>,
    /// Rows others add (same member) when the ledger is read: (delta, operation).
    pub others: RefCell<Vec<(i64, i64)>>,
    /// The most rows the vendor puts on a page, whatever was asked.
    pub page_cap: Cell<usize>,
    /// The next write lands (becomes a ledger row) this long after it arrives.
    pub land_after_ms: Cell<u64>,
    /// Each send pends once before answering (to interleave concurrent calls).
    pub yield_once: Cell<bool>,
    /// This many first replies carry no `Date` header.
    pub dateless: Cell<usize>,
    /// Request number `i` is served (the vendor acts) and then never answered:
    /// the caller's process is taken to have died waiting.
    pub hang_after: Cell<Option<usize>>,
    /// How many `integral_adjust` requests reached the vendor.
    pub adjusts_received: Cell<usize>,
    /// The vendor's clock steps by this much (once) as the next `integral_adjust` arrives.
    pub jump_at_write_ms: Cell<i64>,
    /// The `data` of Kingdee's `integral_adjust` success reply (the vendor's is `{}`).
    pub adjust_reply: RefCell<String>,
}

pub struct TestClock(pub Cell<u64>);
impl Clock for TestClock {
    fn now_ms(&self) -> u64 {
        self.0.get()
    }
}
pub struct SharedClock(pub Rc<TestClock>);
impl Clock for SharedClock {
    fn now_ms(&self) -> u64 {
        self.0.now_ms()
    }
}

pub struct Net(pub Rc<Model>);

pub fn query_param(url: &str, name: &str) -> Option<String> {
    let q = url.split_once('?')?.1;
    for pair in q.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if k == name {
            let mut out = Vec::new();
            let b = v.as_bytes();
            let mut i = 0;
            while i < b.len() {
                match b[i] {
                    b'%' => {
                        out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
                        i += 3;
                    }
                    b'+' => {
                        out.push(b' ');
                        i += 1;
                    }
                    c => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
            return Some(String::from_utf8(out).unwrap());
        }
    }
    None
}

pub fn kd_type_name(op: i64) -> &'static str {
    match op {
        3 => "积分兑换",
        5 => "促销赠送",
        _ => "其他",
    }
}

impl Model {
    pub fn new(vendor: Vendor, skew_ms: i64) -> Rc<Model> {
        Rc::new(Model {
            vendor,
            clock: Rc::new(TestClock(Cell::new(NOW))),
            skew_ms: Cell::new(skew_ms),
            rows: RefCell::new(Vec::new()),
            balance: Cell::new(500),
            dedupe: RefCell::new(HashMap::new()),
            faults: RefCell::new(HashMap::new()),
            requests: Cell::new(0),
            others: RefCell::new(Vec::new()),
            page_cap: Cell::new(100),
            land_after_ms: Cell::new(0),
            yield_once: Cell::new(false),
            dateless: Cell::new(0),
            hang_after: Cell::new(None),
            adjusts_received: Cell::new(0),
            jump_at_write_ms: Cell::new(0),
            adjust_reply: RefCell::new("{}".into()),
        })
    }

    pub fn vendor_now(&self) -> u64 {
        self.clock
            .now_ms()
            .saturating_add_signed(self.skew_ms.get())
    }

    /// How many times the caller's change was applied (rows by others aside).
    pub fn applied(&self) -> usize {
        self.rows
            .borrow()
            .iter()
            .filter(|r| r.key.as_deref() != Some(SOMEONE_ELSE))
            .count()
    }

    pub fn apply(&self, key: Option<String>, delta: i64, op: i64) -> Row {
        self.balance.set(self.balance.get() + delta);
        let mut rows = self.rows.borrow_mut();
        let row = Row {
            id: 1000 + rows.len() as u64,
            key,
            delta,
            op,
            after: self.balance.get(),
            at_vendor_ms: self.vendor_now() + self.land_after_ms.replace(0),
        };
        rows.push(row.clone());
        row
    }

    pub fn reply(&self, status: u16, body: &str) -> HttpResponse {
        let dated = self.requests.get() > self.dateless.get();
        HttpResponse {
            status,
            headers: if dated {
                vec![("Date".into(), http_date(self.vendor_now()))]
            } else {
                Vec::new()
            },
            body: body.as_bytes().to_vec(),
        }
    }

    /// The vendor's normal answer (acting on writes).
    pub fn serve(&self, req: &HttpRequest) -> HttpResponse {
        match self.vendor {
            Vendor::Kingdee => self.kingdee(req),
            Vendor::Freemud => self.freemud(req),
            Vendor::Qimai => self.qimai(req),
        }
    }

    pub fn kingdee(&self, req: &HttpRequest) -> HttpResponse {
        let ok = |data: String| {
            self.reply(
                200,
                &format!(r#"{{"errcode":0,"description":"success","data":{data}}}"#),
            )
        };
        // The gateway refuses timestamps more than 5 minutes off (4006), before acting.
        let ts = req
            .header("X-Api-TimeStamp")
            .and_then(|t| t.parse::<i64>().ok());
        if ts.is_some_and(|ts| (ts - self.vendor_now() as i64).abs() > 300_000) {
            return self.reply(
                519,
                r#"{"errcode":4006,"description":"X-Api-TimeStamp expired"}"#,
            );
        }
        if req.url.contains("kingdee_auth_token") {
            return ok(format!(
                r#"{{"app-token":"test-tok","expires":{}}}"#,
                self.vendor_now() + 86_400_000
            ));
        }
        if req.url.contains("integral_adjust") {
            self.adjusts_received.set(self.adjusts_received.get() + 1);
            self.skew_ms
                .set(self.skew_ms.get() + self.jump_at_write_ms.replace(0));
            let b = Json::parse(req.body.as_deref().unwrap()).unwrap();
            assert_eq!(b.get("mobile").and_then(Json::as_str), Some(MOBILE));
            let delta = b.get("integral").and_then(Json::as_i64_lenient).unwrap();
            let op = b.get("operation").and_then(Json::as_i64_lenient).unwrap();
            self.apply(None, delta, op);
            return ok(self.adjust_reply.borrow().clone());
        }
        if req.url.contains("integral_record") {
            for (delta, op) in self.others.borrow_mut().drain(..) {
                self.apply(Some(SOMEONE_ELSE.into()), delta, op);
            }
            assert_eq!(query_param(&req.url, "mobile").as_deref(), Some(MOBILE));
            let start = query_param(&req.url, "start_date").unwrap_or_default();
            let page: usize = query_param(&req.url, "page").unwrap().parse().unwrap();
            let size: usize = query_param(&req.url, "page_size").unwrap().parse().unwrap();
            let size = size.min(self.page_cap.get());
            let now = self.vendor_now();
            let mut rows: Vec<Row> = self
                .rows
                .borrow()
                .iter()
                .filter(|r| r.at_vendor_ms <= now && format_cst(r.at_vendor_ms as i64) >= start)
                .cloned()
                .collect();
            rows.sort_by(|a, b| b.at_vendor_ms.cmp(&a.at_vendor_ms).then(b.id.cmp(&a.id)));
            let total = rows.len();
            let pages = total.div_ceil(size);
            let shown: Vec<String> = rows
                .iter()
                .skip((page - 1) * size)
                .take(size)
                .map(|r| {
                    let t = format_cst(r.at_vendor_ms as i64);
                    format!(
                        r#"{{"id":"{}","member_id":"{MEMBER_ID}","member_name":"张三","create_time":"{t}","modify_time":"{t}","last_integral":"{}","occur":"{}","integral":"{}","type_id":"x","type_number":"{}","type_name":"{}"}}"#,
                        r.id,
                        r.after - r.delta,
                        r.delta,
                        r.after,
                        r.op,
                        kd_type_name(r.op)
                    )
                })
                .collect();
            return ok(format!(
                r#"{{"count":"{total}","total_page":{pages},"page":{page},"page_size":{size},"rows":[{}]}}"#,
                shown.join(",")
            ));
        }
        panic!("unexpected Kingdee request {}", req.url)
    }

    pub fn freemud(&self, req: &HttpRequest) -> HttpResponse {
        let outer = Json::parse(req.body.as_deref().unwrap()).unwrap();
        let inner = Json::parse(outer.get("requestBody").and_then(Json::as_str).unwrap()).unwrap();
        let envelope = |body: &str| {
            let rb = jifen::core::request::json_string(body);
            format!(
                r#"{{"ver":"1","statusCode":"100","message":"成功","responseBody":{rb},"sign":""}}"#
            )
        };
        if req.url.contains("getMemberInfoByIdOrMobile") {
            return self.reply(
                200,
                &envelope(&format!(
                    r#"{{"memberId":"{MEMBER_ID}","mobile":"{MOBILE}","memberName":"张三"}}"#
                )),
            );
        }
        if req.url.contains("updateScore") {
            let key = inner
                .get("idempotencyBussinessId")
                .and_then(Json::as_str)
                .unwrap()
                .to_string();
            if let Some(first) = self.dedupe.borrow().get(&key) {
                return self.reply(200, first);
            }
            let change = inner
                .get("changeScore")
                .and_then(Json::as_i64_lenient)
                .unwrap();
            let sign = if inner.get("changeType").and_then(Json::as_i64_lenient) == Some(2) {
                -1
            } else {
                1
            };
            let op = inner
                .get("operationType")
                .and_then(Json::as_i64_lenient)
                .unwrap();
            let row = self.apply(Some(key.clone()), sign * change, op);
            let body = envelope(&format!(
                r#"{{"updateScore":{change},"currentScore":{}}}"#,
                row.after
            ));
            self.dedupe.borrow_mut().insert(key, body.clone());
            return self.reply(200, &body);
        }
        panic!("unexpected Freemud request {}", req.url)
    }

    pub fn qimai(&self, req: &HttpRequest) -> HttpResponse {
        let outer = Json::parse(req.body.as_deref().unwrap()).unwrap();
        let p = outer.get("params").unwrap();
        let ok = |data: String| {
            format!(r#"{{"status":true,"code":0,"message":"success","data":{data},"traceId":"t"}}"#)
        };
        if req.url.contains("getCustomerIdByPhone") {
            return self.reply(200, &ok(format!(r#"{{"customerId":"{MEMBER_ID}"}}"#)));
        }
        let sign = if req.url.contains("addCustomerPoints") {
            1
        } else if req.url.contains("reducePoints") {
            -1
        } else {
            panic!("unexpected Qimai request {}", req.url)
        };
        let key = p.get("bizId").and_then(Json::as_text).unwrap();
        if let Some(first) = self.dedupe.borrow().get(&key) {
            return self.reply(200, first);
        }
        let balance = p.get("balance").and_then(Json::as_i64_lenient).unwrap();
        let row = self.apply(Some(key.clone()), sign * balance, 0);
        let body = ok(format!(
            r#"{{"customerId":"{MEMBER_ID}","bizId":"{key}","changePoints":{},"totalPoints":{},"flowId":"f-{}"}}"#,
            sign * balance,
            row.after,
            row.id
        ));
        self.dedupe.borrow_mut().insert(key, body.clone());
        self.reply(200, &body)
    }

    pub fn faulty(&self, fault: Fault) -> Result<HttpResponse, TransportError> {
        let net = |timeout: bool| {
            Err(TransportError {
                timeout,
                message: if timeout {
                    "timed out"
                } else {
                    "connection reset"
                }
                .into(),
            })
        };
        let slow = |ms: u64| self.clock.0.set(self.clock.0.get() + ms);
        match fault {
            Fault::NetBefore | Fault::NetAfter => net(false),
            Fault::TimeoutBefore | Fault::TimeoutAfter => {
                slow(15_000);
                net(true)
            }
            Fault::H502Before | Fault::H502After => Ok(self.reply(502, "<html>Bad Gateway</html>")),
            Fault::H504AfterSlow => {
                slow(30_000);
                Ok(self.reply(504, "<html>Gateway Timeout</html>"))
            }
            Fault::TruncatedAfter => Ok(self.reply(200, r#"{"errcode":0,"descr"#)),
            Fault::NotObjectAfter => Ok(self.reply(200, "null")),
            Fault::EmptyObjectAfter => Ok(self.reply(200, "{}")),
            Fault::H404After => Ok(self.reply(404, "not found")),
            Fault::H429Before => Ok(self.reply(429, "")),
            Fault::Gw5004SlowAfter => {
                slow(30_000);
                Ok(self.reply(519, r#"{"errcode":5004,"description":"API timeout"}"#))
            }
            Fault::Gw519GarbledAfter => Ok(self.reply(519, r#"{"errcode":50"#)),
            Fault::Gw519UnknownCodeAfter => {
                Ok(self.reply(519, r#"{"errcode":5099,"description":"?"}"#))
            }
            Fault::Gw5003Before => Ok(self.reply(519, r#"{"errcode":5003,"description":"x"}"#)),
            Fault::Gw5006Before => Ok(self.reply(519, r#"{"errcode":5006,"description":"x"}"#)),
            Fault::Gw4010Before => Ok(self.reply(519, r#"{"errcode":4010,"description":"x"}"#)),
            Fault::BadResultAfter => Ok(self.reply(
                200,
                match self.vendor {
                    Vendor::Freemud => {
                        r#"{"ver":"1","statusCode":"100","message":"成功","responseBody":"ok","sign":""}"#
                    }
                    Vendor::Qimai => {
                        r#"{"status":true,"code":0,"message":"success","data":{"totalPoints":"n/a"}}"#
                    }
                    Vendor::Kingdee => r#"{"errcode":0,"description":"success","data":"ok"}"#,
                },
            )),
            Fault::SysErrAfter => Ok(self.reply(
                200,
                match self.vendor {
                    Vendor::Freemud => {
                        r#"{"ver":"1","statusCode":"500","message":"内部服务异常","sign":""}"#
                    }
                    Vendor::Qimai => {
                        r#"{"status":false,"code":99999,"message":"系统错误","data":null}"#
                    }
                    Vendor::Kingdee => {
                        r#"{"errcode":-1,"description":"系统异常"}"#
                    }
                },
            )),
        }
    }
}

/// Pending once, then ready.
pub struct YieldOnce(bool);
impl std::future::Future for YieldOnce {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            std::task::Poll::Ready(())
        } else {
            self.0 = true;
            std::task::Poll::Pending
        }
    }
}

impl Transport for Net {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let m = &self.0;
        if m.yield_once.get() {
            YieldOnce(false).await;
        }
        let i = m.requests.get();
        m.requests.set(i + 1);
        m.clock.0.set(m.clock.0.get() + LATENCY_MS);
        if m.hang_after.get() == Some(i) {
            let _ = m.serve(&req);
            std::future::pending::<()>().await;
        }
        let fault = m.faults.borrow_mut().remove(&i);
        match fault {
            None => Ok(m.serve(&req)),
            Some(f) => {
                if f.acts_first(m.vendor) {
                    let _ = m.serve(&req);
                }
                m.faulty(f)
            }
        }
    }

    async fn sleep(&self, ms: u64) {
        self.0.clock.0.set(self.0.clock.0.get() + ms);
        // Let the other calls run, as a real timer does.
        if self.0.yield_once.get() {
            YieldOnce(false).await;
        }
    }
}

pub const KINGDEE: &str = r#"{"vendor":"kingdee","clientId":"1","clientSecret":"test-client-secret","appKey":"k","appSecret":"test-app-secret","domain":"https://tf.jdy.com","baseUrl":"http://sim/kingdee"}"#;
pub const FREEMUD: &str = r#"{"vendor":"freemud","partnerId":"9001","appId":"app-1","accessToken":"test-access-token","baseUrl":"http://127.0.0.1:1/freemud","devSkipSignature":true,"verify":"off"}"#;
pub const QIMAI: &str = r#"{"vendor":"qimai","openId":"test-open-id","grantCode":"g","openKey":"test-open-key","version":"v3","baseUrl":"http://sim/qimai"}"#;

pub fn client(m: &Rc<Model>) -> Client<Net> {
    let cfg = match m.vendor {
        Vendor::Kingdee => KINGDEE,
        Vendor::Freemud => FREEMUD,
        Vendor::Qimai => QIMAI,
    };
    client_with(m, cfg)
}

/// A client of `m` with the config `cfg` (JSON text).
pub fn client_with(m: &Rc<Model>, cfg: &str) -> Client<Net> {
    Client::new(
        &Json::parse(cfg).unwrap(),
        Net(m.clone()),
        Env::new(
            Box::new(SharedClock(m.clock.clone())),
            Box::new(TestEntropy(Cell::new(7))),
        ),
    )
    .unwrap()
}

pub fn args(delta: i64, key: &str) -> Json {
    let reason = if delta > 0 { "promotion" } else { "redemption" };
    Json::parse(&format!(
        r#"{{"member":{{"mobile":"{MOBILE}"}},"delta":{delta},"reason":"{reason}","idempotencyKey":"{key}"}}"#
    ))
    .unwrap()
}
