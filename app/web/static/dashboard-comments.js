/* The comments panel: per open question of the wave, how many comments the scope's group gave and the comments
   themselves, in the random order the API gives them (a new order on every read: the order says nothing about who
   answered when); above them, how many comments mention each theme (a dimension's keyword list). Everything shown
   is what the API shows: a group below the comment threshold (or one that would reveal a smaller group) gets a
   sentence saying so, and no comment and no count; a theme count the API leaves out (null) says "fewer than
   {threshold}". Organisation admins get the k-anonymous comment export (CSV, XLSX), the only bulk way out, and may
   hide a comment (e.g. one that names someone) or show it again: the API hides it from every other view and the
   export and audits it; admins still see it here, marked, in a group the API shows (never in a smaller one). */
import { fieldMessage } from "./console-problems.js";
import { API, path } from "./dashboard-api.js";
import { table } from "./dashboard-charts.js";
import { add, el, note } from "./dashboard-dom.js";
import { send } from "./dashboard-send.js";

const ADMINS = new Set(["org_admin", "platform_admin"]);

const surveyUrl = (ctx, sub) => `/api/v1/organisations/${ctx.survey.organisation_id}/surveys/${ctx.survey.id}/${sub}`;

function hiddenSentence(ctx, reason, threshold) {
  return ctx.t(reason === "protects_smaller_group" ? "commentsHidden.protects_smaller_group" : "commentsHidden",
    { threshold });
}

function themeRows(ctx, themes, names) {
  return themes.themes.map((theme) => [names.get(theme.key) || theme.key,
    theme.count === null ? ctx.t("commentsThemeFew", { threshold: themes.threshold }) : String(theme.count)]);
}

const isAdmin = (me) => Boolean(me) && ADMINS.has(me.role);

/** An admin's button that hides the comment or shows it again; the panel is read again after it (the button keeps
    the focus: its id stays). A refusal is said beside it, and nothing changed. */
function hideButton(ctx, c, quoteId) {
  const button = el("button", { type: "button", id: `comment-toggle-${c.id}`, "aria-describedby": quoteId,
    class: "button button-secondary button-small comment-toggle", text: ctx.t(c.hidden ? "commentShow" : "commentHide") });
  const problem = el("p", { class: "alert comment-problem", role: "alert", hidden: true });
  button.addEventListener("click", async () => {
    if (button.getAttribute("aria-disabled") === "true") return; // sent already: the focus stays on the button
    button.setAttribute("aria-disabled", "true");
    problem.hidden = true;
    try {
      await send("PATCH", ctx.surveyPath(`comments/${c.id}`), { hidden: !c.hidden });
    } catch (failure) {
      const detail = failure.body && typeof failure.body.detail === "string"
        ? fieldMessage(failure.body.detail, ctx.lang) : "";
      problem.textContent = ctx.t("commentHideFailed", { detail });
      problem.hidden = false;
      button.removeAttribute("aria-disabled");
      return;
    }
    ctx.announce(ctx.t(c.hidden ? "commentShowDone" : "commentHideDone"));
    ctx.choose("comments:changed", (ctx.choice("comments:changed") || 0) + 1);
  });
  return [button, problem];
}

function item(ctx, c, admin) {
  const quoteId = `comment-${c.id}`;
  return el("li", { class: c.hidden ? "comments-item comments-item-hidden" : "comments-item" },
    c.hidden ? el("p", { class: "comment-hidden-badge", text: ctx.t("commentHiddenBadge") }) : null,
    el("blockquote", { id: quoteId, text: c.text }),
    admin ? el("div", { class: "comment-admin" }, hideButton(ctx, c, quoteId)) : null);
}

function question(ctx, q, comments, index, admin) {
  const id = `comments-q-${index}`;
  const text = q.texts[ctx.lang] || q.texts.en || Object.values(q.texts)[0] || q.key;
  const list = comments.filter((c) => c.question_key === q.key);
  const shown = list.filter((c) => !c.hidden).length; // the hidden ones are listed to admins only
  const count = ctx.t(shown === 1 ? "commentsCountOne" : "commentsCount", { n: shown });
  const hiddenCount = list.length - shown;
  return el("section", { class: "comments-question", "aria-labelledby": id },
    el("h3", { id, class: "comments-question-title", text }),
    el("p", { class: "comments-count", text: hiddenCount ? `${count} · ${ctx.t("commentsHiddenCount",
      { n: hiddenCount })}` : count }),
    list.length ? el("ul", { class: "comments-list", "aria-label": ctx.t("commentsListLabel", { question: text }) },
      list.map((c) => item(ctx, c, admin))) : null);
}

function exportBar(ctx) {
  const url = surveyUrl(ctx, "comments/export");
  const button = (format) => {
    const node = el("button", { type: "button", class: "download", "data-format": format,
      "data-url": `${url}?format=${format}`, text: ctx.t(`download.${format}`) });
    node.addEventListener("click", () => {
      node.disabled = true;
      ctx.download(`${url}?format=${format}`).catch(() => ctx.announce(ctx.t("downloadFailed")))
        .finally(() => { node.disabled = false; });
    });
    return node;
  };
  return el("div", { class: "panel-downloads", role: "group", "aria-label": ctx.t("commentsExportLabel") },
    el("span", { text: ctx.t("commentsExportLabel") }), el("span", { class: "download-pair" }, button("csv"), " ",
      button("xlsx")));
}

export const comments = {
  id: "comments",
  optional: ["me", "questionnaire", "themes"],
  requests: (ctx) => ({
    settings: surveyUrl(ctx, "comment-settings"),
    // admins: the hidden ones too (the API lists them to admins only); `v` is bumped after hiding one (read again)
    comments: ctx.report("comments", isAdmin(ctx.me) ? { hidden: true, v: ctx.choice("comments:changed") } : {}),
    themes: ctx.report("comment-themes", {}),
    questionnaire: path(API.questionnaire(ctx.survey.organisation_id, ctx.survey.questionnaire_id)),
    me: API.me,
  }),
  render(body, { settings, comments: report, themes, questionnaire, me }, ctx) {
    if (!settings.questions.length) return add(body, note(ctx.t("commentsNone")));
    if (!report.shown) {
      add(body, note(hiddenSentence(ctx, report.reason, report.threshold), "suppressed"));
    } else {
      const names = new Map((questionnaire ? questionnaire.dimensions : []).map((d) => [d.key,
        d.names[ctx.lang] || d.names.en || d.key]));
      if (themes && themes.shown) {
        add(body, table({ caption: ctx.t("commentsThemes"), head: [ctx.t("commentsTheme"), ctx.t("commentsThemeCount")],
          rows: themeRows(ctx, themes, names), hideCaption: false, className: "comments-themes" }));
      }
      const admin = isAdmin(me);
      add(body, settings.questions.map((q, i) => question(ctx, q, report.comments, i, admin)));
      if (admin && report.comments.length) add(body, el("p", { class: "panel-foot", text: ctx.t("commentsAdminNote") }));
    }
    add(body, el("p", { class: "panel-foot", text: ctx.t("commentsFoot", { threshold: report.threshold }) }));
    if (isAdmin(me)) add(body, exportBar(ctx));
  },
};
