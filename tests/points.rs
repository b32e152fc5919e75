//! The unified points API against a scripted transport, for each vendor: what
//! each call sends, how a missing identifier is resolved (once, then cached),
//! what each refused combination says, and the ledger walk's pages, limit,
//! empty ledger and truncated page.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jifen::client::{Client, Env, LedgerWalk};
use jifen::core::clock::{FixedClock, TestEntropy};
use jifen::core::error::ErrorCode;
use jifen::points::{capabilities, reasons, Mapping};
use jifen::testing::{block_on, Reply, ScriptedTransport};
use jifen::Json;
use std::cell::Cell;

/// The points mapping `capabilities(name)` names.
fn mapping(name: &str) -> &'static dyn Mapping {
    jifen::vendors::mapping_named(name).unwrap()
}

const NOW: u64 = 1_700_000_000_000;

fn j(s: &str) -> Json {
    Json::parse(s).unwrap()
}

fn env() -> Env {
    Env::new(
        Box::new(FixedClock(NOW)),
        Box::new(TestEntropy(Cell::new(5))),
    )
}

fn client(cfg: &str, t: ScriptedTransport) -> Client<ScriptedTransport> {
    Client::new(&j(cfg), t, env()).unwrap()
}

// ---------- Kingdee ----------

const KINGDEE: &str = r#"{"vendor":"kingdee","clientId":"1","clientSecret":"test-client-secret","appKey":"k","appSecret":"test-app-secret","domain":"https://tf.jdy.com","baseUrl":"http://sim/kingdee"}"#;

fn kd_token() -> Reply {
    Reply::json(
        200,
        r#"{"errcode":0,"description":"成功","data":{"app-token":"test-tok","expires":1800000000000}}"#,
    )
}

fn kd(data: &str) -> Reply {
    Reply::json(
        200,
        &format!(r#"{{"errcode":0,"description":"success","data":{data}}}"#),
    )
}

const KD_BALANCE: &str = r#"{"integral":{"member":{"id":"1480000000000000001","mobile":"13800138000","name":"张三 金卡","db_modify_time":""},"mb_card":{"id":"1490000000000000001","card_no":"C1"},"total":"800","level_total":"800","last":"500","pre":"0","usable":"500"},"recharge":null,"credit":null}"#;

fn kd_rows(count: i64, page: i64, rows: &[(i64, i64)]) -> Reply {
    let rows: Vec<String> = rows
        .iter()
        .map(|(id, occur)| {
            format!(
                r#"{{"id":"{id}","member_id":"1480000000000000001","member_name":"张三","create_time":"2026-11-0{} 10:00:00","modify_time":"","last_integral":"0","occur":"{occur}","integral":"{}","type_id":"5","type_number":"5","type_name":"促销赠送"}}"#,
                (id % 9) + 1,
                100 + occur
            )
        })
        .collect();
    kd(&format!(
        r#"{{"count":"{count}","total_page":1,"page":{page},"page_size":2,"cur_page_size":{},"rows":[{}]}}"#,
        rows.len(),
        rows.join(",")
    ))
}

fn body(c: &Client<ScriptedTransport>, i: usize) -> Json {
    j(c.transport().sent.borrow()[i].body.as_deref().unwrap())
}

fn url(c: &Client<ScriptedTransport>, i: usize) -> String {
    c.transport().sent.borrow()[i].url.clone()
}

#[test]
fn kingdee_adjust_by_mobile_sends_signed_delta_and_operation() {
    let t = ScriptedTransport::new()
        .then("kingdee_auth_token", kd_token())
        .then("integral_adjust", kd("{}"));
    let c = client(KINGDEE, t);
    let r = block_on(c.adjust_points(&j(
        r#"{"member":{"mobile":"13800138000"},"delta":-30,"reason":"redemption","idempotencyKey":"k-1"}"#,
    )))
    .unwrap();
    assert_eq!(
        body(&c, 1).to_json_string(),
        r#"{"mobile":"13800138000","integral":-30,"operation":3}"#
    );
    assert_eq!(r.get("applied"), Some(&Json::Bool(true)));
    assert!(r.get("balance").is_none());
}

#[test]
fn kingdee_consumption_and_check_in_send_operations_1_and_6() {
    // The two 调整类型 with no reason before: 1 积分消费 (a spend that is not a
    // redemption) and 6 打卡赠送 (check-in, beside 11 会员签到赠送).
    let t = ScriptedTransport::new()
        .then("kingdee_auth_token", kd_token())
        .then("integral_adjust", kd("{}"))
        .then("integral_adjust", kd("{}"));
    let c = client(KINGDEE, t);
    for (delta, reason) in [(-12, "consumption"), (3, "check_in")] {
        let r = block_on(c.adjust_points(&j(&format!(
            r#"{{"member":{{"mobile":"13800138000"}},"delta":{delta},"reason":"{reason}","idempotencyKey":"k-{reason}"}}"#
        ))))
        .unwrap();
        assert_eq!(r.get("applied"), Some(&Json::Bool(true)), "{reason}");
    }
    assert_eq!(
        body(&c, 1).to_json_string(),
        r#"{"mobile":"13800138000","integral":-12,"operation":1}"#
    );
    assert_eq!(
        body(&c, 2).to_json_string(),
        r#"{"mobile":"13800138000","integral":3,"operation":6}"#
    );
    // Their signs hold: a consumption cannot add, a check-in cannot take.
    for (delta, reason) in [(12, "consumption"), (-3, "check_in")] {
        let e = block_on(c.adjust_points(&j(&format!(
            r#"{{"member":{{"mobile":"13800138000"}},"delta":{delta},"reason":"{reason}","idempotencyKey":"k-bad-{reason}"}}"#
        ))))
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{reason}");
    }
    assert_eq!(c.transport().count("integral_adjust"), 2);
}

#[test]
fn kingdee_adjust_by_id_resolves_the_mobile_once() {
    let t = ScriptedTransport::new()
        .then("kingdee_auth_token", kd_token())
        .then("account_balance_info", kd(KD_BALANCE))
        .then("integral_adjust", kd("{}"))
        .then("integral_adjust", kd("{}"));
    let c = client(KINGDEE, t);
    // Two different amounts: identical changes would wait for each other (the lane).
    for (key, delta) in [("a", 5), ("b", 6)] {
        block_on(c.adjust_points(&j(&format!(
            r#"{{"member":{{"id":"1480000000000000001","cardId":"1490000000000000001"}},"delta":{delta},"reason":"promotion","idempotencyKey":"{key}"}}"#
        ))))
        .unwrap();
    }
    assert!(url(&c, 1).contains("member_id=1480000000000000001"));
    assert!(url(&c, 1).contains("member_card_id=1490000000000000001"));
    assert_eq!(body(&c, 2).get("mobile"), Some(&Json::str("13800138000")));
    assert_eq!(body(&c, 3).get("operation"), Some(&Json::int(5)));
    assert_eq!(c.transport().count("account_balance_info"), 1, "cached");
}

#[test]
fn kingdee_balance_by_mobile_resolves_through_the_ledger() {
    let t = ScriptedTransport::new()
        .then("kingdee_auth_token", kd_token())
        .then("integral_record", kd_rows(3, 1, &[(9, 5)]))
        .then("account_balance_info", kd(KD_BALANCE));
    let c = client(KINGDEE, t);
    let b = block_on(c.get_balance(&j(
        r#"{"member":{"mobile":"13800138000","cardId":"1490000000000000001"}}"#,
    )))
    .unwrap();
    assert!(url(&c, 1).contains("mobile=13800138000"));
    assert!(url(&c, 1).contains("page_size=1"));
    assert!(url(&c, 2).contains("member_id=1480000000000000001"));
    assert_eq!(b.get("available"), Some(&Json::int(500)));
    assert_eq!(b.get("total"), Some(&Json::int(800)));
    assert_eq!(b.get("pending"), Some(&Json::int(0)));
    assert!(b.get("used").is_none());
}

#[test]
fn kingdee_mobile_without_ledger_rows_cannot_be_resolved() {
    let t = ScriptedTransport::new()
        .then("kingdee_auth_token", kd_token())
        .then("integral_record", kd_rows(0, 1, &[]));
    let c = client(KINGDEE, t);
    let e = block_on(c.get_member(&j(
        r#"{"member":{"mobile":"13800138002","cardId":"1490000000000000003"}}"#,
    )))
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("pass member.id"), "{}", e.message);
}

