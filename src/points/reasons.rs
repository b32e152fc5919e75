//! The vendor-neutral reasons for a points change, and the one table that maps
//! each to a vendor's own code. A reason a vendor cannot express maps to
//! `None` and is refused: never bent into a neighbouring code.

use super::Mapping;

/// Which way a reason moves points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    /// The delta must be positive.
    Earn,
    /// The delta must be negative.
    Spend,
}

/// Why points change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// Earned on a purchase.
    Purchase,
    /// Earned by signing in (Kingdee 11 会员签到赠送).
    SignIn,
    /// Earned by checking in (打卡, Kingdee 6 打卡赠送: a type of its own there,
    /// beside sign-in).
    CheckIn,
    /// Granted by staff.
    ManualGrant,
    /// Granted by a promotion.
    Promotion,
    /// Granted on registration.
    Registration,
    /// Granted on a birthday.
    Birthday,
    /// Granted for completing a profile.
    ProfileCompletion,
    /// Granted with a stored-value top-up.
    TopUpBonus,
    /// Carried over from another system.
    Migration,
    /// Granted on a level upgrade.
    Upgrade,
    /// Spent on a redemption.
    Redemption,
    /// Spent as payment (points offset cash, Kingdee 2 积分抵现).
    PointsPayment,
    /// Spent on a purchase (Kingdee 1 积分消费): a deduction that is neither a
    /// redemption for goods nor a cash offset.
    Consumption,
    /// Taken by staff.
    ManualDeduction,
    /// An earn taken back (e.g. the order was refunded).
    EarnReversal,
    /// A points payment given back.
    PaymentRefund,
    /// Expired.
    Expiry,
}

/// Every reason, in the order the docs list them.
pub const ALL: [Reason; 18] = [
    Reason::Purchase,
    Reason::SignIn,
    Reason::CheckIn,
    Reason::ManualGrant,
    Reason::Promotion,
    Reason::Registration,
    Reason::Birthday,
    Reason::ProfileCompletion,
    Reason::TopUpBonus,
    Reason::Migration,
    Reason::Upgrade,
    Reason::Redemption,
    Reason::PointsPayment,
    Reason::Consumption,
    Reason::ManualDeduction,
    Reason::EarnReversal,
    Reason::PaymentRefund,
    Reason::Expiry,
];

/// The wire names, in [`ALL`]'s order (which is the enum's).
pub const NAMES: [&str; 18] = [
    "purchase",
    "sign_in",
    "check_in",
    "manual_grant",
    "promotion",
    "registration",
    "birthday",
    "profile_completion",
    "top_up_bonus",
    "migration",
    "upgrade",
    "redemption",
    "points_payment",
    "consumption",
    "manual_deduction",
    "earn_reversal",
    "payment_refund",
    "expiry",
];

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
        for (i, n) in NAMES.iter().enumerate() {
            if *n == name {
                return ALL.get(i).copied();
            }
        }
        None
    }

    /// Which sign the delta must have.
    pub fn sign(self) -> Sign {
        match self {
            Reason::Redemption
            | Reason::PointsPayment
            | Reason::Consumption
            | Reason::ManualDeduction
            | Reason::EarnReversal
            | Reason::Expiry => Sign::Spend,
            _ => Sign::Earn,
        }
    }

    /// A short Chinese label (sent where a vendor takes free text).
    pub fn label_zh(self) -> &'static str {
        match self {
            Reason::Purchase => "消费送积分",
            Reason::SignIn => "签到送积分",
            Reason::CheckIn => "打卡送积分",
            Reason::ManualGrant => "手动赠送",
            Reason::Promotion => "促销赠送",
            Reason::Registration => "注册送积分",
            Reason::Birthday => "生日送积分",
            Reason::ProfileCompletion => "完善资料送积分",
            Reason::TopUpBonus => "充值赠送",
            Reason::Migration => "积分迁入",
            Reason::Upgrade => "升级送积分",
            Reason::Redemption => "积分兑换",
            Reason::PointsPayment => "积分支付",
            Reason::Consumption => "积分消费",
            Reason::ManualDeduction => "手动扣减",
            Reason::EarnReversal => "消费送积分扣回",
            Reason::PaymentRefund => "积分支付退回",
            Reason::Expiry => "积分过期",
        }
    }

    /// The vendor's code for this reason, or `None` where it has none
    /// (each vendor's mapping reads its table below with [`Reason::code_in`]).
    pub fn vendor_code(self, mapping: &dyn Mapping) -> Option<VendorCode> {
        mapping.reason_code(self)
    }

    /// This reason's entry in a vendor's `table`, or `None` where it is empty.
    ///
    /// Sources: Kingdee `operation` 1–11 (docs/vendors/kingdee.md §12.1), Freemud `operationType`
    /// 1–17 (docs/vendors/freemud.md §12.3), Qimai `sourceType` 1–12 (docs/vendors/qimai.md §11) for additions;
    /// Qimai reductions (`reducePoints`) take no type, only free text.
    pub fn code_in(self, table: &'static CodeTable) -> Option<VendorCode> {
        let &(code, name) = table.get(self as usize)?;
        if code.is_empty() {
            return None;
        }
        Some(VendorCode { code, name })
    }
}

