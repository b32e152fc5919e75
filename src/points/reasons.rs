//! The vendor-neutral reasons for a points change, written once (the `reasons!`
//! table: name, sign, label), and each vendor's code for them, keyed by reason.
//! A reason a vendor cannot express maps to `None` and is refused: never bent
//! into a neighbouring code. Everything outside the library reads this through
//! `capabilities()` (`reasons`, `reasonSigns`): the README table, the gateway's
//! validation, the admin page's lists; `index.d.ts` is checked against it.

use super::Mapping;

/// Which way a reason moves points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    /// The delta must be positive.
    Earn,
    /// The delta must be negative.
    Spend,
}

impl Sign {
    /// `earn` or `spend`, as `capabilities().reasonSigns` says it.
    pub fn name(self) -> &'static str {
        match self {
            Sign::Earn => "earn",
            Sign::Spend => "spend",
        }
    }
}

/// The reason table, written once: each reason's variant, wire name, sign and
/// Chinese label (sent where a vendor takes free text), in the order the docs
/// list them. Defines [`Reason`], [`ALL`], [`NAMES`] and the lookups; the
/// vendors' codes are the tables below, keyed by reason.
macro_rules! reasons {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $sign:ident, $label:literal; )*) => {
        /// Why points change.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Reason {
            $( $(#[$doc])* $variant, )*
        }

        /// Every reason, in the order the docs list them (the enum's).
        pub const ALL: [Reason; 18] = [$( Reason::$variant, )*];

        /// The wire names, in [`ALL`]'s order.
        pub const NAMES: [&str; 18] = [$( $name, )*];

        /// Sign and label per reason, in [`ALL`]'s order.
        static ROWS: [(Sign, &str); 18] = [$( (Sign::$sign, $label), )*];
    };
}

reasons! {
    /// Earned on a purchase.
    Purchase = "purchase", Earn, "消费送积分";
    /// Earned by signing in (Kingdee 11 会员签到赠送).
    SignIn = "sign_in", Earn, "签到送积分";
    /// Earned by checking in (打卡, Kingdee 6 打卡赠送: a type of its own there,
    /// beside sign-in).
    CheckIn = "check_in", Earn, "打卡送积分";
    /// Granted by staff.
    ManualGrant = "manual_grant", Earn, "手动赠送";
    /// Granted by a promotion.
    Promotion = "promotion", Earn, "促销赠送";
    /// Granted on registration.
    Registration = "registration", Earn, "注册送积分";
    /// Granted on a birthday.
    Birthday = "birthday", Earn, "生日送积分";
    /// Granted for completing a profile.
    ProfileCompletion = "profile_completion", Earn, "完善资料送积分";
    /// Granted with a stored-value top-up.
    TopUpBonus = "top_up_bonus", Earn, "充值赠送";
    /// Carried over from another system.
    Migration = "migration", Earn, "积分迁入";
    /// Granted on a level upgrade.
    Upgrade = "upgrade", Earn, "升级送积分";
    /// Spent on a redemption.
    Redemption = "redemption", Spend, "积分兑换";
    /// Spent as payment (points offset cash, Kingdee 2 积分抵现).
    PointsPayment = "points_payment", Spend, "积分支付";
    /// Spent on a purchase (Kingdee 1 积分消费): a deduction that is neither a
    /// redemption for goods nor a cash offset.
    Consumption = "consumption", Spend, "积分消费";
    /// Taken by staff.
    ManualDeduction = "manual_deduction", Spend, "手动扣减";
    /// An earn taken back (e.g. the order was refunded).
    EarnReversal = "earn_reversal", Spend, "消费送积分扣回";
    /// A points payment given back.
    PaymentRefund = "payment_refund", Earn, "积分支付退回";
    /// Expired.
    Expiry = "expiry", Spend, "积分过期";
}

/// A vendor's own code for a reason, with the vendor's name for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VendorCode {
    /// The value sent (Kingdee `operation`, Freemud `operationType`, Qimai
    /// `sourceType`; `reduce` for a Qimai `reducePoints`).
    pub code: &'static str,
    /// The vendor's label for it.
    pub name: &'static str,
}

impl Reason {
    /// The wire name (`purchase`, `sign_in`, …).
    pub fn name(self) -> &'static str {
        NAMES.get(self as usize).copied().unwrap_or_default()
    }

    /// The reason named `name`.
    pub fn from_name(name: &str) -> Option<Reason> {
        let i = NAMES.iter().position(|n| *n == name)?;
        ALL.get(i).copied()
    }

    /// Which sign the delta must have.
    pub fn sign(self) -> Sign {
        ROWS.get(self as usize).map_or(Sign::Earn, |r| r.0)
    }

    /// A short Chinese label (sent where a vendor takes free text).
    pub fn label_zh(self) -> &'static str {
        ROWS.get(self as usize).map_or("", |r| r.1)
    }

    /// The vendor's code for this reason, or `None` where it has none: each
    /// vendor's mapping reads its own table (in its folder) with [`Reason::code_in`].
    ///
    /// Sources: Kingdee `operation` 1–11 (docs/vendors/kingdee.md §12.1), Freemud `operationType`
    /// 1–17 (docs/vendors/freemud.md §12.3), Qimai `sourceType` 1–12 (docs/vendors/qimai.md §11) for additions;
    /// Qimai reductions (`reducePoints`, §6) take no type, only free text. `tests/vectors/reasons.json`
    /// holds those documented codes; `tests/node/reasons.test.mjs` checks every code sent against them.
    pub fn vendor_code(self, mapping: &dyn Mapping) -> Option<VendorCode> {
        mapping.reason_code(self)
    }

    /// This reason's entry in a vendor's `table` (reason, code, the vendor's label).
    pub fn code_in(self, table: &[CodeRow]) -> Option<VendorCode> {
        table
            .iter()
            .find(|row| row.0 == self)
            .map(|&(_, code, name)| VendorCode { code, name })
    }
}

/// One row of a vendor's reason table: the reason, the vendor's code, its label.
pub type CodeRow = (Reason, &'static str, &'static str);

// Native only: proptest and base64 are native dev-dependencies, and `wasm-pack test`
// builds every test target for wasm32. The codes themselves are checked against the
// vendors' documented codes in `tests/vectors/reasons.json` (tests/node/reasons.test.mjs);
// these are the table's properties.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
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
    fn names_round_trip_and_are_snake_case() {
        for (i, r) in ALL.into_iter().enumerate() {
            assert_eq!(r as usize, i, "ALL is in the enum's order");
            assert_eq!(Reason::from_name(r.name()), Some(r));
            assert!(r
                .name()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
            assert!(!r.label_zh().is_empty(), "{}", r.name());
        }
        assert_eq!(Reason::from_name("refund"), None);
        assert_eq!(Reason::from_name(""), None);
    }

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
    fn the_signs_are_the_issue_s() {
        use Reason::*;
        let spend = [
            Redemption,
            PointsPayment,
            Consumption,
            ManualDeduction,
            EarnReversal,
            Expiry,
        ];
        for r in ALL {
            let want = if spend.contains(&r) {
                Sign::Spend
            } else {
                Sign::Earn
            };
            assert_eq!(r.sign(), want, "{}", r.name());
        }
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
}
