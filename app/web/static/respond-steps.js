/* The steps of the form, built as DOM nodes (textContent only: no HTML is ever parsed from strings).
   Step 0 welcomes, steps 1..n hold one dimension each, step n + 1 reviews and submits. */

export const FRAMES = ["current", "desired"];

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

export function frames(state) {
  return state.survey.ask_desired ? FRAMES : ["current"];
}

function isAnswered(state, frame, key) {
  const value = state.answers[frame][key];
  return value !== undefined && value !== null;
}

/** Items answered in every frame asked (`complete`), in at least one (`any`), and the `total`. */
export function answeredCount(state, dimension) {
  const items = dimension ? dimension.items : state.q.dimensions.flatMap((d) => d.items);
  const asked = frames(state);
  let complete = 0;
  let any = 0;
  for (const item of items) {
    const answered = asked.filter((frame) => isAnswered(state, frame, item.key)).length;
    if (answered === asked.length) complete += 1;
    if (answered > 0) any += 1;
  }
  return { complete, any, total: items.length };
}

/** Where a returning respondent continues: the first part with an unanswered item, else the review. */
export function firstIncompleteStep(state) {
  const index = state.q.dimensions.findIndex((d) => answeredCount(state, d).complete < d.items.length);
  return index < 0 ? state.q.dimensions.length + 1 : index + 1;
}

function scaleOptions(state, frame, item) {
  const dimension = state.q.dimensions.find((d) => d.items.some((i) => i.key === item.key));
  const scale = (dimension && dimension.scale) || state.q.scale; // a dimension may have its own scale
  const group = el("div", { class: "scale" });
  group.style.setProperty("--points", String(scale.max - scale.min + 1));
  const chosen = state.answers[frame][item.key];
  const option = (value, text, extraClass) => {
    const id = `${frame}-${item.key}-${value}`;
    const input = el("input", {
      type: "radio", id, name: `${frame}:${item.key}`, value: String(value), checked: chosen === value,
    });
    const number = typeof value === "number"
      ? el("span", { class: "option-number", "aria-hidden": "true", text: String(value) }) : null;
    return el("label", { class: `option${extraClass}`, for: id }, input,
      el("span", { class: "option-text" }, number, el("span", { class: "option-label", text })));
  };
  for (let value = scale.min; value <= scale.max; value += 1) {
    group.append(option(value, (scale.labels || [])[value - scale.min] || String(value), ""));
  }
  const wrap = el("div", { class: "scale-wrap" }, group);
  if (scale.dont_know) wrap.append(option("dont_know", scale.dont_know, " option-dont-know"));
  return wrap;
}

// An item is a fieldset whose legend is the statement; with the desired frame it holds two fieldsets, one radio
// group each. Reverse-keyed items are rendered like any other: the page never learns the keying.
function renderItem(state, t, item, number) {
  const invalid = state.invalid.has(item.key);
  const legend = el("legend", { class: "item-legend" },
    el("span", { class: "item-number", text: `${number}.` }), el("span", { text: item.text }));
  const fieldset = el("fieldset", { class: `item${invalid ? " item-invalid" : ""}`, id: `item-${item.key}`,
    "aria-invalid": invalid ? "true" : false }, legend);
  if (!state.survey.ask_desired) {
    fieldset.append(scaleOptions(state, "current", item));
    return fieldset;
  }
  for (const frame of FRAMES) {
    const label = (state.q.frames && state.q.frames[frame]) || t(frame === "current" ? "frameCurrent" : "frameDesired");
    fieldset.append(el("fieldset", { class: `frame frame-${frame}` },
      el("legend", { class: "frame-legend", text: label }), scaleOptions(state, frame, item)));
  }
  return fieldset;
}

function heading(text) {
  return el("h2", { id: "step-heading", class: "step-heading", tabindex: "-1", text });
}

function renderWelcome(state, t) {
  return [
    heading(state.q.title || t("introHeading")),
    el("p", { class: "lead", text: t("introLead") }),
    el("p", { text: t("introParts", { n: state.q.dimensions.length }) }),
    state.survey.ask_desired ? el("p", { text: t("introDesired") }) : null,
    el("ul", { class: "assurances" }, el("li", { text: t("introAnonymous") }), el("li", { text: t("introDraft") })),
  ].filter(Boolean);
}

function renderDimension(state, t, index) {
  const dimension = state.q.dimensions[index];
  const offset = state.q.dimensions.slice(0, index).reduce((sum, d) => sum + d.items.length, 0);
  return [
    heading(dimension.name),
    el("p", { class: "hint", text: t("stepHint") }),
    ...dimension.items.map((item, i) => renderItem(state, t, item, offset + i + 1)),
  ];
}

function renderReview(state, t) {
  const count = answeredCount(state);
  const summary = count.any === 0 ? t("reviewNone")
    : count.complete === count.total ? t("reviewAll", { t: count.total })
      : t("reviewSome", { a: count.complete, t: count.total });
  const parts = state.q.dimensions.map((dimension, index) => {
    const c = answeredCount(state, dimension);
    const change = el("button", { type: "button", class: "button button-link", "data-goto": String(index + 1) },
      t("change"), el("span", { class: "visually-hidden", text: ` ${t("changeHidden", { name: dimension.name })}` }));
    return el("li", { class: `review-part${c.complete === c.total ? " review-complete" : ""}` },
      el("span", { class: "review-info" }, el("span", { class: "review-name", text: dimension.name }),
        el("span", { class: "review-count", text: t("partAnswered", { a: c.complete, t: c.total }) })), change);
  });
  return [
    heading(t("reviewHeading")),
    el("p", { class: "lead", id: "review-summary", text: summary }),
    el("ul", { class: "review-list" }, ...parts),
    renderComments(state, t),
    count.any > 0 ? el("p", { class: "hint", text: t("reviewFinal") }) : null,
  ].filter(Boolean);
}

export const MAX_COMMENT = 2000;

/** The survey's open questions, optional, each a labelled text area (on the review step, before submitting). */
function renderComments(state, t) {
  if (!state.openQuestions.length) return null;
  return el("fieldset", { class: "comments" }, el("legend", { class: "comments-heading", text: t("commentsHeading") }),
    el("p", { class: "hint", id: "comments-hint", text: t("commentsHint") }),
    ...state.openQuestions.map((q) => {
      const id = `comment-${q.key}`;
      const box = el("textarea", { id, name: `comment:${q.key}`, class: "comment-box", rows: "4",
        maxlength: String(MAX_COMMENT), "aria-describedby": "comments-hint" });
      box.value = state.comments[q.key] || "";
      return el("div", { class: "comment-field" }, el("label", { for: id, class: "comment-label", text: q.text }), box);
    }));
}

/** The nodes of the current step. */
export function renderStep(state, t) {
  const parts = state.q.dimensions.length;
  if (state.step === 0) return renderWelcome(state, t);
  return state.step <= parts ? renderDimension(state, t, state.step - 1) : renderReview(state, t);
}
