/* Interface strings of the dashboard's layout and later panels (issue 15, items 2-6): data quality by kind, pooled
   leaders, leadership units, the heatmap's levels and views, the leader blind spot, downloads and the board report.
   Merged into STRINGS by dashboard-i18n.js; every language must have the same keys. */
export const PANEL_STRINGS = Object.freeze({
  en: {
    qualityKinds: "{count} kinds of point to keep in mind when reading these figures. Each is listed once, with what it means and where its figures are marked ⚠.",
    qualityMeaning: "What it means:",
    qualityLink: "⚠ Data quality: {count} points to keep in mind",
    qualityPointer: "⚠ marks a figure with a data-quality point: see Data quality",
    "qualityKind.negative_item_total": "A statement seems to be scored the wrong way round",
    "qualityKind.low_alpha": "A dimension is not measured consistently here",
    "qualityKind.straight_lining": "Many people gave the same answer to every statement",
    "qualityKind.high_dont_know": "Many people answered \u201cdon't know\u201d",
    "qualityMeans.negative_item_total": "people who score high on the rest of the dimension tend to disagree with this statement. Check its wording or whether it is reverse-worded; until then, read the dimension's score with care.",
    "qualityMeans.low_alpha": "the statements of this dimension were answered rather differently in this group, so its score summarises them less well. Read the score as a rough indication and look at the separate statements.",
    "qualityMeans.straight_lining": "some answers may have been given without reading the statements. Differences in this group can look smaller than they are.",
    "qualityMeans.high_dont_know": "many people could not judge this statement; its figures rest on fewer people and on those who could.",
  },
  nl: {
    qualityKinds: "{count} soorten aandachtspunten bij het lezen van deze cijfers. Elk staat hier één keer, met wat het betekent en waar de cijfers met ⚠ gemarkeerd zijn.",
    qualityMeaning: "Wat het betekent:",
    qualityLink: "⚠ Kwaliteit van de gegevens: {count} aandachtspunten",
    qualityPointer: "⚠ markeert een cijfer met een aandachtspunt over de gegevens: zie Kwaliteit van de gegevens",
    "qualityKind.negative_item_total": "Een stelling lijkt omgekeerd gescoord",
    "qualityKind.low_alpha": "Een dimensie wordt hier niet consistent gemeten",
    "qualityKind.straight_lining": "Veel mensen gaven op elke stelling hetzelfde antwoord",
    "qualityKind.high_dont_know": "Veel mensen antwoordden \u201cweet ik niet\u201d",
    "qualityMeans.negative_item_total": "wie hoog scoort op de rest van de dimensie, is het juist vaak oneens met deze stelling. Controleer de formulering of de stelling omgekeerd gesteld is; lees de score van de dimensie tot dan met voorzichtigheid.",
    "qualityMeans.low_alpha": "de stellingen van deze dimensie werden in deze groep nogal verschillend beantwoord, dus de score vat ze minder goed samen. Lees de score als een globale indicatie en kijk naar de afzonderlijke stellingen.",
    "qualityMeans.straight_lining": "een deel van de antwoorden is mogelijk gegeven zonder de stellingen te lezen. Verschillen in deze groep kunnen kleiner lijken dan ze zijn.",
    "qualityMeans.high_dont_know": "veel mensen konden deze stelling niet beoordelen; de cijfers rusten op minder mensen, en op wie het wel kon.",
  },
});
