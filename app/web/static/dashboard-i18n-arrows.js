/* Interface strings of the trend arrows beside the scores (issue 15, item 4): the profile, the statements and the
   readiness summary. Merged into STRINGS by dashboard-i18n.js; every language must have the same keys. */
export const ARROW_STRINGS = Object.freeze({
  en: {
    "arrow.up": "Since {wave}: up {size} points",
    "arrow.down": "Since {wave}: down {size} points",
    "arrow.flat": "Since {wave}: about the same ({change} points)",
    "arrow.clear": "a clear change",
    "arrow.clearAdjusted": "a clear change (adjusted for {count} comparisons)",
    "arrow.noise": "within what chance alone could give",
    "arrow.noiseAdjusted": "within what chance alone could give (adjusted for {count} comparisons)",
    "arrow.untested": "not tested",
    arrowColumn: "Since {wave}",
    arrowLegend: "Arrows: change since {wave}; ★ and colour where the change is clear (more than chance), grey where it could be chance.",
    arrowNone: "–",
  },
  nl: {
    "arrow.up": "Sinds {wave}: {size} punt hoger",
    "arrow.down": "Sinds {wave}: {size} punt lager",
    "arrow.flat": "Sinds {wave}: ongeveer gelijk ({change} punt)",
    "arrow.clear": "een duidelijke verandering",
    "arrow.clearAdjusted": "een duidelijke verandering (gecorrigeerd voor {count} vergelijkingen)",
    "arrow.noise": "binnen wat toeval alleen kan geven",
    "arrow.noiseAdjusted": "binnen wat toeval alleen kan geven (gecorrigeerd voor {count} vergelijkingen)",
    "arrow.untested": "niet getoetst",
    arrowColumn: "Sinds {wave}",
    arrowLegend: "Pijlen: verandering sinds {wave}; ★ en kleur waar de verandering duidelijk is (meer dan toeval), grijs waar ze toeval kan zijn.",
    arrowNone: "–",
  },
});
