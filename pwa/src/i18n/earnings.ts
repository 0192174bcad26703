// Catalog section for the rep's earnings screen (features/earnings). Same rules as en.ts / zh-CN.ts.

export const earningsEn = {
  'earnings.title': 'My earnings',
} as const;

export const earningsZh: Record<keyof typeof earningsEn, string> = {
  'earnings.title': '我的收入',
};
