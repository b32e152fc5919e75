//! The vendors' reason tables, checked as properties and against the vendors' own
//! operation enums (the documented codes themselves are the vectors in
//! `tests/vectors/reasons/codes.json`, checked by `tests/node/reasons.test.mjs`).

use crate::points::reasons::*;
use crate::points::Mapping;
use proptest::prelude::*;

const fn vc(code: &'static str, name: &'static str) -> Option<VendorCode> {
    Some(VendorCode { code, name })
}

type Flavor = &'static dyn Mapping;
const KINGDEE: Flavor = &crate::vendors::kingdee::points::POINTS;
const FREEMUD: Flavor = &crate::vendors::freemud::points::POINTS;
const QIMAI_V3: Flavor = &crate::vendors::qimai::points::V3;
const QIMAI_V2: Flavor = &crate::vendors::qimai::points::V2;
const FLAVORS: [Flavor; 4] = [KINGDEE, FREEMUD, QIMAI_V3, QIMAI_V2];

#[test]
fn each_vendor_table_names_a_reason_once() {
    use crate::vendors::{freemud, kingdee, qimai};
    let (qimai_add, qimai_reduce) = (
        &qimai::points::REASON_CODES_ADD,
        &qimai::points::REASON_CODES_REDUCE,
    );
    for t in [
        &kingdee::points::REASON_CODES[..],
        &freemud::points::REASON_CODES,
        qimai_add,
        qimai_reduce,
    ] {
        for (i, a) in t.iter().enumerate() {
            assert!(t.iter().skip(i + 1).all(|b| b.0 != a.0), "{:?} twice", a.0);
        }
    }
    // Qimai's additions and reductions never claim one reason both ways.
    assert!(qimai_add
        .iter()
        .all(|a| qimai_reduce.iter().all(|r| r.0 != a.0)));
}

#[test]
fn every_reason_is_recorded_by_some_vendor() {
    for r in ALL {
        assert!(
            FLAVORS.iter().any(|f| r.vendor_code(*f).is_some()),
            "{}",
            r.name()
        );
    }
    // The documented counts keep the table honest when it changes.
    let supported = |f: Flavor| ALL.iter().filter(|r| r.vendor_code(f).is_some()).count();
    assert_eq!(supported(KINGDEE), 11);
    assert_eq!(supported(FREEMUD), 16);
    assert_eq!(supported(QIMAI_V3), 11);
    assert_eq!(supported(QIMAI_V2), 7);
}

#[test]
fn every_kingdee_adjust_type_is_a_reason_in_the_vendor_s_words() {
    use crate::vendors::kingdee::ops::AdjustOperation;
    // All eleven 调整类型 of integral_adjust (the vendor layer's own enum), each
    // offered by exactly one reason.
    for op in AdjustOperation::ALL {
        let code = op.code().to_string();
        let named: Vec<_> = ALL
            .iter()
            .filter_map(|r| r.vendor_code(KINGDEE).map(|c| (r, c)))
            .filter(|(_, c)| c.code == code)
            .collect();
        assert_eq!(named.len(), 1, "operation {code}: {named:?}");
        assert_eq!(named[0].1.name, op.name_zh(), "operation {code}");
    }
}

#[test]
fn every_freemud_code_sent_is_an_operation_type_in_the_vendor_s_words() {
    use crate::vendors::freemud::ops::OperationType;
    for r in ALL {
        if let Some(c) = r.vendor_code(FREEMUD) {
            let op = c.code.parse().ok().and_then(OperationType::from_code);
            assert_eq!(op.map(OperationType::name_zh), Some(c.name), "{}", r.name());
        }
    }
}

#[test]
fn qimai_flow_labels_agree_with_the_codes_sent() {
    use crate::vendors::qimai::points::{qimai_source_name, REASON_CODES_ADD};
    for (_, code, name) in REASON_CODES_ADD {
        assert_eq!(qimai_source_name(code), name);
    }
    assert_eq!(qimai_source_name("0"), "积分扣减");
}

proptest! {
    /// Only a canonical code 0–12 has a flow label ("01", "+1", " 1", "13" have none).
    #[test]
    fn qimai_flow_labels_only_for_canonical_codes(code in "[0-9+ -]{0,3}") {
        let canonical = code.parse::<u8>().ok().filter(|n| *n <= 12 && n.to_string() == code);
        prop_assert_eq!(!crate::vendors::qimai::points::qimai_source_name(&code).is_empty(), canonical.is_some());
    }
}

#[test]
fn check_in_is_refused_where_only_sign_in_exists() {
    for f in [FREEMUD, QIMAI_V3, QIMAI_V2] {
        assert_eq!(Reason::CheckIn.vendor_code(f), None, "{}", f.name());
        assert!(Reason::SignIn.vendor_code(f).is_some(), "{}", f.name());
    }
    assert_eq!(
        Reason::Consumption.vendor_code(FREEMUD),
        vc("14", "积分支付")
    );
    assert_eq!(
        Reason::Consumption.vendor_code(QIMAI_V3),
        vc("reduce", "积分扣减")
    );
    assert_eq!(Reason::Consumption.vendor_code(QIMAI_V2), None);
}

#[test]
fn no_code_carries_both_signs() {
    for f in FLAVORS {
        for a in ALL {
            for b in ALL {
                if let (Some(ca), Some(cb)) = (a.vendor_code(f), b.vendor_code(f)) {
                    if ca.code == cb.code {
                        assert_eq!(
                            a.sign(),
                            b.sign(),
                            "{} / {} on {}",
                            a.name(),
                            b.name(),
                            f.name()
                        );
                    }
                }
            }
        }
    }
}