#[test]
fn kingdee_member_is_the_common_shape() {
    let t = ScriptedTransport::new()
        .then("kingdee_auth_token", kd_token())
        .then("account_balance_info", kd(KD_BALANCE));
    let c = client(KINGDEE, t);
    let m = block_on(c.get_member(&j(
        r#"{"member":{"id":"1480000000000000001","cardId":"1490000000000000001"}}"#,
    )))
    .unwrap();
    assert!(url(&c, 1).contains("member_card_id=1490000000000000001"));
    assert_eq!(m.get("id"), Some(&Json::str("1480000000000000001")));
    assert_eq!(m.get("name"), Some(&Json::str("张三 金卡")));
    assert_eq!(m.get("points"), Some(&Json::int(500)));
    assert!(m.get("level").is_none());
}

#[test]
fn kingdee_refusals_send_nothing() {
    let c = client(KINGDEE, ScriptedTransport::new());
    let cases = [
        // A reason Kingdee has no code for.
        (
            r#"{"member":{"mobile":"13800138000"},"delta":5,"reason":"birthday","idempotencyKey":"x"}"#,
            ErrorCode::Unsupported,
        ),
        (
            r#"{"member":{"mobile":"13800138000"},"delta":5,"reason":"manual_grant","idempotencyKey":"x"}"#,
            ErrorCode::Unsupported,
        ),
        // Fields Kingdee cannot carry.
        (
            r#"{"member":{"mobile":"13800138000"},"delta":5,"reason":"promotion","idempotencyKey":"x","remark":"hi"}"#,
            ErrorCode::Unsupported,
        ),
        // A sign that contradicts the reason.
        (
            r#"{"member":{"mobile":"13800138000"},"delta":5,"reason":"redemption","idempotencyKey":"x"}"#,
            ErrorCode::InvalidInput,
        ),
        (
            r#"{"member":{"mobile":"13800138000"},"delta":-5,"reason":"purchase","idempotencyKey":"x"}"#,
            ErrorCode::InvalidInput,
        ),
        // Bad shapes.
        (
            r#"{"member":{"mobile":"13800138000"},"delta":0,"reason":"purchase","idempotencyKey":"x"}"#,
            ErrorCode::InvalidInput,
        ),
        (
            r#"{"member":{"mobile":"13800138000"},"delta":1.5,"reason":"purchase","idempotencyKey":"x"}"#,
            ErrorCode::InvalidInput,
        ),
        (
            r#"{"member":{"mobile":"13800138000"},"delta":"5","reason":"purchase","idempotencyKey":"x"}"#,
            ErrorCode::InvalidInput,
        ),
        (
            r#"{"member":{"mobile":"13800138000"},"delta":5,"reason":"purchase"}"#,
            ErrorCode::InvalidInput,
        ),
        (
            r#"{"member":{"mobile":"13800138000"},"delta":5,"reason":"purchase","idempotencyKey":"has space"}"#,
            ErrorCode::InvalidInput,
        ),
        (
            r#"{"member":{},"delta":5,"reason":"purchase","idempotencyKey":"x"}"#,
            ErrorCode::InvalidInput,
        ),
        (
            r#"{"member":{"nick":"a"},"delta":5,"reason":"purchase","idempotencyKey":"x"}"#,
            ErrorCode::InvalidInput,
        ),
        (
            r#"{"member":{"mobile":"13800138000"},"delta":5,"reason":"gift","idempotencyKey":"x"}"#,
            ErrorCode::InvalidInput,
        ),
        (
            r#"{"member":{"mobile":"13800138000"},"delta":5,"reason":"purchase","idempotencyKey":"x","extra":1}"#,
            ErrorCode::InvalidInput,
        ),
    ];
    for (args, code) in cases {
        let e = block_on(c.adjust_points(&j(args))).unwrap_err();
        assert_eq!(e.code, code, "{args}: {}", e.message);
    }
    // account_balance_info needs both ids, and a card id cannot be looked up.
    for args in [
        r#"{"member":{"mobile":"13800138000"}}"#,
        r#"{"member":{"id":"1480000000000000001"}}"#,
    ] {
        let e = block_on(c.get_balance(&j(args))).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{args}");
        assert!(
            e.message.contains("member.id and member.cardId"),
            "{}",
            e.message
        );
    }
    // Adjusting by id alone: the mobile lookup needs the card id too.
    let e = block_on(c.adjust_points(&j(
        r#"{"member":{"id":"1480000000000000001"},"delta":5,"reason":"promotion","idempotencyKey":"x"}"#,
    )))
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(c.transport().sent.borrow().is_empty());
}

