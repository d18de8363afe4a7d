/* The words of the console's comment settings (a wave's open questions, comment threshold and theme keyword lists),
   in English and Dutch. */
export const COMMENTS_STRINGS = {
  en: {
    csTitle: "Open questions and comments",
    csText: "Optional open questions at the end of the questionnaire, e.g. \u201cWhat would help most to share "
      + "knowledge in your team?\u201d. Comments are shown only for groups of at least the comment threshold, "
      + "e-mail addresses and phone numbers masked before storage.",
    csOn: "Ask open questions",
    csOnHint: "Up to 5 questions, each in every language of the wave.",
    csFixed: "The open questions can change only while the wave is a draft: people may have answered them. The "
      + "threshold can still change.",
    csQuestion: (n) => `Question ${n}`,
    csKey: "Key (names the question in exports)",
    csKeyHint: "Lower-case letters, digits and _, starting with a letter.",
    csTextIn: (language) => `The question in ${language}`,
    csLanguages: { en: "English", nl: "Dutch" },
    csAdd: "Add a question",
    csRemove: (n) => `Remove question ${n}`,
    csThreshold: "Comment threshold (respondents)",
    csThresholdHint: (k) => `Comments and their themes are shown only for groups of at least this many `
      + `respondents. Default 10; never below the wave's minimum group size (${k}).`,
    csSave: "Save the comment settings",
    csSaved: "The comment settings are saved.",
    csNoChanges: "Nothing to save: the settings are as they were.",
    csNotSaved: "Nothing was changed. Fix the marked fields.",
    csNeedText: "Write the question.",
    csTooLong: "At most 500 characters.",
    csBadKey: "Lower-case letters, digits and _, starting with a letter.",
    csTwice: "Another question has this key.",
    csBadThreshold: "A whole number.",
    csBelowK: (k) => `At least the wave's minimum group size (${k}).`,
    csTooHigh: "At most 1000.",
    csThemes: "Theme keyword lists",
    csThemesText: "The comments' theme view counts per dimension the comments with one of its keywords (the start of "
      + "a word, in any language). Separate the keywords with commas or new lines; empty a dimension's fields to "
      + "leave it out.",
    csThemesDefault: "These are the standard lists: they follow later improvements to them.",
    csThemesOwn: "These are this wave's own lists: saved as they are here.",
    csThemesFilled: "The standard lists are back in the fields. Save to use them.",
    csThemesReset: "Use the standard lists",
    csKeywordsIn: (language) => `Keywords in ${language}`,
    csKeywordTooLong: (word) => `At most 60 characters per keyword: “${word}”.`,
    csTooManyKeywords: "At most 50 keywords.",
  },
  nl: {
    csTitle: "Open vragen en opmerkingen",
    csText: "Optionele open vragen aan het eind van de vragenlijst, bijvoorbeeld \u201cWat zou het meest helpen om "
      + "kennis te delen in het team?\u201d. Opmerkingen worden alleen getoond voor groepen van minstens de drempel "
      + "voor opmerkingen; e-mailadressen en telefoonnummers worden vóór het opslaan onherkenbaar gemaakt.",
    csOn: "Open vragen stellen",
    csOnHint: "Hoogstens 5 vragen, elk in alle talen van de meting.",
    csFixed: "De open vragen kunnen alleen veranderen zolang de meting een concept is: er kan al op geantwoord "
      + "zijn. De drempel kan nog wel veranderen.",
    csQuestion: (n) => `Vraag ${n}`,
    csKey: "Sleutel (de naam van de vraag in exports)",
    csKeyHint: "Kleine letters, cijfers en _, beginnend met een letter.",
    csTextIn: (language) => `De vraag in het ${language}`,
    csLanguages: { en: "Engels", nl: "Nederlands" },
    csAdd: "Vraag toevoegen",
    csRemove: (n) => `Vraag ${n} verwijderen`,
    csThreshold: "Drempel voor opmerkingen (respondenten)",
    csThresholdHint: (k) => `Opmerkingen en hun thema's worden alleen getoond voor groepen van minstens zoveel `
      + `respondenten. Standaard 10; nooit lager dan de minimale groepsgrootte van de meting (${k}).`,
    csSave: "Instellingen voor opmerkingen opslaan",
    csSaved: "De instellingen voor opmerkingen zijn opgeslagen.",
    csNoChanges: "Niets op te slaan: de instellingen zijn ongewijzigd.",
    csNotSaved: "Er is niets gewijzigd. Verbeter de gemarkeerde velden.",
    csNeedText: "Schrijf de vraag.",
    csTooLong: "Hoogstens 500 tekens.",
    csBadKey: "Kleine letters, cijfers en _, beginnend met een letter.",
    csTwice: "Een andere vraag heeft deze sleutel.",
    csBadThreshold: "Een heel getal.",
    csBelowK: (k) => `Minstens de minimale groepsgrootte van de meting (${k}).`,
    csTooHigh: "Hoogstens 1000.",
    csThemes: "Trefwoorden per thema",
    csThemesText: "De themaweergave van de opmerkingen telt per dimensie de opmerkingen met een van haar trefwoorden "
      + "(het begin van een woord, in elke taal). Scheid de trefwoorden met komma's of nieuwe regels; maak de velden "
      + "van een dimensie leeg om haar weg te laten.",
    csThemesDefault: "Dit zijn de standaardlijsten: ze volgen latere verbeteringen daarvan.",
    csThemesOwn: "Dit zijn eigen lijsten van deze meting: ze worden opgeslagen zoals ze hier staan.",
    csThemesFilled: "De standaardlijsten staan weer in de velden. Sla op om ze te gebruiken.",
    csThemesReset: "De standaardlijsten gebruiken",
    csKeywordsIn: (language) => `Trefwoorden in het ${language}`,
    csKeywordTooLong: (word) => `Hoogstens 60 tekens per trefwoord: “${word}”.`,
    csTooManyKeywords: "Hoogstens 50 trefwoorden.",
  },
};
