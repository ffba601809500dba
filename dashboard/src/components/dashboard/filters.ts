/** How filters read in chips and menus. */

import { dimensionLabel, valueLabel } from "../../lib/dimensions";
import type { FilterLeaf, LeafOperator } from "../../lib/types";

export const OPERATOR_LABELS: Record<LeafOperator, string> = {
  is: "is",
  is_not: "is not",
  contains: "contains",
  contains_not: "does not contain",
  matches: "matches",
  matches_not: "does not match",
};

export function filterText(filter: FilterLeaf): string {
  const values = filter.values.map((v) =>
    filter.op.startsWith("contains") || filter.op.startsWith("matches") ? `“${v}”` : valueLabel(filter.dim, v),
  );
  return `${dimensionLabel(filter.dim)} ${OPERATOR_LABELS[filter.op]} ${values.join(" or ")}`;
}