#[test]
fn kingdee_idempotency_key_dedupes_and_refuses_reuse_for_another_change() {
    let t = ScriptedTransport::new()
        .then("kingdee_auth_token", kd_token())
        .then("integral_adjust", kd("{}"));
    let c = client(KINGDEE, t);
    let args = r#"{"member":{"mobile":"13800138000"},"delta":7,"reason":"promotion","idempotencyKey":"same"}"#;
    let first = block_on(c.adjust_points(&j(args))).unwrap();
    let again = block_on(c.adjust_points(&j(args))).unwrap();
    assert_eq!(first, again);
    assert_eq!(c.transport().count("integral_adjust"), 1);
    let e = block_on(c.adjust_points(&j(
        r#"{"member":{"mobile":"13800138000"},"delta":8,"reason":"promotion","idempotencyKey":"same"}"#,
    )))
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
}

#[test]
fn kingdee_refused_change_can_be_retried_under_the_same_key() {
    let t = ScriptedTransport::new()
        .then("kingdee_auth_token", kd_token())
        .then(
            "integral_adjust",
            Reply::json(
                200,
                r#"{"errcode":2000002002,"description":"会员积分不足"}"#,
            ),
        )
        .then("integral_adjust", kd("{}"));
    let c = client(KINGDEE, t);
    let args = r#"{"member":{"mobile":"13800138000"},"delta":-900,"reason":"redemption","idempotencyKey":"r1"}"#;
    let e = block_on(c.adjust_points(&j(args))).unwrap_err();
    assert_eq!(e.code, ErrorCode::Vendor);
    block_on(c.adjust_points(&j(args))).unwrap();
}

#[test]
fn kingdee_ledger_walks_pages_lazily_and_stops_at_limit() {
    let t = ScriptedTransport::new()
        .then("kingdee_auth_token", kd_token())
        .then("integral_record", kd_rows(5, 1, &[(5, 1), (4, 2)]))
        .then("integral_record", kd_rows(5, 2, &[(3, 3), (2, 4)]))
        .then("integral_record", kd_rows(5, 3, &[(1, 5)]));
    let c = client(KINGDEE, t);
    let mut walk = LedgerWalk::new(&j(
        r#"{"member":{"id":"1480000000000000001"},"pageSize":2}"#,
    ))
    .unwrap();
    assert!(c.transport().sent.borrow().is_empty(), "lazy");
    let mut seen = Vec::new();
    while let Some(e) = block_on(walk.next(&c)).unwrap() {
        seen.push(e.get("delta").and_then(Json::as_i64_lenient).unwrap());
    }
    assert_eq!(seen, [1, 2, 3, 4, 5]);
    assert!(url(&c, 3).contains("page=3"));
    // Limit: stops without fetching the third page.
    let t = ScriptedTransport::new()
        .then("kingdee_auth_token", kd_token())
        .then("integral_record", kd_rows(5, 1, &[(5, 1), (4, 2)]))
        .then("integral_record", kd_rows(5, 2, &[(3, 3), (2, 4)]));
    let c = client(KINGDEE, t);
    let mut walk = LedgerWalk::new(&j(
        r#"{"member":{"id":"1480000000000000001"},"pageSize":2,"limit":3}"#,
    ))
    .unwrap();
    let mut n = 0;
    while block_on(walk.next(&c)).unwrap().is_some() {
        n += 1;
    }
    assert_eq!(n, 3);
    assert_eq!(c.transport().count("integral_record"), 2);
}

