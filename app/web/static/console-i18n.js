/* The survey console's words, in English and Dutch: the shell's and the waves page's here, the other pages' in
   their own files, merged. */
import { ANSWERS_STRINGS } from "./console-i18n-answers.js";
import { COMMENTS_STRINGS } from "./console-i18n-comments.js";
import { PEOPLE_STRINGS } from "./console-i18n-people.js";
import { STRUCTURE_STRINGS } from "./console-i18n-structure.js";

/** [3, 7, 14] as "3, 7 and 14". */
const list = (items, and) => (items.length > 1 ? `${items.slice(0, -1).join(", ")} ${and} ${items.at(-1)}`
  : `${items[0]}`);

const WAVES_STRINGS = {
  en: {
    appName: "Survey console", signOut: "Sign out", title: "Run a survey",
    notAdminTitle: "Only organisation admins run surveys here", toDashboard: "Open the dashboard",
    structureTitle: "Structure",
    upload: "Upload", navLabel: "Console pages",
    unitsDone: (created, existing) => `${created} units added, ${existing} already there.`,
    surveysTitle: "Survey waves", chooseSurvey: "Wave", newSurvey: "New wave", surveyTitle: "Title",
    minGroup: "Minimum group size (figures of smaller groups are never shown)", languages: "Languages",
    askDesired: "Also ask how people would like it to be", closesAt: "Closes at (Amsterdam time)",
    opensAt: "Opens itself at (Amsterdam time)",
    opensHint: "Leave empty to open it by hand. With a time, the wave opens itself then, and invitations sent "
      + "before wait for it.",
    reminderDays: "Reminder days",
    remindersHint: "Days after the opening on which everyone who hasn't answered yet gets a reminder, e.g. 3, 7. "
      + "Leave empty for none.",
    badReminders: "Write whole days from 1 to 365, separated by commas, e.g. 3, 7.",
    repeatedReminder: (day) => `Day ${day} is there twice.`, tooManyReminders: "At most 10 reminder days.",
    badDate: "Not a complete date and time.", closesBeforeOpens: "The closing must come after the opening.",
    opensPast: "That moment has passed: choose a later one, or leave it empty and open the wave by hand.",
    closesPast: "That moment has passed: choose a later one.",
    fixFields: "Nothing was created. Fix the marked fields.",
    create: "Create", created: (title) => `Wave "${title}" created as a draft.`, noSurveys: "No waves yet",
    statusLine: { draft: "Draft: not open yet.", open: "Open: taking answers.", closed: "Closed." },
    closesLine: (when) => ` It closes on ${when} (Amsterdam time).`,
    opensItself: (when) => `Draft: opens itself on ${when} (Amsterdam time).`,
    openFrom: (when) => `Open: takes answers from ${when} (Amsterdam time).`,
    nextReminder: (when) => ` Next reminder on ${when}.`,
    reminderPlan: (days) => ` Reminders ${days.length > 1 ? "on days" : "on day"} ${list(days, "and")} after `
      + "the opening.",
    inviteWait: (when) => `The wave opens on ${when} (Amsterdam time): invitations sent now wait until then; `
      + "nobody gets a mail before.",
    open: "Open", close: "Close", reopen: "Reopen",
    closeFew: (n, k) => `${n == null ? `This wave has fewer than ${k} responses` : `This wave has ${n} `
      + `${n === 1 ? "response" : "responses"}`}, and its minimum group size is ${k}: if you close it now, no `
      + "figures will be shown for it, not even for the whole organisation.",
    closeUndo: (n, k) => "Closing can't simply be undone. You can reopen the wave, but the close deletes the "
      + "e-mail addresses of its invitations, so no more reminders can be sent to them"
      + (n === 0 ? "." : `; and answers that come in after a reopening count in the figures only when every unit `
        + `and layer that gets new answers gets at least ${k} of them.`),
    closeYes: "Close anyway",
    inviteEnded: "The wave is closed: invitations ended with the close. Reopen it to invite more people.",
    inviteTitle: "Invite by e-mail",
    inviteText: "A CSV or XLSX file with the columns email, unit (its path), layer (employee, team_leader, ...) and "
      + "optionally language (nl or en). Each address gets its own link; the addresses are deleted when the "
      + "wave closes. The wave must be open, or a draft with an opening time.",
    inviteFile: "Invitation list (CSV or XLSX)", checkList: "Check the list",
    checkedAll: (n) => `All ${n} ${n === 1 ? "line is" : "lines are"} in order. Nothing has been sent yet: look `
      + "them over, then send.",
    sendN: (n) => `Send ${n} ${n === 1 ? "invitation" : "invitations"}`,
    checkedCaption: "The checked lines, as they will be mailed", colEmail: "E-mail", colUnit: "Unit",
    colLanguage: "Language", languageNames: { nl: "Dutch", en: "English" },
    moreLines: (n) => `… and ${n} more ${n === 1 ? "line" : "lines"}, all in order.`,
    mailed: (n) => `${n} invitations sent.`,
    mailedLater: (n, when) => `${n} invitations ready: they are mailed when the wave opens on ${when}.`,
    delivery: (d, opening) => `By e-mail: ${d.addresses} invited; ${d.sent} mails delivered, ${d.waiting} `
      + `${opening ? `waiting for the opening on ${opening}` : "waiting"}, ${d.failed} failed.`,
    remind: "Send reminders", reminded: (n) => `${n} reminders sent (to links not used yet).`,
    ratesTitle: "Response rates", group: "Group", invited: "Invited", answered: "Answered", rate: "Rate",
    byLayer: "By layer", layer: "Layer", questionnaire: "Questionnaire",
    linksTitle: "Links for your own mail merge",
    linksText: "For organisations that send the invitations themselves: a CSV or XLSX file with the columns unit "
      + "(its path), layer and count gives a file with that many single-use links per line (unit, layer, token, "
      + "url) to mail with your own tools. The links are shown only this once: keep the file safe.",
    linksFile: "Units, layers and counts (CSV or XLSX)", makeLinks: "Make the links",
    linksMade: (n) => `${n} links made and saved as a CSV file.`,
    keyChanged: "This wave's links were made under another secret key (SECRET_KEY) than the server has now: "
      + "it takes no answers, invitations or reminders until the service's operator restores that key on every "
      + "server. Nothing is lost.",
    // the version first: a long title is cut off in a narrow select
    builtinVersion: (title, version) => `Built in, version ${version}: ${title}`,
    customVersion: (title, version) => `Your own, version ${version}: ${title}`,
    organisation: "Whole organisation",
    reasons: {
      below_minimum: "fewer than the minimum: not shown", protects_smaller_group: "hidden to protect a smaller group",
      not_published: "not shown", no_invitations: "no invitations", imported_responses: "imported answers",
      more_responses_than_invitations: "more answers than invitations",
    },
    fileErrors: "Nothing was stored. Fix these lines and upload the whole file again:",
    line: (line, column, msg) => `Line ${line}${column ? `, ${column}` : ""}: ${msg}`,
    failed: "That did not work:",
    scheduleTitle: "Change the schedule", saveSchedule: "Save the schedule",
    schedOpens: "Opening of this wave (Amsterdam time)", schedCloses: "Closing of this wave (Amsterdam time)",
    schedReminders: "Reminders of this wave (days after the opening)",
    schedOpensHint: "Leave empty to open it by hand.",
    schedOpensFixed: "The wave is open: its opening can no longer move.",
    scheduleSaved: "The schedule is saved.", noChanges: "Nothing to save: the schedule is as it was.",
    nothingChanged: "Nothing was changed. Fix the marked fields.",
  },
  nl: {
    appName: "Enquêteconsole", signOut: "Uitloggen", title: "Een meting uitvoeren",
    notAdminTitle: "Alleen beheerders van de organisatie voeren hier metingen uit", toDashboard: "Naar het dashboard",
    structureTitle: "Structuur",
    upload: "Uploaden", navLabel: "Pagina's van de console",
    unitsDone: (created, existing) => `${created} eenheden toegevoegd, ${existing} bestonden al.`,
    surveysTitle: "Metingen", chooseSurvey: "Meting", newSurvey: "Nieuwe meting", surveyTitle: "Titel",
    minGroup: "Minimale groepsgrootte (cijfers van kleinere groepen worden nooit getoond)", languages: "Talen",
    askDesired: "Vraag ook hoe men het graag zou zien", closesAt: "Sluit op (Nederlandse tijd)",
    opensAt: "Opent vanzelf op (Nederlandse tijd)",
    opensHint: "Leeg laten om zelf te openen. Met een tijdstip opent de meting dan vanzelf, en uitnodigingen die "
      + "eerder verstuurd worden wachten daarop.",
    reminderDays: "Herinneringsdagen",
    remindersHint: "Dagen na de opening waarop iedereen die nog niet heeft geantwoord een herinnering krijgt, "
      + "bijvoorbeeld 3, 7. Leeg laten voor geen.",
    badReminders: "Schrijf hele dagen van 1 tot 365, gescheiden door komma's, bijvoorbeeld 3, 7.",
    repeatedReminder: (day) => `Dag ${day} staat er twee keer.`, tooManyReminders: "Hoogstens 10 herinneringsdagen.",
    badDate: "Geen volledige datum en tijd.", closesBeforeOpens: "De sluiting moet na de opening komen.",
    opensPast: "Dat moment is voorbij: kies een later moment, of laat het leeg en open de meting zelf.",
    closesPast: "Dat moment is voorbij: kies een later moment.",
    fixFields: "Er is niets aangemaakt. Verbeter de gemarkeerde velden.",
    create: "Aanmaken", created: (title) => `Meting "${title}" aangemaakt als concept.`, noSurveys: "Nog geen metingen",
    statusLine: { draft: "Concept: nog niet geopend.", open: "Open: antwoorden welkom.", closed: "Gesloten." },
    closesLine: (when) => ` Sluit op ${when} (Nederlandse tijd).`,
    opensItself: (when) => `Concept: opent vanzelf op ${when} (Nederlandse tijd).`,
    openFrom: (when) => `Open: antwoorden welkom vanaf ${when} (Nederlandse tijd).`,
    nextReminder: (when) => ` Volgende herinnering op ${when}.`,
    reminderPlan: (days) => ` Herinneringen op dag ${list(days, "en")} na de opening.`,
    inviteWait: (when) => `De meting opent op ${when} (Nederlandse tijd): uitnodigingen die u nu verstuurt wachten `
      + "tot dan; niemand krijgt eerder een mail.",
    open: "Openen", close: "Sluiten", reopen: "Heropenen",
    closeFew: (n, k) => `${n == null ? `Deze meting heeft minder dan ${k} antwoorden` : `Deze meting heeft ${n} `
      + `${n === 1 ? "antwoord" : "antwoorden"}`}, en de minimale groepsgrootte is ${k}: als u haar nu sluit, `
      + "worden er geen cijfers van getoond, ook niet voor de hele organisatie.",
    closeUndo: (n, k) => "Sluiten is niet zomaar terug te draaien. U kunt de meting heropenen, maar bij het sluiten "
      + "worden de e-mailadressen van de uitnodigingen gewist, zodat er geen herinneringen meer naartoe kunnen"
      + (n === 0 ? "." : `; en antwoorden die na het heropenen binnenkomen tellen pas mee in de cijfers als elke `
        + `eenheid en laag die nieuwe antwoorden krijgt er minstens ${k} krijgt.`),
    closeYes: "Toch sluiten",
    inviteEnded: "De meting is gesloten: met het sluiten zijn de uitnodigingen gestopt. Heropen haar om meer mensen "
      + "uit te nodigen.",
    inviteTitle: "Uitnodigen per e-mail",
    inviteText: "Een CSV- of XLSX-bestand met de kolommen email, unit (het pad), layer (employee, team_leader, ...) en eventueel "
      + "language (nl of en). Elk adres krijgt een eigen link; de adressen worden gewist als de meting sluit. "
      + "De meting moet open zijn, of een concept met een openingstijd.",
    inviteFile: "Uitnodigingslijst (CSV of XLSX)", checkList: "Lijst controleren",
    checkedAll: (n) => `${n === 1 ? "De regel is" : `Alle ${n} regels zijn`} in orde. Er is nog niets verstuurd: `
      + `kijk ${n === 1 ? "hem" : "ze"} na en verstuur dan.`,
    sendN: (n) => `${n} ${n === 1 ? "uitnodiging" : "uitnodigingen"} versturen`,
    checkedCaption: "De gecontroleerde regels, zoals ze gemaild worden", colEmail: "E-mailadres", colUnit: "Eenheid",
    colLanguage: "Taal", languageNames: { nl: "Nederlands", en: "Engels" },
    moreLines: (n) => `… en nog ${n} ${n === 1 ? "regel" : "regels"}, alle in orde.`,
    mailed: (n) => `${n} uitnodigingen verstuurd.`,
    mailedLater: (n, when) => `${n} uitnodigingen klaar: ze worden gemaild als de meting opent op ${when}.`,
    delivery: (d, opening) => `Per e-mail: ${d.addresses} uitgenodigd; ${d.sent} mails afgeleverd, ${d.waiting} `
      + `${opening ? `wachtend op de opening op ${opening}` : "wachtend"}, ${d.failed} mislukt.`,
    remind: "Herinneringen versturen", reminded: (n) => `${n} herinneringen verstuurd (naar nog ongebruikte links).`,
    ratesTitle: "Respons", group: "Groep", invited: "Uitgenodigd", answered: "Geantwoord", rate: "Respons",
    byLayer: "Per laag", layer: "Laag", questionnaire: "Vragenlijst",
    linksTitle: "Links voor uw eigen mailing",
    linksText: "Voor organisaties die de uitnodigingen zelf versturen: een CSV- of XLSX-bestand met de kolommen "
      + "unit (het pad), layer en count geeft een bestand met zoveel eenmalige links per regel (unit, layer, token, "
      + "url), om met uw eigen middelen te mailen. De links worden alleen nu getoond: bewaar het bestand goed.",
    linksFile: "Eenheden, lagen en aantallen (CSV of XLSX)", makeLinks: "Links maken",
    linksMade: (n) => `${n} links gemaakt en als CSV-bestand opgeslagen.`,
    keyChanged: "De links van deze meting zijn gemaakt onder een andere geheime sleutel (SECRET_KEY) dan de server "
      + "nu heeft: ze neemt geen antwoorden, uitnodigingen of herinneringen aan tot de beheerder van de dienst die "
      + "sleutel op elke server terugzet. Er gaat niets verloren.",
    builtinVersion: (title, version) => `Standaard, versie ${version}: ${title}`,
    customVersion: (title, version) => `Eigen, versie ${version}: ${title}`,
    organisation: "Hele organisatie",
    reasons: {
      below_minimum: "minder dan het minimum: niet getoond", protects_smaller_group: "verborgen om een kleinere groep te beschermen",
      not_published: "niet getoond", no_invitations: "geen uitnodigingen", imported_responses: "geïmporteerde antwoorden",
      more_responses_than_invitations: "meer antwoorden dan uitnodigingen",
    },
    fileErrors: "Er is niets opgeslagen. Verbeter deze regels en upload het hele bestand opnieuw:",
    line: (line, column, msg) => `Regel ${line}${column ? `, ${column}` : ""}: ${msg}`,
    failed: "Dat lukte niet:",
    scheduleTitle: "Planning wijzigen", saveSchedule: "Planning opslaan",
    schedOpens: "Opening van deze meting (Nederlandse tijd)", schedCloses: "Sluiting van deze meting (Nederlandse tijd)",
    schedReminders: "Herinneringen van deze meting (dagen na de opening)",
    schedOpensHint: "Leeg laten om zelf te openen.",
    schedOpensFixed: "De meting is open: de opening kan niet meer verschuiven.",
    scheduleSaved: "De planning is opgeslagen.", noChanges: "Niets op te slaan: de planning is ongewijzigd.",
    nothingChanged: "Er is niets gewijzigd. Verbeter de gemarkeerde velden.",
  },
};

export const CONSOLE_STRINGS = Object.fromEntries(["en", "nl"].map((lang) => [lang,
  { ...WAVES_STRINGS[lang], ...STRUCTURE_STRINGS[lang], ...PEOPLE_STRINGS[lang], ...COMMENTS_STRINGS[lang],
    ...ANSWERS_STRINGS[lang] }]));
