/* The survey console's words, in English and Dutch. */
export const CONSOLE_STRINGS = {
  en: {
    appName: "Survey console", signOut: "Sign out", title: "Run a survey",
    notAdminTitle: "Only organisation admins run surveys here", toDashboard: "Open the dashboard",
    structureTitle: "Structure",
    structureText: "Upload the organisation's units as CSV: a column path, such as Directie/Afdeling/Team. Units "
      + "that exist already stay as they are.",
    unitsFile: "Units file (CSV)", upload: "Upload", unitsNow: "The units now",
    unitsDone: (created, existing) => `${created} units added, ${existing} already there.`,
    surveysTitle: "Survey waves", chooseSurvey: "Wave", newSurvey: "New wave", surveyTitle: "Title",
    minGroup: "Minimum group size (figures of smaller groups are never shown)", languages: "Languages",
    askDesired: "Also ask how people would like it to be", closesAt: "Closes at (Amsterdam time)",
    create: "Create", created: (title) => `Wave "${title}" created as a draft.`, noSurveys: "No waves yet",
    statusLine: { draft: "Draft: not open yet.", open: "Open: taking answers.", closed: "Closed." },
    closesLine: (when) => ` It closes on ${when} (Amsterdam time).`,
    open: "Open", close: "Close", reopen: "Reopen",
    inviteTitle: "Invite by e-mail",
    inviteText: "A CSV with the columns email, unit (its path), layer (employee, team_leader, ...) and "
      + "optionally language (nl or en). Each address gets its own link; the addresses are deleted when the "
      + "wave closes. The wave must be open.",
    inviteFile: "Invitation list (CSV)", send: "Send invitations",
    mailed: (n) => `${n} invitations sent.`,
    delivery: (d) => `By e-mail: ${d.addresses} invited; ${d.sent} mails delivered, ${d.waiting} waiting, `
      + `${d.failed} failed.`,
    remind: "Send reminders", reminded: (n) => `${n} reminders sent (to links not used yet).`,
    ratesTitle: "Response rates", group: "Group", invited: "Invited", answered: "Answered", rate: "Rate",
    organisation: "Whole organisation",
    reasons: {
      below_minimum: "fewer than the minimum: not shown", protects_smaller_group: "hidden to protect a smaller group",
      not_published: "not shown", no_invitations: "no invitations", imported_responses: "imported answers",
      more_responses_than_invitations: "more answers than invitations",
    },
    fileErrors: "Nothing was stored. Fix these lines and upload the whole file again:",
    line: (line, column, msg) => `Line ${line}${column ? `, ${column}` : ""}: ${msg}`,
    failed: "That did not work:",
  },
  nl: {
    appName: "Enquêteconsole", signOut: "Uitloggen", title: "Een meting uitvoeren",
    notAdminTitle: "Alleen beheerders van de organisatie voeren hier metingen uit", toDashboard: "Naar het dashboard",
    structureTitle: "Structuur",
    structureText: "Upload de eenheden van de organisatie als CSV: een kolom path, zoals Directie/Afdeling/Team. "
      + "Eenheden die al bestaan blijven zoals ze zijn.",
    unitsFile: "Bestand met eenheden (CSV)", upload: "Uploaden", unitsNow: "De eenheden nu",
    unitsDone: (created, existing) => `${created} eenheden toegevoegd, ${existing} bestonden al.`,
    surveysTitle: "Metingen", chooseSurvey: "Meting", newSurvey: "Nieuwe meting", surveyTitle: "Titel",
    minGroup: "Minimale groepsgrootte (cijfers van kleinere groepen worden nooit getoond)", languages: "Talen",
    askDesired: "Vraag ook hoe men het graag zou zien", closesAt: "Sluit op (Nederlandse tijd)",
    create: "Aanmaken", created: (title) => `Meting "${title}" aangemaakt als concept.`, noSurveys: "Nog geen metingen",
    statusLine: { draft: "Concept: nog niet geopend.", open: "Open: antwoorden welkom.", closed: "Gesloten." },
    closesLine: (when) => ` Sluit op ${when} (Nederlandse tijd).`,
    open: "Openen", close: "Sluiten", reopen: "Heropenen",
    inviteTitle: "Uitnodigen per e-mail",
    inviteText: "Een CSV met de kolommen email, unit (het pad), layer (employee, team_leader, ...) en eventueel "
      + "language (nl of en). Elk adres krijgt een eigen link; de adressen worden gewist als de meting sluit. "
      + "De meting moet open zijn.",
    inviteFile: "Uitnodigingslijst (CSV)", send: "Uitnodigingen versturen",
    mailed: (n) => `${n} uitnodigingen verstuurd.`,
    delivery: (d) => `Per e-mail: ${d.addresses} uitgenodigd; ${d.sent} mails afgeleverd, ${d.waiting} wachtend, `
      + `${d.failed} mislukt.`,
    remind: "Herinneringen versturen", reminded: (n) => `${n} herinneringen verstuurd (naar nog ongebruikte links).`,
    ratesTitle: "Respons", group: "Groep", invited: "Uitgenodigd", answered: "Geantwoord", rate: "Respons",
    organisation: "Hele organisatie",
    reasons: {
      below_minimum: "minder dan het minimum: niet getoond", protects_smaller_group: "verborgen om een kleinere groep te beschermen",
      not_published: "niet getoond", no_invitations: "geen uitnodigingen", imported_responses: "geïmporteerde antwoorden",
      more_responses_than_invitations: "meer antwoorden dan uitnodigingen",
    },
    fileErrors: "Er is niets opgeslagen. Verbeter deze regels en upload het hele bestand opnieuw:",
    line: (line, column, msg) => `Regel ${line}${column ? `, ${column}` : ""}: ${msg}`,
    failed: "Dat lukte niet:",
  },
};