#[test]
fn kingdee_ledger_entry_shape_and_dates() {
    let t = ScriptedTransport::new()
        .then("kingdee_auth_token", kd_token())
        .then("integral_record", kd_rows(1, 1, &[(7, -3)]));
    let c = client(KINGDEE, t);
    let page = block_on(c.ledger_page(&j(
        r#"{"member":{"mobile":"13800138000"},"from":"2026-11-01","to":"2026-11-30"}"#,
    )))
    .unwrap();
    let u = url(&c, 1);
    assert!(u.contains("start_date=2026-11-01+00%3A00%3A00"), "{u}");
    assert!(u.contains("end_date=2026-11-30+23%3A59%3A59"), "{u}");
    let e = &page.get("entries").unwrap().as_array().unwrap()[0];
    assert_eq!(e.get("id"), Some(&Json::str("7")));
    assert_eq!(e.get("at"), Some(&Json::str("2026-11-08T10:00:00+08:00")));
    assert_eq!(e.get("delta"), Some(&Json::int(-3)));
    assert_eq!(e.get("balanceAfter"), Some(&Json::int(97)));
    assert_eq!(
        e.get("type").unwrap().to_json_string(),
        r#"{"code":"5","name":"促销赠送"}"#
    );
    assert_eq!(page.get("cursor"), Some(&Json::Null));
}

