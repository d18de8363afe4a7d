/* What the figures rest on, in words (docs/anonymity.md, points 4 and 5):
   - publication: a wave's figures come from the responses published when it last stopped taking responses
     (`survey.published_at`); an open wave's figures don't move, its response rates are live;
   - roll-up: a unit whose own respondents are too few counts them with an ancestor's own group (`own_counted_at`),
     and a unit's own group may hold those of units below it (`counts_own_of`). A unit is named only when the
     viewer may see it (`ctx.canSee(path)`); otherwise the note says "a larger unit above it". */
import { clear, el } from "./dashboard-dom.js";

const dates = new Map();

/** An instant in Amsterdam time, in the language's long notation ("3 December 2026 at 18:13"). */
export function fmtDate(lang, iso) {
  if (!dates.has(lang)) {
    dates.set(lang, new Intl.DateTimeFormat(lang === "nl" ? "nl-NL" : "en-GB",
      { timeZone: "Europe/Amsterdam", dateStyle: "long", timeStyle: "short" }));
  }
  return dates.get(lang).format(new Date(iso));
}

/** The publication note of a survey: its text key and values; null for a wave without responses to publish. */
export function publication(survey) {
  if (survey.published_at) {
    return { key: survey.status === "open" ? "publication.open" : "publication.closed", date: survey.published_at };
  }
  return survey.status === "open" ? { key: "publication.none", date: null } : null;
}

export function publicationText(t, lang, survey) {
  const note = publication(survey);
  return note && t(note.key, { date: note.date ? fmtDate(lang, note.date) : "", k: survey.min_group_size });
}

function nameOf(ctx, path) {
  if (!ctx.canSee(path)) return null;
  return path.length ? path[path.length - 1] : ctx.orgName;
}

function listOf(ctx, paths) {
  const names = paths.map((p) => nameOf(ctx, p)).filter(Boolean);
  const more = paths.length - names.length;
  if (more) names.push(ctx.t("rollup.more", { count: more }));
  return new Intl.ListFormat(ctx.lang === "nl" ? "nl-NL" : "en-GB", { type: "conjunction" }).format(names);
}

/** The sentences that say whose answers the group's figures include (none for a group that counts only its own). */
export function rollupTexts(ctx, group) {
  if (!group) return [];
  const unit = group.unit_id ? group.unit_name : ctx.orgName;
  const out = [];
  if (group.own_counted_at) {
    const at = nameOf(ctx, group.own_counted_at) || ctx.t("rollup.largerUnit");
    out.push(ctx.t(ctx.hasChildren(group.unit_id) ? "rollup.movedOwn" : "rollup.movedTeam", { unit, at, k: ctx.k }));
  }
  if (group.counts_own_of && group.counts_own_of.length) {
    out.push(ctx.t("rollup.includes", { unit, list: listOf(ctx, group.counts_own_of) }));
  }
  return out;
}

/** A short line under a unit's name in a table row ("counted in Directie Ruimte"), or null. */
export function rollupLine(ctx, group) {
  if (!ctx.canSee || !group) return null;
  let text = "";
  if (group.own_counted_at) {
    text = ctx.t("rollup.countedIn", { at: nameOf(ctx, group.own_counted_at) || ctx.t("rollup.largerUnit") });
  } else if (group.counts_own_of && group.counts_own_of.length) {
    text = ctx.t("rollup.includesShort", { list: listOf(ctx, group.counts_own_of) });
  }
  return text ? el("span", { class: "unit-rollup", text }) : null;
}

/** Whether a viewer (`/me`) who sees `units` may see the unit at a path (`[]`: the organisation). */
export function viewerSees(me, units) {
  const paths = new Set(units.map((u) => (u.path || []).join("\u0000")));
  return (path) => (path.length ? paths.has(path.join("\u0000")) : !(me.unit_id || me.unit_ids));
}

/** Under the survey's title: when its figures were published. */
export function drawPublication(t, lang, survey) {
  const node = document.getElementById("publication-note");
  const text = publicationText(t, lang, survey);
  node.hidden = !text;
  node.textContent = text || "";
}

/** ... and whose answers the scope's figures include (none while its report is loading). */
export function drawRollup(ctx, group) {
  const list = clear(document.getElementById("rollup-notes"));
  const texts = rollupTexts(ctx, group);
  for (const text of texts) list.append(el("li", { text }));
  list.hidden = !texts.length;
}