/// A vendor's code and label per reason, in [`ALL`]'s order; `""`: none.
pub type CodeTable = [(&'static str, &'static str); 18];

/// Each vendor's code and label per reason, in [`ALL`]'s order; `""`: none.
/// Kingdee `operation`: all eleven 调整类型 have a reason (9 购买积分 and 10
/// 积分购买退款 are the purchase earn and its reversal, 1 积分消费 is
/// `consumption`, 6 打卡赠送 `check_in`); no operation says "manual",
/// "registration", "birthday", "profile", "migration" or "upgrade".
pub static KINGDEE: CodeTable = [
    ("9", "购买积分"),
    ("11", "会员签到赠送"),
    ("6", "打卡赠送"),
    ("", ""),
    ("5", "促销赠送"),
    ("", ""),
    ("", ""),
    ("", ""),
    ("4", "充值赠送"),
    ("", ""),
    ("", ""),
    ("3", "积分兑换"),
    ("2", "积分抵现"),
    ("1", "积分消费"),
    ("", ""),
    ("10", "积分购买退款"),
    ("8", "退款"),
    ("7", "到期清零"),
];

/// Freemud `operationType` (no top-up bonus). Points spent on a purchase are
/// 14 积分支付 whether Kingdee would call them 积分抵现 or 积分消费; 3 积分签到 is
/// sign-in, and no type says check-in (打卡), so `check_in` is refused rather
/// than recorded as a sign-in.
pub static FREEMUD: CodeTable = [
    ("1", "消费送积分"),
    ("3", "积分签到"),
    ("", ""),
    ("4", "手动赠送"),
    ("10", "消费满赠"),
    ("8", "注册送"),
    ("7", "生日送"),
    ("9", "完善送"),
    ("", ""),
    ("6", "割接"),
    ("5", "等级升级送积分"),
    ("12", "积分兑换"),
    ("14", "积分支付"),
    ("14", "积分支付"),
    ("11", "手动扣减"),
    ("15", "消费送积分扣回"),
    ("2", "积分支付退回"),
    ("13", "积分清理"),
];