#[test]
fn ledger_empty_and_truncated_pages() {
    let t = ScriptedTransport::new()
        .then("kingdee_auth_token", kd_token())
        .then("integral_record", kd_rows(0, 1, &[]));
    let c = client(KINGDEE, t);
    let mut walk = LedgerWalk::new(&j(r#"{"member":{"id":"1"}}"#)).unwrap();
    assert_eq!(block_on(walk.next(&c)).unwrap(), None);

    // The vendor says 5 rows in pages of 2 but sends 1 on page 1.
    let t = ScriptedTransport::new()
        .then("kingdee_auth_token", kd_token())
        .then("integral_record", kd_rows(5, 1, &[(5, 1)]));
    let c = client(KINGDEE, t);
    let mut walk = LedgerWalk::new(&j(r#"{"member":{"id":"1"},"pageSize":2}"#)).unwrap();
    let e = block_on(walk.next(&c)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Parse);
    assert!(e.message.contains("dropped"), "{}", e.message);

    // A last page with more rows than the total leaves room for.
    let t = ScriptedTransport::new()
        .then("kingdee_auth_token", kd_token())
        .then("integral_record", kd_rows(3, 2, &[(2, 1), (1, 1)]));
    let c = client(KINGDEE, t);
    let e = block_on(c.ledger_page(&j(r#"{"member":{"id":"1"},"pageSize":2,"cursor":"p2"}"#)))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Parse);
}

#[test]
fn ledger_cursor_round_trips_and_bad_ones_are_refused() {
    let t = ScriptedTransport::new()
        .then("kingdee_auth_token", kd_token())
        .then("integral_record", kd_rows(3, 1, &[(3, 1), (2, 1)]))
        .then("integral_record", kd_rows(3, 2, &[(1, 1)]));
    let c = client(KINGDEE, t);
    let p1 = block_on(c.ledger_page(&j(r#"{"member":{"id":"1"},"pageSize":2}"#))).unwrap();
    let cursor = p1.get("cursor").and_then(Json::as_str).unwrap().to_string();
    let p2 = block_on(c.ledger_page(&j(&format!(
        r#"{{"member":{{"id":"1"}},"pageSize":2,"cursor":"{cursor}"}}"#
    ))))
    .unwrap();
    assert_eq!(p2.get("entries").unwrap().as_array().unwrap().len(), 1);
    assert_eq!(p2.get("cursor"), Some(&Json::Null));
    for bad in [r#""x""#, r#""p0""#, r#""p-1""#, r#""p99999999999""#] {
        let e =
            block_on(c.ledger_page(&j(&format!(r#"{{"member":{{"id":"1"}},"cursor":{bad}}}"#))))
                .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{bad}");
    }
    for bad in [
        r#"{"member":{"id":"1"},"pageSize":101}"#,
        r#"{"member":{"id":"1"},"from":"2026-13-01"}"#,
        r#"{"member":{"id":"1"},"from":"2026-11-02","to":"2026-11-01"}"#,
        r#"{"member":{"id":"1"},"limit":0}"#,
    ] {
        assert_eq!(
            LedgerWalk::new(&j(bad)).err().map(|e| e.code),
            Some(ErrorCode::InvalidInput),
            "{bad}"
        );
    }
}

// ---------- Freemud ----------

const FREEMUD: &str = r#"{"vendor":"freemud","partnerId":"9001","appId":"app-1","accessToken":"test-access-token","baseUrl":"http://127.0.0.1:1/freemud","devSkipSignature":true,"verify":"off"}"#;

fn fm(body: &str) -> Reply {
    let rb = jifen::core::request::json_string(body);
    Reply::json(
        200,
        &format!(
            r#"{{"ver":"1","statusCode":"100","message":"成功","responseBody":{rb},"sign":""}}"#
        ),
    )
}

fn fm_fail(code: &str, msg: &str) -> Reply {
    Reply::json(
        200,
        &format!(r#"{{"ver":"1","statusCode":"{code}","message":"{msg}","sign":""}}"#),
    )
}

fn request_body(c: &Client<ScriptedTransport>, i: usize) -> Json {
    j(body(c, i)
        .get("requestBody")
        .and_then(Json::as_str)
        .unwrap())
}

const FM_MEMBER: &str = r#"{"memberId":"115589208394311926","memberName":"童百良","nickName":"tong","mobile":"18616703980","registerTime":"2020-05-01 12:00:00","memberChannels":[{"cardId":"card-9"}],"currentScore":300,"totalScore":500,"usedScore":200}"#;

#[test]
fn freemud_adjust_resolves_mobile_and_sends_the_key_as_idempotency_id() {
    let t = ScriptedTransport::new()
        .then("getMemberInfoByIdOrMobile", fm(FM_MEMBER))
        .then(
            "updateScore",
            fm(r#"{"updateScore":20,"currentScore":280}"#),
        );
    let c = client(FREEMUD, t);
    let r = block_on(c.adjust_points(&j(
        r#"{"member":{"mobile":"18616703980"},"delta":-20,"reason":"manual_deduction","idempotencyKey":"fm-1","orderId":"o-1","remark":"客诉"}"#,
    )))
    .unwrap();
    assert_eq!(
        request_body(&c, 0).to_json_string(),
        r#"{"mobile":"18616703980"}"#
    );
    assert_eq!(
        request_body(&c, 1).to_json_string(),
        r#"{"memberId":"115589208394311926","changeScore":20,"changeType":2,"operationType":11,"idempotencyBussinessId":"fm-1","orderId":"o-1","remark":"客诉"}"#
    );
    assert_eq!(r.get("balance"), Some(&Json::int(280)));
}

#[test]
fn freemud_balance_member_and_ledger() {
    let t = ScriptedTransport::new()
        .then("statisticalScore", fm(r#"{"currentScore":300,"totalScore":500,"usedScore":200}"#))
        .then("getMemberInfoByIdOrMobile", fm(FM_MEMBER))
        .then(
            "getScoreRecords",
            fm(r#"{"pageNum":1,"pageSize":20,"totalCount":2,"totalPages":1,"scoreRecords":[{"transNo":"t2","memberId":"1","changeScore":50,"changeType":2,"operationType":12,"operationName":"积分兑换","beforeScore":350,"currentScore":300,"createTime":"2026-11-02 09:00:00"},{"transNo":"t1","memberId":"1","changeScore":350,"changeType":1,"operationType":1,"beforeScore":0,"currentScore":350,"createTime":"2026-11-01 09:00:00"}]}"#),
        );
    let c = client(FREEMUD, t);
    let b = block_on(c.get_balance(&j(r#"{"member":{"id":"115589208394311926"}}"#))).unwrap();
    assert_eq!(
        (b.get("available"), b.get("total"), b.get("used")),
        (
            Some(&Json::int(300)),
            Some(&Json::int(500)),
            Some(&Json::int(200))
        )
    );
    let m = block_on(c.get_member(&j(r#"{"member":{"mobile":"18616703980"}}"#))).unwrap();
    assert_eq!(
        request_body(&c, 1).get("showScoreSwitch"),
        Some(&Json::int(1))
    );
    assert_eq!(
        m.get("registeredAt"),
        Some(&Json::str("2020-05-01T12:00:00+08:00"))
    );
    assert_eq!(m.get("cardId"), Some(&Json::str("card-9")));
    let p = block_on(c.ledger_page(&j(
        r#"{"member":{"id":"115589208394311926"},"from":"2026-11-01 08:00:00"}"#,
    )))
    .unwrap();
    assert_eq!(
        request_body(&c, 2).get("startTime"),
        Some(&Json::str("2026-11-01 08:00:00"))
    );
    let deltas: Vec<_> = p
        .get("entries")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.get("delta").cloned().unwrap())
        .collect();
    assert_eq!(deltas, [Json::int(-50), Json::int(350)]);
}

#[test]
fn freemud_refusals() {
    let c = client(
        FREEMUD,
        ScriptedTransport::new().then("getMemberInfoByIdOrMobile", fm_fail("1001", "会员不存在")),
    );
    // No top-up bonus code at Freemud.
    let e = block_on(c.adjust_points(&j(
        r#"{"member":{"id":"1"},"delta":5,"reason":"top_up_bonus","idempotencyKey":"x"}"#,
    )))
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unsupported);
    // No lookup by card.
    let e = block_on(c.get_balance(&j(r#"{"member":{"cardId":"c1"}}"#))).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(c.transport().sent.borrow().is_empty());
    // An unknown mobile is the vendor's answer, passed through.
    let e = block_on(c.get_balance(&j(r#"{"member":{"mobile":"13000000000"}}"#))).unwrap_err();
    assert_eq!(e.code, ErrorCode::Vendor);
    assert_eq!(e.vendor_code.as_deref(), Some("1001"));
}

// ---------- Qimai ----------

const QIMAI: &str = r#"{"vendor":"qimai","openId":"test-open-id","grantCode":"g","openKey":"test-open-key","version":"v3","baseUrl":"http://sim/qimai"}"#;
const QIMAI_V2: &str = r#"{"vendor":"qimai","openId":"test-open-id","grantCode":"g","openKey":"test-open-key","version":"v2","baseUrl":"http://sim/qimai"}"#;

fn qm(data: &str) -> Reply {
    Reply::json(
        200,
        &format!(r#"{{"status":true,"code":0,"message":"success","data":{data},"traceId":"t"}}"#),
    )
}

fn qm2(data: &str) -> Reply {
    Reply::json(
        200,
        &format!(r#"{{"status":"true","code":"0","message":"success","data":{data}}}"#),
    )
}

fn params(c: &Client<ScriptedTransport>, i: usize) -> Json {
    let b = body(c, i);
    b.get("params")
        .or_else(|| b.get("Params"))
        .cloned()
        .unwrap()
}

#[test]
fn qimai_adjust_add_and_reduce_with_biz_id() {
    let t = ScriptedTransport::new()
        .then("getCustomerIdByPhone", qm(r#"{"customerId":"383933091455959041"}"#))
        .then("addCustomerPoints", qm(r#"{"customerId":"383933091455959041","bizId":"q-1","changePoints":10,"totalPoints":1010,"flowId":"f-1"}"#))
        .then("reducePoints", qm(r#"{"customerId":"383933091455959041","bizId":"q-2","changePoints":-4,"totalPoints":1006,"flowId":"f-2"}"#));
    let c = client(QIMAI, t);
    let r = block_on(c.adjust_points(&j(r#"{"member":{"mobile":"13700137000"},"delta":10,"reason":"sign_in","idempotencyKey":"q-1"}"#))).unwrap();
    assert_eq!(params(&c, 0).to_json_string(), r#"{"phone":"13700137000"}"#);
    let p = params(&c, 1);
    assert_eq!(
        p.get("bizId").and_then(Json::as_text).as_deref(),
        Some("q-1")
    );
    assert_eq!(p.get("sourceType").and_then(Json::as_i64_lenient), Some(5));
    assert_eq!(p.get("balance").and_then(Json::as_i64_lenient), Some(10));
    assert_eq!(r.get("balance"), Some(&Json::int(1010)));
    assert_eq!(r.get("vendorRef"), Some(&Json::str("f-1")));
    block_on(c.adjust_points(&j(r#"{"member":{"mobile":"13700137000"},"delta":-4,"reason":"points_payment","idempotencyKey":"q-2","remark":"order 88"}"#))).unwrap();
    let p = params(&c, 2);
    assert_eq!(p.get("balance").and_then(Json::as_i64_lenient), Some(4));
    assert_eq!(p.get("reason").and_then(Json::as_str), Some("order 88"));
    assert_eq!(c.transport().count("getCustomerIdByPhone"), 1, "cached");
}

#[test]
fn a_change_without_an_answer_is_outcome_unknown_and_a_same_key_repeat_tells_the_truth() {
    // Qimai dedupes bizId: the change may have landed although no reply came back.
    let t = ScriptedTransport::new()
        .then("getCustomerIdByPhone", qm(r#"{"customerId":"383933091455959041"}"#))
        .then("addCustomerPoints", Reply::network())
        .then("addCustomerPoints", Reply::json(503, "busy"))
        .then("addCustomerPoints", Reply::network())
        .then("addCustomerPoints", qm(r#"{"customerId":"383933091455959041","bizId":"q-9","changePoints":10,"totalPoints":1010,"flowId":"f-9"}"#));
    let c = client(QIMAI, t);
    let args = j(
        r#"{"member":{"mobile":"13700137000"},"delta":10,"reason":"sign_in","idempotencyKey":"q-9"}"#,
    );
    let e = block_on(c.adjust_points(&args)).unwrap_err();
    assert_eq!(e.code, ErrorCode::OutcomeUnknown, "{}", e.message);
    assert!(e.retryable, "the vendor dedupes: a same-key repeat is safe");
    assert!(e.message.contains("same idempotencyKey"), "{}", e.message);
    assert_eq!(c.transport().count("addCustomerPoints"), 3);
    // The repeat sends the same bizId again and gets the vendor's (first) answer.
    let r = block_on(c.adjust_points(&args)).unwrap();
    assert_eq!(r.get("applied"), Some(&Json::Bool(true)));
    assert_eq!(c.transport().count("addCustomerPoints"), 4);
    assert_eq!(
        params(&c, 4)
            .get("bizId")
            .and_then(Json::as_text)
            .as_deref(),
        Some("q-9")
    );

    // A lookup that fails sent no change: that stays a plain network error.
    let t = ScriptedTransport::new()
        .then("getCustomerIdByPhone", Reply::network())
        .then("getCustomerIdByPhone", Reply::network())
        .then("getCustomerIdByPhone", Reply::network());
    let c = client(QIMAI, t);
    let e = block_on(c.adjust_points(&args)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Network, "{}", e.message);
    assert_eq!(c.transport().count("addCustomerPoints"), 0);
}

#[test]
fn qimai_balance_member_ledger_with_client_side_dates() {
    let flow = r#"{"total":3,"page":1,"pageSize":20,"list":[
        {"id":"3","customerId":"1","changePoints":-5,"afterPoints":95,"sourceType":0,"reason":"r","bizId":"b3","createdAt":"2026-11-03 10:00:00"},
        {"id":"2","customerId":"1","changePoints":50,"afterPoints":100,"sourceType":1,"reason":"r","bizId":"b2","createdAt":"2026-11-02 10:00:00"},
        {"id":"1","customerId":"1","changePoints":50,"afterPoints":50,"sourceType":4,"reason":"r","bizId":"b1","createdAt":"2026-10-01 10:00:00"}]}"#;
    let t = ScriptedTransport::new()
        .then("getCustomerPoints", qm(r#"{"totalPoints":95,"foreverPoints":95,"soonExpiredPoints":0,"expiredTime":""}"#))
        .then("gatherCustomerInfo", qm(r#"{"customerId":"1","name":"陈一","mobile":"13700137000","levelName":"黄金会员","registerTime":"2024-01-01 00:00:00","points":95}"#))
        .then("getCrmPointsFlow", qm(flow));
    let c = client(QIMAI, t);
    let b = block_on(c.get_balance(&j(r#"{"member":{"id":"1"}}"#))).unwrap();
    assert_eq!(b.get("available"), Some(&Json::int(95)));
    let m = block_on(c.get_member(&j(r#"{"member":{"cardId":"QM0001"}}"#))).unwrap();
    assert_eq!(
        params(&c, 1).get("type").and_then(Json::as_i64_lenient),
        Some(3)
    );
    assert_eq!(m.get("level"), Some(&Json::str("黄金会员")));
    let p = block_on(c.ledger_page(&j(
        r#"{"member":{"id":"1"},"from":"2026-11-01","to":"2026-11-02"}"#,
    )))
    .unwrap();
    let entries = p.get("entries").unwrap().as_array().unwrap();
    assert_eq!(entries.len(), 1, "only 11-02 is inside the range");
    assert_eq!(
        entries[0].get("type").unwrap().to_json_string(),
        r#"{"code":"1","name":"消费增加"}"#
    );
    assert_eq!(
        p.get("cursor"),
        Some(&Json::Null),
        "older rows end the walk"
    );
}

#[test]
fn qimai_refusals_and_v2() {
    let c = client(QIMAI, ScriptedTransport::new());
    for (args, code) in [
        (
            r#"{"member":{"id":"1"},"delta":-5,"reason":"expiry","idempotencyKey":"x"}"#,
            ErrorCode::Unsupported,
        ),
        (
            r#"{"member":{"id":"1"},"delta":-5,"reason":"earn_reversal","idempotencyKey":"x"}"#,
            ErrorCode::Unsupported,
        ),
        (
            r#"{"member":{"id":"1"},"delta":5,"reason":"purchase","idempotencyKey":"x","orderId":"o"}"#,
            ErrorCode::Unsupported,
        ),
    ] {
        assert_eq!(
            block_on(c.adjust_points(&j(args))).unwrap_err().code,
            code,
            "{args}"
        );
    }
    assert!(c.transport().sent.borrow().is_empty());

    let t = ScriptedTransport::new()
        .then("/api/v2", qm2(r#"{"customerId":"7","name":"周二","mobile":"13700137001","levelName":"","registerTime":"","points":20}"#))
        .then("/api/v2", qm2("[]"))
        .then("/api/v2", qm2(r#"{"user_info":{"user_id":"7","user_points":25},"coupons":[]}"#));
    let c = client(QIMAI_V2, t);
    block_on(c.adjust_points(&j(r#"{"member":{"mobile":"13700137001"},"delta":5,"reason":"purchase","idempotencyKey":"v2-1"}"#))).unwrap();
    let sent = body(&c, 1);
    assert_eq!(sent.get("Action"), Some(&Json::str("user.points-add")));
    let e = block_on(c.adjust_points(&j(
        r#"{"member":{"id":"7"},"delta":-5,"reason":"redemption","idempotencyKey":"v2-2"}"#,
    )))
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unsupported);
    let b = block_on(c.get_balance(&j(r#"{"member":{"id":"7"}}"#))).unwrap();
    assert_eq!(b.get("available"), Some(&Json::int(25)));
}

#[test]
fn preview_signs_without_sending_and_masks_credentials() {
    let t = ScriptedTransport::new().then("kingdee_auth_token", kd_token());
    let c = client(KINGDEE, t);
    let p = block_on(c.preview(
        "adjustPoints",
        &j(r#"{"member":{"mobile":"13800138000"},"delta":5,"reason":"promotion","idempotencyKey":"p"}"#),
    ))
    .unwrap();
    assert_eq!(
        c.transport().count("integral_adjust"),
        0,
        "nothing but the token was sent"
    );
    assert_eq!(
        p.get("operation"),
        Some(&Json::str("/jdy/v2/ls/integral_adjust"))
    );
    let h = p.get("headers").unwrap();
    assert_eq!(h.get("app-token"), Some(&Json::str("***")));
    assert_ne!(h.get("X-Api-Signature"), Some(&Json::str("***")));
    assert!(!p.to_json_string().contains("test-tok"));
    assert!(!p.to_json_string().contains("test-client-secret"));
    let e = block_on(c.preview("deleteEverything", &j("{}"))).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
}

#[test]
fn capabilities_are_data_and_match_the_reason_table() {
    for f in [
        mapping("kingdee"),
        mapping("freemud"),
        mapping("qimai"),
        mapping("qimai-v2"),
    ] {
        let caps = capabilities::to_json(f);
        let ops = caps.get("operations").unwrap();
        for call in ["adjustPoints", "getBalance", "ledger", "getMember"] {
            let op = ops.get(call).unwrap();
            assert!(!op
                .get("nativeCalls")
                .unwrap()
                .as_array()
                .unwrap()
                .is_empty());
            assert!(!op.get("needs").unwrap().as_array().unwrap().is_empty());
        }
        for r in reasons::ALL {
            let entry = caps.get("reasons").unwrap().get(r.name()).unwrap();
            assert_eq!(entry.is_null(), r.vendor_code(f).is_none());
            let sign = caps.get("reasonSigns").unwrap().get(r.name()).unwrap();
            let want = if r.sign() == reasons::Sign::Earn {
                "earn"
            } else {
                "spend"
            };
            assert_eq!(sign.as_str(), Some(want), "{}", r.name());
        }
    }
    let k = capabilities::to_json(mapping("kingdee"));
    assert_eq!(
        k.get("operations")
            .unwrap()
            .get("adjustPoints")
            .unwrap()
            .get("idempotent"),
        Some(&Json::Bool(false))
    );
}

#[test]
fn every_refused_reason_and_every_contradicting_sign_sends_nothing() {
    let configs = [
        (mapping("kingdee"), KINGDEE, r#"{"mobile":"13800138000"}"#),
        (mapping("freemud"), FREEMUD, r#"{"id":"1"}"#),
        (mapping("qimai"), QIMAI, r#"{"id":"1"}"#),
        (mapping("qimai-v2"), QIMAI_V2, r#"{"id":"1"}"#),
    ];
    for (flavor, cfg, member) in configs {
        let c = client(cfg, ScriptedTransport::new());
        for r in reasons::ALL {
            let right = if r.sign() == reasons::Sign::Earn {
                3
            } else {
                -3
            };
            let args = |delta: i64| {
                j(&format!(
                    r#"{{"member":{member},"delta":{delta},"reason":"{}","idempotencyKey":"k-{}"}}"#,
                    r.name(),
                    r.name()
                ))
            };
            let wrong = block_on(c.adjust_points(&args(-right))).unwrap_err();
            assert_eq!(
                wrong.code,
                ErrorCode::InvalidInput,
                "{flavor:?} {}",
                r.name()
            );
            if r.vendor_code(flavor).is_none() {
                let e = block_on(c.adjust_points(&args(right))).unwrap_err();
                assert_eq!(e.code, ErrorCode::Unsupported, "{flavor:?} {}", r.name());
                assert!(e.message.contains(r.name()));
            }
        }
        assert!(c.transport().sent.borrow().is_empty(), "{flavor:?}");
    }
}

#[test]
/// One store shared by two clients, as a Durable Object is shared by isolates.
fn a_shared_store_dedupes_across_clients() {
    use jifen::client::{IdempotencyStore, MemoryStore};
    let store = std::rc::Rc::new(MemoryStore::new(100));
    let args = r#"{"member":{"mobile":"13800138000"},"delta":7,"reason":"promotion","idempotencyKey":"fleet-1"}"#;
    let a = client(
        KINGDEE,
        ScriptedTransport::new()
            .then("kingdee_auth_token", kd_token())
            .then("integral_adjust", kd("{}")),
    )
    .with_idempotency_store(Box::new(store.clone()));
    let b =
        client(KINGDEE, ScriptedTransport::new()).with_idempotency_store(Box::new(store.clone()));
    let first = block_on(a.adjust_points(&j(args))).unwrap();
    assert_eq!(block_on(b.adjust_points(&j(args))).unwrap(), first);
    assert!(
        b.transport().sent.borrow().is_empty(),
        "b replayed a's result"
    );

    // A claim without a try: its caller died before sending anything (a try is recorded
    // in the claim before it is sent). The key is not stuck: the next caller sends it.
    // (Another amount than fleet-1's: an identical change would wait for fleet-1's lane.)
    let claim = r#"{"fp":"|13800138000||9|promotion||"}"#;
    assert!(block_on(store.put_if_absent("jifen:kingdee-set:1:k:fleet-2", claim)).unwrap());
    let fleet2 = args
        .replace("fleet-1", "fleet-2")
        .replace("\"delta\":7", "\"delta\":9");
    let c = client(
        KINGDEE,
        ScriptedTransport::new()
            .then("kingdee_auth_token", kd_token())
            .then("integral_adjust", kd("{}")),
    )
    .with_idempotency_store(Box::new(store.clone()));
    let r = block_on(c.adjust_points(&j(&fleet2.replace("\"delta\":9", "\"delta\":10"))));
    assert!(r.is_err(), "another change under that key: {r:?}");
    let sent = block_on(c.adjust_points(&j(&fleet2))).unwrap();
    assert_eq!(sent.get("applied"), Some(&Json::Bool(true)));
    assert_eq!(c.transport().count("integral_adjust"), 1);
    // Another change under a claimed key is refused outright.
    let e = block_on(
        b.adjust_points(&j(&args
            .replace("fleet-1", "fleet-2")
            .replace("\"delta\":7", "\"delta\":8"))),
    )
    .unwrap_err();
    assert!(e.message.contains("different change"), "{}", e.message);

    // On a vendor with its own key, a claimed key is sent: the vendor dedupes.
    let fm_store = std::rc::Rc::new(MemoryStore::new(100));
    let fm_args =
        r#"{"member":{"id":"1"},"delta":5,"reason":"manual_grant","idempotencyKey":"fleet-3"}"#;
    assert!(block_on(fm_store.put_if_absent(
        "jifen:freemud:9001:app-1:fleet-3",
        r#"{"fp":"1|||5|manual_grant||"}"#
    ))
    .unwrap());
    let c = client(
        FREEMUD,
        ScriptedTransport::new().then("updateScore", fm(r#"{"updateScore":5,"currentScore":305}"#)),
    )
    .with_idempotency_store(Box::new(fm_store));
    assert_eq!(
        block_on(c.adjust_points(&j(fm_args)))
            .unwrap()
            .get("balance"),
        Some(&Json::int(305))
    );
}

#[test]
fn adjust_accepts_exactly_the_fields_capabilities_lists() {
    for (flavor, cfg, member) in [
        (mapping("kingdee"), KINGDEE, r#"{"mobile":"13800138000"}"#),
        (mapping("freemud"), FREEMUD, r#"{"id":"1"}"#),
        (mapping("qimai"), QIMAI, r#"{"id":"1"}"#),
    ] {
        let accepts = capabilities::adjust_fields(flavor);
        for field in ["orderId", "remark"] {
            let c = client(cfg, ScriptedTransport::new());
            let r = block_on(c.adjust_points(&j(&format!(
                r#"{{"member":{member},"delta":5,"reason":"promotion","idempotencyKey":"f","{field}":"x"}}"#
            ))));
            let refused = matches!(&r, Err(e) if e.code == ErrorCode::Unsupported);
            assert_eq!(
                refused,
                !accepts.contains(&field),
                "{flavor:?} {field}: {r:?}"
            );
        }
    }
}
