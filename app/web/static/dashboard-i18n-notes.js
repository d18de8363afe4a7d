/* Interface strings of the dashboard's notes on what the figures rest on: when a wave's figures were published, and
   whose answers a unit's figures include (docs/anonymity.md, points 4 and 5). Merged into STRINGS by
   dashboard-i18n.js; every language must have the same keys. */
export const NOTE_STRINGS = Object.freeze({
  en: {
    publicationTitle: "Figures as published",
    "publication.none": "No figures yet: a wave's figures are published when it closes, so they never move with one more response. The response rates below are live.",
    "publication.open": "Figures as of {date} (Amsterdam time), when this wave last stopped taking responses. They don't move while it is open: responses given since join them at the next close, and only when every group has gained none or at least {k}. The response rates below are live.",
    "publication.closed": "Figures as of {date} (Amsterdam time). Responses that arrive after a publication join the figures only when every group has gained none or at least {k} of them.",
    rollupTitle: "Whose answers these figures include",
    "rollup.movedTeam": "The answers of {unit} count in the figures of {at}: too few to show on their own (fewer than {k}), so {unit} shows no figures.",
    "rollup.movedOwn": "The answers of the people attached directly to {unit} (such as its head) count with {at}: too few to show apart. The figures of {unit} are those of the units below it that count here.",
    "rollup.includes": "The figures of {unit} include the answers of small groups in {list}, counted here: too few to show apart.",
    "rollup.largerUnit": "a larger unit above it",
    "rollup.more": "{count} more units",
    "rollup.countedIn": "counted in {at}",
    "rollup.includesShort": "includes small groups in {list}",
  },
  nl: {
    publicationTitle: "Cijfers zoals gepubliceerd",
    "publication.none": "Nog geen cijfers: de cijfers van een meting worden gepubliceerd als die sluit, zodat ze nooit verschuiven door één antwoord meer. De responspercentages hieronder zijn actueel.",
    "publication.open": "Cijfers van {date} (Nederlandse tijd), toen deze meting voor het laatst stopte met antwoorden ontvangen. Ze verschuiven niet zolang de meting open is: antwoorden van daarna tellen mee bij de volgende sluiting, en alleen als elke groep er geen of minstens {k} bij heeft gekregen. De responspercentages hieronder zijn actueel.",
    "publication.closed": "Cijfers van {date} (Nederlandse tijd). Antwoorden die na een publicatie binnenkomen, tellen pas mee als elke groep er geen of minstens {k} bij heeft gekregen.",
    rollupTitle: "Wiens antwoorden deze cijfers bevatten",
    "rollup.movedTeam": "De antwoorden van {unit} tellen mee in de cijfers van {at}: te weinig om apart te tonen (minder dan {k}), dus {unit} toont geen cijfers.",
    "rollup.movedOwn": "De antwoorden van wie direct bij {unit} hoort (zoals het hoofd) tellen mee bij {at}: te weinig om apart te tonen. De cijfers van {unit} zijn die van de onderdelen eronder die hier meetellen.",
    "rollup.includes": "De cijfers van {unit} bevatten de antwoorden van kleine groepen in {list}, die hier meetellen: te weinig om apart te tonen.",
    "rollup.largerUnit": "een groter onderdeel erboven",
    "rollup.more": "{count} andere onderdelen",
    "rollup.countedIn": "telt mee bij {at}",
    "rollup.includesShort": "bevat kleine groepen in {list}",
  },
});
