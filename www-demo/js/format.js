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

/** The unified reasons (issue 5), with Chinese and English labels. */
export const REASONS = {
  earn: {
    label: '增加 Earning',
    items: {
      purchase: ['消费赠送', 'Purchase'], sign_in: ['签到赠送', 'Sign-in'], check_in: ['打卡赠送', 'Check-in'], manual_grant: ['手动赠送', 'Manual grant'],
      promotion: ['促销赠送', 'Promotion'], registration: ['注册赠送', 'Registration'], birthday: ['生日赠送', 'Birthday'],
      profile_completion: ['完善资料', 'Profile completion'], top_up_bonus: ['充值赠送', 'Top-up bonus'],
      migration: ['积分迁移', 'Migration'], upgrade: ['升级赠送', 'Upgrade'],
    },
  },
  spend: {
    label: '扣减 Spending',
    items: { redemption: ['积分兑换', 'Redemption'], points_payment: ['积分抵现', 'Points payment'], consumption: ['积分消费', 'Consumption'], manual_deduction: ['手动扣减', 'Manual deduction'] },
  },
  fix: {
    label: '更正 Corrections',
    items: { earn_reversal: ['赠送冲回', 'Earn reversal'], payment_refund: ['抵现退回', 'Payment refund'], expiry: ['积分过期', 'Expiry'] },
  },
};

/** 'earn' | 'spend' | 'fix' for a reason id. */
export const reasonGroup = (id) => Object.keys(REASONS).find((g) => id in REASONS[g].items);

/** "手动赠送 Manual grant" */
export const reasonLabel = (id) => {
  const g = reasonGroup(id);
  return g ? REASONS[g].items[id].join(' ') : id;
};
