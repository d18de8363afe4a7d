/* The comments panel: per open question of the wave, how many comments the scope's group gave and the comments
   themselves, in the random order the API gives them (a new order on every read: the order says nothing about who
   answered when); above them, how many comments mention each theme (a dimension's keyword list). Everything shown
   is what the API shows: a group below the comment threshold (or one that would reveal a smaller group) gets a
   sentence saying so, and no comment and no count; a theme count the API leaves out (null) says "fewer than
   {threshold}". Organisation admins get the k-anonymous comment export (CSV, XLSX), the only bulk way out. */
import { API, path } from "./dashboard-api.js";
import { table } from "./dashboard-charts.js";
import { add, el, note } from "./dashboard-dom.js";

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

function question(ctx, q, comments, index) {
  const id = `comments-q-${index}`;
  const text = q.texts[ctx.lang] || q.texts.en || Object.values(q.texts)[0] || q.key;
  const list = comments.filter((c) => c.question_key === q.key);
  const count = ctx.t(list.length === 1 ? "commentsCountOne" : "commentsCount", { n: list.length });
  return el("section", { class: "comments-question", "aria-labelledby": id },
    el("h3", { id, class: "comments-question-title", text }),
    el("p", { class: "comments-count", text: count }),
    list.length ? el("ul", { class: "comments-list", "aria-label": ctx.t("commentsListLabel", { question: text }) },
      list.map((c) => el("li", { class: "comments-item" }, el("blockquote", { text: c.text })))) : null);
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
    comments: ctx.report("comments", {}),
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
      add(body, settings.questions.map((q, i) => question(ctx, q, report.comments, i)));
    }
    add(body, el("p", { class: "panel-foot", text: ctx.t("commentsFoot", { threshold: report.threshold }) }));
    if (me && ADMINS.has(me.role)) add(body, exportBar(ctx));
  },
};
