/* The words of the console's download of the published answers, in English and Dutch. */
export const ANSWERS_STRINGS = {
  en: {
    answersTitle: "Answers for your own analysis",
    answersText: "The published answers as a file, under the same protection as the reports: a row is named only "
      + "by a unit and layer whose figures the reports show, and answers are left out where they could single "
      + "someone out. Long: one row per respondent and dimension, with nearly every answer, but a person's rows "
      + "are not linked. Wide: one row per respondent, with only the dimensions that leave nobody standing out "
      + "by what they skipped: in small teams, often few.",
    answersNone: "The answers can be downloaded once the wave has published them (at its close).",
    answersShape: "Shape", answersWide: "Wide (a row per respondent)",
    answersLong: "Long (a row per respondent and dimension)",
    answersFormat: "File type", answersCsv: "CSV", answersExcelNl: "CSV for Dutch Excel (semicolons)",
    answersXlsx: "Excel workbook", answersSav: "SPSS data file (.sav)", answersDownload: "Download",
    answersBusy: "Preparing the file\u2026",
    answersSaved: (rows, withheld, shape) => `Saved: ${rows} rows.` + (shape === "wide" && withheld
      ? ` ${withheld} answers were left out so that nobody who skipped a dimension stands out; the long shape `
        + "holds them." : ""),
    // the export's X-Export-Suppressed: respondents left out because there are fewer than k of them in all
    answersNoneLeft: (k) => `Saved: 0 rows. Every response was left out: the wave has fewer than ${k} `
      + "respondents in all (its minimum group size), so any row could single someone out.",
    answersSomeLeft: (k) => ` Some responses were left out: they would have formed a group of fewer than ${k} `
      + "(the wave's minimum group size).",
  },
  nl: {
    answersTitle: "Antwoorden voor uw eigen analyse",
    answersText: "De gepubliceerde antwoorden als bestand, met dezelfde bescherming als de rapporten: een rij "
      + "krijgt alleen een eenheid en laag waarvan de rapporten de cijfers tonen, en antwoorden die iemand "
      + "herkenbaar kunnen maken worden weggelaten. Lang: één rij per deelnemer en dimensie, met bijna alle "
      + "antwoorden, maar de rijen van één persoon zijn niet aan elkaar gekoppeld. Breed: één rij per deelnemer, "
      + "met alleen de dimensies waarbij niemand opvalt door wat er is overgeslagen: in kleine teams vaak weinig.",
    answersNone: "De antwoorden kunt u downloaden zodra de ronde ze heeft gepubliceerd (bij het sluiten).",
    answersShape: "Vorm", answersWide: "Breed (een rij per deelnemer)",
    answersLong: "Lang (een rij per deelnemer en dimensie)",
    answersFormat: "Bestandstype", answersCsv: "CSV", answersExcelNl: "CSV voor Nederlandse Excel (puntkomma's)",
    answersXlsx: "Excel-werkmap", answersSav: "SPSS-databestand (.sav)", answersDownload: "Downloaden",
    answersBusy: "Het bestand wordt klaargemaakt\u2026",
    answersSaved: (rows, withheld, shape) => `Opgeslagen: ${rows} rijen.` + (shape === "wide" && withheld
      ? ` ${withheld} antwoorden zijn weggelaten zodat niemand die een dimensie oversloeg opvalt; de lange vorm `
        + "bevat ze wel." : ""),
    answersNoneLeft: (k) => `Opgeslagen: 0 rijen. Alle antwoorden zijn weggelaten: de meting heeft in totaal `
      + `minder dan ${k} deelnemers (de minimale groepsgrootte), dus elke rij zou iemand herkenbaar kunnen maken.`,
    answersSomeLeft: (k) => ` Sommige antwoorden zijn weggelaten: ze zouden een groep van minder dan ${k} vormen `
      + "(de minimale groepsgrootte van de meting).",
  },
};
