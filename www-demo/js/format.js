// Formatting helpers: numbers, signed changes, vendor times, and the unified reasons.

const nf = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });

/** 1234 → "1,234"; anything not a number → "—". */
export const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? nf.format(v) : '—');

/** +100 / −30 (a real minus sign). */
export const signed = (v) => (v > 0 ? `+${nf.format(v)}` : v < 0 ? `−${nf.format(-v)}` : '0');

/**
 * An ISO 8601 time shown in the offset the vendor gave (a store's local time),
 * "2024-01-05T10:00:00+08:00" → "2024-01-05 10:00:00"; other text as is.
 */
export function time(iso) {
  if (typeof iso !== 'string' || !iso) return '—';
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

/**
 * Chinese and English labels of the unified reasons, by id. Only labels: which reasons a vendor
 * records, and which way each moves points, come from the gateway (capabilities()), and a reason
 * not named here is still offered, under its id.
 */
export const REASON_LABELS = {
  purchase: ['消费赠送', 'Purchase'], sign_in: ['签到赠送', 'Sign-in'], check_in: ['打卡赠送', 'Check-in'], manual_grant: ['手动赠送', 'Manual grant'],
  promotion: ['促销赠送', 'Promotion'], registration: ['注册赠送', 'Registration'], birthday: ['生日赠送', 'Birthday'],
  profile_completion: ['完善资料', 'Profile completion'], top_up_bonus: ['充值赠送', 'Top-up bonus'],
  migration: ['积分迁移', 'Migration'], upgrade: ['升级赠送', 'Upgrade'],
  redemption: ['积分兑换', 'Redemption'], points_payment: ['积分抵现', 'Points payment'], consumption: ['积分消费', 'Consumption'], manual_deduction: ['手动扣减', 'Manual deduction'],
  earn_reversal: ['赠送冲回', 'Earn reversal'], payment_refund: ['抵现退回', 'Payment refund'], expiry: ['积分过期', 'Expiry'],
};

/** How the reason list is grouped: by sign, corrections of earlier changes apart. */
export const REASON_GROUPS = [
  ['earn', '增加 Earning'],
  ['spend', '扣减 Spending'],
  ['fix', '更正 Corrections'],
];
const CORRECTIONS = new Set(['earn_reversal', 'payment_refund', 'expiry']);

/** 'earn' | 'spend' | 'fix' for a reason id and its sign (capabilities().reasonSigns). */
export const reasonGroup = (id, sign) => (CORRECTIONS.has(id) ? 'fix' : sign === 'spend' ? 'spend' : 'earn');

/** [zh, en] for a reason id; an id without labels is shown as itself. */
export const reasonLabels = (id) => (Object.hasOwn(REASON_LABELS, id) ? REASON_LABELS[id] : [id, id]);

/** "手动赠送 Manual grant" */
export const reasonLabel = (id) => {
  const [zh, en] = reasonLabels(id);
  return zh === en ? zh : `${zh} ${en}`;
};
