/* The questionnaire's outcome scale (knowledge sharing and learning, in version 2 of the built-in questionnaire) is
   not a sixth culture dimension: wherever a report lists it beside the dimensions (profile, heatmap, statements,
   gaps, trend, agreement, ...), its name is marked "(outcome)" / "(uitkomst)", in every panel alike, at the one
   place every report answer passes (the board's fetch). Reports that leave it out (readiness, focus areas) are
   unchanged. */

/** The key of the questionnaire's outcome scale, or null. */
export function outcomeKey(questionnaire) {
  const found = questionnaire && (questionnaire.dimensions || []).find((d) => d.outcome);
  return found ? found.key : null;
}

/** Marks, in place, every listed dimension of `body` whose key is `key` (an object in an array, with a `name`). */
export function markOutcome(body, key, label) {
  if (!key) return body;
  const mark = `(${label})`;
  const walk = (node, inArray) => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, true);
    } else if (node && typeof node === "object") {
      if (inArray && node.key === key && typeof node.name === "string" && !node.name.endsWith(mark)) {
        node.name = `${node.name} ${mark}`;
      }
      for (const value of Object.values(node)) walk(value, false);
    }
  };
  walk(body, false);
  return body;
}
