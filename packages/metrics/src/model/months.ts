/** The `YYYY-MM` month of a time column, as the `…Month` dimensions show it. */
export const monthOf = (column: string) => `formatDateTime(${column}, '%Y-%m')`;