/// Qimai `sourceType` for additions, `reduce` for v3 `reducePoints` (which
/// takes no type: every deduction is 积分扣减). Reversals need the original
/// `bizId` (`reversePoints`), which a delta does not carry; expiry is the
/// vendor's own job; 5 积分签到 is sign-in, and no type says check-in (打卡).
pub static QIMAI: CodeTable = [
    ("1", "消费增加"),
    ("5", "积分签到"),
    ("", ""),
    ("4", "商家手动补发"),
    ("6", "满赠活动"),
    ("", ""),
    ("", ""),
    ("12", "完善会员资料得积分"),
    ("8", "储值赠送"),
    ("9", "资产迁入"),
    ("", ""),
    ("reduce", "积分扣减"),
    ("reduce", "积分扣减"),
    ("reduce", "积分扣减"),
    ("reduce", "积分扣减"),
    ("", ""),
    ("", ""),
    ("", ""),
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
// builds every test target for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const fn vc(code: &'static str, name: &'static str) -> Option<VendorCode> {
        Some(VendorCode { code, name })
    }

    type Flavor = &'static dyn Mapping;

    /// The matches `vendor_code` was before the tables.
    trait Before {
        fn vendor_code_before(self, flavor: Flavor) -> Option<VendorCode>;
        fn kingdee(self) -> Option<VendorCode>;
        fn freemud(self) -> Option<VendorCode>;
        fn qimai(self, v3: bool) -> Option<VendorCode>;
    }

    impl Before for Reason {
        fn vendor_code_before(self, flavor: Flavor) -> Option<VendorCode> {
            match flavor.name() {
                "kingdee" => self.kingdee(),
                "freemud" => self.freemud(),
                "qimai" => self.qimai(true),
                "qimai-v2" => self.qimai(false),
                other => panic!("{other}"),
            }
        }

        fn kingdee(self) -> Option<VendorCode> {
            match self {
                // 9 购买积分 and 10 积分购买退款 are the purchase earn and its reversal.
                Reason::Purchase => vc("9", "购买积分"),
                Reason::EarnReversal => vc("10", "积分购买退款"),
                Reason::SignIn => vc("11", "会员签到赠送"),
                Reason::CheckIn => vc("6", "打卡赠送"),
                Reason::Consumption => vc("1", "积分消费"),
                Reason::Promotion => vc("5", "促销赠送"),
                Reason::TopUpBonus => vc("4", "充值赠送"),
                Reason::Redemption => vc("3", "积分兑换"),
                Reason::PointsPayment => vc("2", "积分抵现"),
                Reason::PaymentRefund => vc("8", "退款"),
                Reason::Expiry => vc("7", "到期清零"),
                // No Kingdee operation says "manual", "registration", "birthday",
                // "profile", "migration" or "upgrade".
                _ => None,
            }
        }

        fn freemud(self) -> Option<VendorCode> {
            match self {
                Reason::Purchase => vc("1", "消费送积分"),
                Reason::PaymentRefund => vc("2", "积分支付退回"),
                Reason::SignIn => vc("3", "积分签到"),
                Reason::ManualGrant => vc("4", "手动赠送"),
                Reason::Upgrade => vc("5", "等级升级送积分"),
                Reason::Migration => vc("6", "割接"),
                Reason::Birthday => vc("7", "生日送"),
                Reason::Registration => vc("8", "注册送"),
                Reason::ProfileCompletion => vc("9", "完善送"),
                Reason::Promotion => vc("10", "消费满赠"),
                Reason::ManualDeduction => vc("11", "手动扣减"),
                Reason::Redemption => vc("12", "积分兑换"),
                Reason::Expiry => vc("13", "积分清理"),
                Reason::PointsPayment | Reason::Consumption => vc("14", "积分支付"),
                Reason::EarnReversal => vc("15", "消费送积分扣回"),
                Reason::TopUpBonus | Reason::CheckIn => None,
            }
        }

        fn qimai(self, v3: bool) -> Option<VendorCode> {
            match self {
                Reason::Purchase => vc("1", "消费增加"),
                Reason::ManualGrant => vc("4", "商家手动补发"),
                Reason::SignIn => vc("5", "积分签到"),
                Reason::Promotion => vc("6", "满赠活动"),
                Reason::TopUpBonus => vc("8", "储值赠送"),
                Reason::Migration => vc("9", "资产迁入"),
                Reason::ProfileCompletion => vc("12", "完善会员资料得积分"),
                // v3 `reducePoints`; the v2 gateway documents no deduction Action.
                Reason::Redemption
                | Reason::PointsPayment
                | Reason::Consumption
                | Reason::ManualDeduction
                    if v3 =>
                {
                    vc("reduce", "积分扣减")
                }
                // Reversals need the original `bizId` (`reversePoints`), which a
                // delta does not carry; expiry is the vendor's own job.
                _ => None,
            }
        }
    }

    #[test]
    fn vendor_code_tables_read_as_the_matches() {
        for r in ALL {
            for f in FLAVORS {
                assert_eq!(r.vendor_code(f), r.vendor_code_before(f), "{r:?} {f:?}");
            }
        }
    }

    const KINGDEE_: Flavor = &crate::vendors::kingdee::points::POINTS;
    const FREEMUD_: Flavor = &crate::vendors::freemud::points::POINTS;
    const QIMAI_V3: Flavor = &crate::vendors::qimai::points::V3;
    const QIMAI_V2: Flavor = &crate::vendors::qimai::points::V2;
    const FLAVORS: [Flavor; 4] = [KINGDEE_, FREEMUD_, QIMAI_V3, QIMAI_V2];

    #[test]
    fn qimai_source_names_as_before() {
        // The match it was before the table.
        let before = |code: &str| match code {
            "0" => "积分扣减",
            "1" => "消费增加",
            "2" => "关注有礼",
            "3" => "会员特权",
            "4" => "商家手动补发",
            "5" => "积分签到",
            "6" => "满赠活动",
            "7" => "抽奖得积分",
            "8" => "储值赠送",
            "9" => "资产迁入",
            "10" => "登录获积分",
            "11" => "评价得积分",
            "12" => "完善会员资料得积分",
            _ => "",
        };
        for code in ["", "00", "01", "+1", "-1", "13", "1 ", "x", "100"]
            .into_iter()
            .map(str::to_string)
            .chain((0..40).map(|n: i32| n.to_string()))
        {
            assert_eq!(qimai_source_name(&code), before(&code), "{code:?}");
        }
    }

    #[test]
    fn names_are_the_wire_names() {
        use Reason::*;
        // The match `name()` was before the table: each variant's name.
        for (r, want) in [
            (Purchase, "purchase"),
            (SignIn, "sign_in"),
            (CheckIn, "check_in"),
            (ManualGrant, "manual_grant"),
            (Promotion, "promotion"),
            (Registration, "registration"),
            (Birthday, "birthday"),
            (ProfileCompletion, "profile_completion"),
            (TopUpBonus, "top_up_bonus"),
            (Migration, "migration"),
            (Upgrade, "upgrade"),
            (Redemption, "redemption"),
            (PointsPayment, "points_payment"),
            (Consumption, "consumption"),
            (ManualDeduction, "manual_deduction"),
            (EarnReversal, "earn_reversal"),
            (PaymentRefund, "payment_refund"),
            (Expiry, "expiry"),
        ] {
            assert_eq!(r.name(), want);
        }
        assert_eq!(ALL.map(Reason::name), NAMES);
    }

    #[test]
    fn names_round_trip() {
        for r in ALL {
            assert_eq!(Reason::from_name(r.name()), Some(r));
        }
        assert_eq!(Reason::from_name("refund"), None);
    }

    #[test]
    fn every_reason_maps_or_is_refused_for_every_vendor() {
        // The table is total: each (reason, vendor) is a code or an explicit None,
        // and the documented counts keep it honest when the table changes.
        let supported = |f: Flavor| ALL.iter().filter(|r| r.vendor_code(f).is_some()).count();
        assert_eq!(supported(KINGDEE_), 11);
        assert_eq!(supported(FREEMUD_), 16);
        assert_eq!(supported(QIMAI_V3), 11);
        assert_eq!(supported(QIMAI_V2), 7);
    }

    #[test]
    fn every_kingdee_adjust_type_is_a_reason_in_the_vendor_s_words() {
        use crate::vendors::kingdee::ops::AdjustOperation;
        // All eleven 调整类型 of integral_adjust, each offered by exactly one reason.
        for op in AdjustOperation::ALL {
            let code = op.code().to_string();
            let named: Vec<_> = ALL
                .iter()
                .filter_map(|r| r.vendor_code(KINGDEE_).map(|c| (r, c)))
                .filter(|(_, c)| c.code == code)
                .collect();
            assert_eq!(named.len(), 1, "operation {code}: {named:?}");
            assert_eq!(named[0].1.name, op.name_zh(), "operation {code}");
        }
        assert_eq!(
            Reason::Consumption.vendor_code(KINGDEE_),
            vc("1", "积分消费")
        );
        assert_eq!(Reason::CheckIn.vendor_code(KINGDEE_), vc("6", "打卡赠送"));
    }

    #[test]
    fn check_in_is_refused_where_only_sign_in_exists() {
        for f in [FREEMUD_, QIMAI_V3, QIMAI_V2] {
            assert_eq!(Reason::CheckIn.vendor_code(f), None, "{f:?}");
            assert!(Reason::SignIn.vendor_code(f).is_some(), "{f:?}");
        }
        assert_eq!(
            Reason::Consumption.vendor_code(FREEMUD_),
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
        for r in [
            Redemption,
            PointsPayment,
            Consumption,
            ManualDeduction,
            EarnReversal,
            Expiry,
        ] {
            assert_eq!(r.sign(), Sign::Spend, "{}", r.name());
        }
        assert_eq!(PaymentRefund.sign(), Sign::Earn);
        assert_eq!(Purchase.sign(), Sign::Earn);
        assert_eq!(CheckIn.sign(), Sign::Earn);
    }

    #[test]
    fn no_code_carries_both_signs_exhaustive() {
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

    proptest! {
        /// No two reasons share a vendor code while moving points in opposite directions.
        #[test]
        fn no_code_carries_both_signs(a in 0usize..18, b in 0usize..18, f in 0usize..4) {
            let (ra, rb, flavor) = (ALL[a], ALL[b], FLAVORS[f]);
            if let (Some(ca), Some(cb)) = (ra.vendor_code(flavor), rb.vendor_code(flavor)) {
                if ca.code == cb.code {
                    prop_assert_eq!(ra.sign(), rb.sign(), "{} and {} share {} on {:?}", ra.name(), rb.name(), ca.code, flavor);
                }
            }
        }
    }
}
