//! The vendor-neutral reasons for a points change, written once (the `reasons!`
//! table: name, sign, label), and each vendor's code for them, keyed by reason.
//! A reason a vendor cannot express maps to `None` and is refused: never bent
//! into a neighbouring code. Everything outside the library reads this through
//! `capabilities()` (`reasons`, `reasonSigns`): the README table, the gateway's
//! validation, the admin page's lists; `index.d.ts` is checked against it.

use super::Flavor;

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

    /// The vendor's code for this reason, or `None` where it has none.
    ///
    /// Sources: Kingdee `operation` 1–11 (docs/vendors/kingdee.md §12.1), Freemud `operationType`
    /// 1–17 (docs/vendors/freemud.md §12.3), Qimai `sourceType` 1–12 (docs/vendors/qimai.md §11) for additions;
    /// Qimai reductions (`reducePoints`, §6) take no type, only free text. `tests/vectors/reasons.json`
    /// holds those documented codes; `tests/node/reasons.test.mjs` checks every code sent against them.
    pub fn vendor_code(self, flavor: Flavor) -> Option<VendorCode> {
        let tables: [&[(Reason, &str, &str)]; 2] = match flavor {
            Flavor::Kingdee => [&KINGDEE, &[]],
            Flavor::Freemud => [&FREEMUD, &[]],
            Flavor::QimaiV3 => [&QIMAI_ADD, &QIMAI_REDUCE],
            // The v2 gateway documents no deduction Action.
            Flavor::QimaiV2 => [&QIMAI_ADD, &[]],
        };
        for table in tables {
            for &(reason, code, name) in table {
                if reason == self {
                    return Some(VendorCode { code, name });
                }
            }
        }
        None
    }
}

/// Kingdee `operation`, in code order: all eleven 调整类型 have a reason (9
/// 购买积分 and 10 积分购买退款 are the purchase earn and its reversal, 1 积分消费
/// is `consumption`, 6 打卡赠送 `check_in`); no operation says "manual",
/// "registration", "birthday", "profile", "migration" or "upgrade".
static KINGDEE: [(Reason, &str, &str); 11] = [
    (Reason::Consumption, "1", "积分消费"),
    (Reason::PointsPayment, "2", "积分抵现"),
    (Reason::Redemption, "3", "积分兑换"),
    (Reason::TopUpBonus, "4", "充值赠送"),
    (Reason::Promotion, "5", "促销赠送"),
    (Reason::CheckIn, "6", "打卡赠送"),
    (Reason::Expiry, "7", "到期清零"),
    (Reason::PaymentRefund, "8", "退款"),
    (Reason::Purchase, "9", "购买积分"),
    (Reason::EarnReversal, "10", "积分购买退款"),
    (Reason::SignIn, "11", "会员签到赠送"),
];

/// Freemud `operationType`, in code order (no top-up bonus). Points spent on a
/// purchase are 14 积分支付 whether Kingdee would call them 积分抵现 or 积分消费;
/// 3 积分签到 is sign-in, and no type says check-in (打卡), so `check_in` is
/// refused rather than recorded as a sign-in. 16 and 17 (reversals of an
/// upgrade bonus and of a promotion) have no reason.
static FREEMUD: [(Reason, &str, &str); 16] = [
    (Reason::Purchase, "1", "消费送积分"),
    (Reason::PaymentRefund, "2", "积分支付退回"),
    (Reason::SignIn, "3", "积分签到"),
    (Reason::ManualGrant, "4", "手动赠送"),
    (Reason::Upgrade, "5", "等级升级送积分"),
    (Reason::Migration, "6", "割接"),
    (Reason::Birthday, "7", "生日送"),
    (Reason::Registration, "8", "注册送"),
    (Reason::ProfileCompletion, "9", "完善送"),
    (Reason::Promotion, "10", "消费满赠"),
    (Reason::ManualDeduction, "11", "手动扣减"),
    (Reason::Redemption, "12", "积分兑换"),
    (Reason::Expiry, "13", "积分清理"),
    (Reason::PointsPayment, "14", "积分支付"),
    (Reason::Consumption, "14", "积分支付"),
    (Reason::EarnReversal, "15", "消费送积分扣回"),
];

/// Qimai `sourceType` for additions (v2 `user.points-add`, v3 `addCustomerPoints`),
/// in code order; 5 积分签到 is sign-in, and no type says check-in (打卡).
/// Reversals need the original `bizId` (`reversePoints`), which a delta does
/// not carry; expiry is the vendor's own job.
static QIMAI_ADD: [(Reason, &str, &str); 7] = [
    (Reason::Purchase, "1", "消费增加"),
    (Reason::ManualGrant, "4", "商家手动补发"),
    (Reason::SignIn, "5", "积分签到"),
    (Reason::Promotion, "6", "满赠活动"),
    (Reason::TopUpBonus, "8", "储值赠送"),
    (Reason::Migration, "9", "资产迁入"),
    (Reason::ProfileCompletion, "12", "完善会员资料得积分"),
];

