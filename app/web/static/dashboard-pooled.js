/* The pooled comparison: every leadership layer together against the reference layer (employees), asked of the
   perception-gap report with `a` and `b`. Within a directorate or department the single leadership layers are
   often too small to show; all leaders together usually are, so the core question (do leaders see the culture as
   their people do?) still gets an answer one level down. Asked only for a unit: the whole organisation shows its
   layers one by one. The figures are the report's, through the same protection as every other comparison. */

/** The reference layer (employees, or the bottom layer) and every other layer; null without two layers. */
export function pooledLayers(ctx) {
  if (ctx.layers.length < 2) return null;
  const reference = ctx.layers.find((l) => l.key === "employee") || ctx.layers[ctx.layers.length - 1];
  return { a: ctx.layers.filter((l) => l.key !== reference.key).map((l) => l.key).join(","), b: reference.key };
}

/** The request of the pooled comparison (for a unit only), to spread into a panel's requests. */
export function pooledRequest(ctx) {
  const sets = ctx.scopeId ? pooledLayers(ctx) : null;
  return sets ? { pooled: ctx.report("perception-gaps", { ...sets, lang: ctx.lang }) } : {};
}

/** The pooled comparison when it is shown, else null. */
export function pooledComparison(data) {
  const c = data && data.comparisons && data.comparisons[0];
  return c && !c.suppressed && c.dimensions.some((d) => d.difference !== null) ? c : null;
}

/** Whether a perception-gap report leaves out any single layer that has respondents (hidden, or without figures). */
export function singleLayersHidden(data) {
  return !data || data.comparisons.some((c) => c.suppressed)
    || !data.comparisons.some((c) => c.dimensions.some((d) => d.difference !== null));
}
