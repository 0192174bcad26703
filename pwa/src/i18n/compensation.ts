// Catalog section for statements review, the plan editor and credit splits (features/compensation).

export const compensationEn = {
  'comp.statements': 'Statements',
} as const;

export const compensationZh: Record<keyof typeof compensationEn, string> = {
  'comp.statements': '结算单',
};
