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

// The vendors' tables are checked where the vendors are listed
// (`src/vendors/reason_codes_tests.rs`): this module knows no vendor. Native only:
// `wasm-pack test` builds every test target for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

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
}
