/* The questionnaire's outcome scale (knowledge sharing and learning, in version 2 of the built-in questionnaire) is
   not a sixth culture dimension: wherever a report lists it beside the dimensions (profile, heatmap, statements,
   gaps, trend, agreement, ...), the report says so in the dimension's `outcome` flag, and every panel names it with
   "(outcome)" / "(uitkomst)" after its name. Reports that leave it out (readiness, focus areas) never flag one. */

/** A listed dimension's name as every panel shows it (`d`: a report's dimension, with `name` and `outcome`). */
export function dimensionName(ctx, d) {
  return d.outcome ? `${d.name} (${ctx.t("outcomeLabel")})` : d.name;
}

/** The key of the questionnaire's outcome scale, or null (for what is not a report: the action plans). */
export function outcomeKey(questionnaire) {
  const found = questionnaire && (questionnaire.dimensions || []).find((d) => d.outcome);
  return found ? found.key : null;
}