/// Qimai v3 `reducePoints`, which takes no type: every deduction is 积分扣减.
static QIMAI_REDUCE: [(Reason, &str, &str); 4] = [
    (Reason::Redemption, "reduce", "积分扣减"),
    (Reason::PointsPayment, "reduce", "积分扣减"),
    (Reason::Consumption, "reduce", "积分扣减"),
    (Reason::ManualDeduction, "reduce", "积分扣减"),
];

/// Qimai's flow `sourceType` codes and their labels (0 = a reduction).
static QIMAI_SOURCES: [(&str, &str); 13] = [
    ("0", "积分扣减"),
    ("1", "消费增加"),
    ("2", "关注有礼"),
    ("3", "会员特权"),
    ("4", "商家手动补发"),
    ("5", "积分签到"),
    ("6", "满赠活动"),
    ("7", "抽奖得积分"),
    ("8", "储值赠送"),
    ("9", "资产迁入"),
    ("10", "登录获积分"),
    ("11", "评价得积分"),
    ("12", "完善会员资料得积分"),
];

/// Qimai's label for a flow's `sourceType` (0 = a reduction); `""` for an unknown code.
pub fn qimai_source_name(code: &str) -> &'static str {
    QIMAI_SOURCES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, name)| name)
}

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

    const FLAVORS: [Flavor; 4] = [
        Flavor::Kingdee,
        Flavor::Freemud,
        Flavor::QimaiV3,
        Flavor::QimaiV2,
    ];

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
        for t in [&KINGDEE[..], &FREEMUD, &QIMAI_ADD, &QIMAI_REDUCE] {
            for (i, a) in t.iter().enumerate() {
                assert!(t.iter().skip(i + 1).all(|b| b.0 != a.0), "{:?} twice", a.0);
            }
        }
        // Qimai's additions and reductions never claim one reason both ways.
        assert!(QIMAI_ADD
            .iter()
            .all(|a| QIMAI_REDUCE.iter().all(|r| r.0 != a.0)));
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
        assert_eq!(supported(Flavor::Kingdee), 11);
        assert_eq!(supported(Flavor::Freemud), 16);
        assert_eq!(supported(Flavor::QimaiV3), 11);
        assert_eq!(supported(Flavor::QimaiV2), 7);
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
                .filter_map(|r| r.vendor_code(Flavor::Kingdee).map(|c| (r, c)))
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
            if let Some(c) = r.vendor_code(Flavor::Freemud) {
                let op = c.code.parse().ok().and_then(OperationType::from_code);
                assert_eq!(op.map(OperationType::name_zh), Some(c.name), "{}", r.name());
            }
        }
    }

    #[test]
    fn qimai_flow_labels_agree_with_the_codes_sent() {
        for (_, code, name) in QIMAI_ADD {
            assert_eq!(qimai_source_name(code), name);
        }
        assert_eq!(qimai_source_name("0"), "积分扣减");
    }

    proptest! {
        /// Only a canonical code 0–12 has a flow label ("01", "+1", " 1", "13" have none).
        #[test]
        fn qimai_flow_labels_only_for_canonical_codes(code in "[0-9+ -]{0,3}") {
            let canonical = code.parse::<u8>().ok().filter(|n| *n <= 12 && n.to_string() == code);
            prop_assert_eq!(!qimai_source_name(&code).is_empty(), canonical.is_some());
        }
    }

    #[test]
    fn check_in_is_refused_where_only_sign_in_exists() {
        for f in [Flavor::Freemud, Flavor::QimaiV3, Flavor::QimaiV2] {
            assert_eq!(Reason::CheckIn.vendor_code(f), None, "{f:?}");
            assert!(Reason::SignIn.vendor_code(f).is_some(), "{f:?}");
        }
        assert_eq!(
            Reason::Consumption.vendor_code(Flavor::Freemud),
            vc("14", "积分支付")
        );
        assert_eq!(
            Reason::Consumption.vendor_code(Flavor::QimaiV3),
            vc("reduce", "积分扣减")
        );
        assert_eq!(Reason::Consumption.vendor_code(Flavor::QimaiV2), None);
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
                            assert_eq!(a.sign(), b.sign(), "{} / {} on {f:?}", a.name(), b.name());
                        }
                    }
                }
            }
        }
    }
}
