/* Interface strings of the focus-areas panel (dashboard-focus.js). Merged into STRINGS by dashboard-i18n.js; every
   language must have the same keys. */
export const FOCUS_STRINGS = Object.freeze({
  en: {
    focusTitle: "Where to start for knowledge sharing",
    focusLead: "Which dimensions matter most for knowledge sharing and learning here, and how much room each has to grow. The longest bars combine both: start there.",
    focusUnavailable: "No focus areas here: they need the questionnaire's outcome scale (knowledge sharing and learning, version 2 of the built-in questionnaire) and at least 50 respondents in this unit who answered every statement. Choose a larger unit or the whole organisation.",
    focusUnavailableOrganisation: "No focus areas for this wave: they need the questionnaire's outcome scale (knowledge sharing and learning, version 2 of the built-in questionnaire) and at least 50 respondents in the organisation who answered every statement.",
    focusListLabel: "Dimensions by priority for {outcome}",
    focusImportance: "{pct} of what the dimensions explain",
    focusRoom: "{x} points of room to grow",
    focusRoomHidden: "room to grow not shown",
    focusStatements: "Statements to start with",
    focusFoot: "Based on the {n} respondents who answered every statement; together the dimensions account for {r2} of the differences in {outcome}. Room to grow: {room}. Importance is an association in this wave, not proof of cause.",
    focusRoomDesired: "how people want it to be minus how it is",
    focusRoomOrganisation: "how far this unit scores below the whole organisation",
    focusRoomTop: "the distance to the top of the scale",
  },
  nl: {
    focusTitle: "Waar te beginnen voor kennisdeling",
    focusLead: "Welke dimensies hier het zwaarst wegen voor kennisdeling en leren, en hoeveel ruimte elk heeft om te groeien. De langste balken combineren beide: begin daar.",
    focusUnavailable: "Hier geen aandachtspunten: daarvoor zijn de uitkomstschaal van de vragenlijst nodig (kennisdeling en leren, versie 2 van de ingebouwde vragenlijst) en minstens 50 respondenten in deze eenheid die elke stelling beantwoordden. Kies een grotere eenheid of de hele organisatie.",
    focusUnavailableOrganisation: "Geen aandachtspunten voor deze meting: daarvoor zijn de uitkomstschaal van de vragenlijst nodig (kennisdeling en leren, versie 2 van de ingebouwde vragenlijst) en minstens 50 respondenten in de organisatie die elke stelling beantwoordden.",
    focusListLabel: "Dimensies op prioriteit voor {outcome}",
    focusImportance: "{pct} van wat de dimensies verklaren",
    focusRoom: "{x} punt ruimte om te groeien",
    focusRoomHidden: "ruimte om te groeien niet getoond",
    focusStatements: "Stellingen om mee te beginnen",
    focusFoot: "Op basis van de {n} respondenten die elke stelling beantwoordden; samen verklaren de dimensies {r2} van de verschillen in {outcome}. Ruimte om te groeien: {room}. Belang is een samenhang in deze meting, geen bewijs van oorzaak.",
    focusRoomDesired: "hoe mensen het willen min hoe het nu is",
    focusRoomOrganisation: "hoever deze eenheid onder de hele organisatie scoort",
    focusRoomTop: "de afstand tot de top van de schaal",
  },
});
