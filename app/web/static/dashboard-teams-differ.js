/* Do the teams differ on a dimension? The agreement report's tests across teams (Welch ANOVA over the visible
   teams, Holm over the dimensions; Games-Howell for the pair that differs most), said in the API's one sentence
   under each dimension's card. The page computes nothing: it shows `teams_differ.reading` in the page's language. */
import { el } from "./dashboard-dom.js";

/** The sentence of a dimension of the agreement report, or null when no test could be made (fewer than two teams). */
export function teamsDifferLine(ctx, d) {
  const reading = d.teams_differ && d.teams_differ.reading;
  if (!reading) return null;
  return el("p", { class: "agree-differ", text: reading[ctx.lang] || reading.en });
}
