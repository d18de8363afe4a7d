/* The words of the console's structure page, in English and Dutch. */
export const STRUCTURE_STRINGS = {
  en: {
    structureText: "Upload the organisation's units as CSV or as an Excel workbook (XLSX, its first sheet): a "
      + "column path, such as Directie/Afdeling/Team, and optionally external_key; or the columns external_key, "
      + "name and parent_key. Units that exist already stay as they are. All or nothing: a file with a bad line "
      + "changes nothing.",
    unitsFile: "Units file (CSV or XLSX)", unitsNow: "The units now", countsFrom: "Counts from the wave",
    noCounts: "No counts", showArchived: "Show archived units", noUnits: "No units yet: upload a file above.",
    countsNote: (k) => `Invited and answered per unit, including the units below it. Groups smaller than this `
      + `wave's minimum of ${k} are not shown, nor groups that would give them away.`,
    unitCounts: (invited, answered) => `${invited} invited, ${answered} answered`,
    archiveText: "Archiving retires a unit: it gets no new invitations or sub-units, and the reports keep its past "
      + "results. A unit is archived after its sub-units, and only when no wave that is still open or planned "
      + "invites people in it. It can be brought back.",
    archived: "archived", rename: "Rename", move: "Move", archive: "Archive", unarchive: "Bring back",
    renameUnit: (name) => `Rename ${name}`, moveUnit: (name) => `Move ${name}`,
    archiveUnit: (name) => `Archive ${name}`, unarchiveUnit: (name) => `Bring back ${name}`,
    newName: (name) => `New name for ${name}`, moveUnder: (name) => `Move ${name} under`,
    topLevel: "(the top of the tree)", save: "Save", cancel: "Cancel", nameNeeded: "A unit needs a name.",
    noSlash: "A name has no slash (/): it separates the levels of a path.",
    renamed: (name) => `Renamed to ${name}.`, moved: (name) => `${name} moved.`,
    archivedDone: (name) => `${name} archived.`, unarchivedDone: (name) => `${name} brought back.`,
    linesCaption: "The lines with errors", lineNumber: "Line", lineText: "What the line says", problem: "Problem",
    rowInWorkbook: "(a row of the workbook)",
  },
  nl: {
    structureText: "Upload de eenheden van de organisatie als CSV of als Excel-werkmap (XLSX, het eerste blad): "
      + "een kolom path, zoals Directie/Afdeling/Team, en eventueel external_key; of de kolommen external_key, "
      + "name en parent_key. Eenheden die al bestaan blijven zoals ze zijn. Alles of niets: een bestand met een "
      + "foute regel verandert niets.",
    unitsFile: "Bestand met eenheden (CSV of XLSX)", unitsNow: "De eenheden nu", countsFrom: "Aantallen van de meting",
    noCounts: "Geen aantallen", showArchived: "Gearchiveerde eenheden tonen",
    noUnits: "Nog geen eenheden: upload hierboven een bestand.",
    countsNote: (k) => `Uitgenodigd en geantwoord per eenheid, met de eenheden eronder. Groepen kleiner dan het `
      + `minimum van ${k} van deze meting worden niet getoond, en ook geen groepen die ze zouden verraden.`,
    unitCounts: (invited, answered) => `${invited} uitgenodigd, ${answered} geantwoord`,
    archiveText: "Archiveren zet een eenheid buiten gebruik: ze krijgt geen nieuwe uitnodigingen of "
      + "onderliggende eenheden, en de rapporten houden haar eerdere resultaten. Een eenheid wordt gearchiveerd "
      + "na haar onderliggende eenheden, en alleen als geen meting die nog open of gepland is er mensen uitnodigt. "
      + "Ze kan worden teruggehaald.",
    archived: "gearchiveerd", rename: "Hernoemen", move: "Verplaatsen", archive: "Archiveren",
    unarchive: "Terughalen",
    renameUnit: (name) => `${name} hernoemen`, moveUnit: (name) => `${name} verplaatsen`,
    archiveUnit: (name) => `${name} archiveren`, unarchiveUnit: (name) => `${name} terughalen`,
    newName: (name) => `Nieuwe naam voor ${name}`, moveUnder: (name) => `${name} verplaatsen naar onder`,
    topLevel: "(de top van de boom)", save: "Opslaan", cancel: "Annuleren",
    nameNeeded: "Een eenheid heeft een naam nodig.",
    noSlash: "Een naam heeft geen schuine streep (/): die scheidt de niveaus van een pad.",
    renamed: (name) => `Hernoemd tot ${name}.`, moved: (name) => `${name} verplaatst.`,
    archivedDone: (name) => `${name} gearchiveerd.`, unarchivedDone: (name) => `${name} teruggehaald.`,
    linesCaption: "De regels met fouten", lineNumber: "Regel", lineText: "Wat er op de regel staat",
    problem: "Probleem", rowInWorkbook: "(een rij van de werkmap)",
  },
};
