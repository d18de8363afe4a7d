/* The server's problem details (RFC 9457) in the console's language. The API speaks English (its clients are
   programs); the console shows a Dutch reader Dutch: the problem's `type` gives the sentence when its `detail` is
   not one we know, and each known `detail` or field message (pydantic's and the imports' own words) has a Dutch
   pattern here. A message without one is shown as the server wrote it, marked as English, so nothing is lost. */

const TYPE_PREFIX = "urn:culturegap:problem:";

/** Dutch for a problem by its type's last part, when its detail is unknown. */
const TYPES_NL = {
  "validation-error": "De invoer is niet in orde.", conflict: "Dat kan nu niet.", "not-found": "Niet gevonden.",
  forbidden: "Dat mag u niet.", unauthorized: "U bent niet (meer) aangemeld.", gone: "Niet meer beschikbaar.",
  "payload-too-large": "Het bestand is te groot.", "too-many-requests": "Te veel verzoeken; probeer het zo weer.",
  "bad-request": "Het verzoek is niet in orde.",
  "secret-key-changed": "De geheime sleutel van de server (SECRET_KEY) is veranderd.",
};

const q = "'([^']*)'";  // a quoted name as Python's repr writes it
/** [English pattern, Dutch text or function of the groups]: details of problems and messages of fields. */
const PATTERNS_NL = [
  // a SECRET_KEY changed while a wave takes answers (app/invitations/used.py)
  [/^This survey's invitations were made under another SECRET_KEY than the server holds now/,
    "De uitnodigingen van deze meting zijn gemaakt onder een andere geheime sleutel (SECRET_KEY) dan de server nu "
    + "heeft, dus kan zij niet zien welke links gebruikt zijn: ze neemt geen antwoorden, concepten, uitnodigingen "
    + "of herinneringen aan tot de beheerder van de dienst die SECRET_KEY op elke server terugzet. Er is niets "
    + "opgeslagen; probeer het later opnieuw."],
  // the imports
  [/^The file has errors; nothing was imported\.$/, "Het bestand bevat fouten; er is niets opgeslagen."],
  [/^The file has no rows\.$/, "Het bestand heeft geen regels."],
  [/^The file has no lines below its header\.$/, "Het bestand heeft geen regels onder de kopregel."],
  [/^The file is larger than (\d+) bytes\.$/, (n) => `Het bestand is groter dan ${n} bytes.`],
  [/^The header needs a `path` column, or `external_key,name,parent_key` columns\.$/,
    "De kopregel moet een kolom path hebben, of de kolommen external_key, name en parent_key."],
  [/^The header needs `email`, `name` and `role` columns/,
    "De kopregel moet de kolommen email, name en role hebben (en eventueel units)."],
  [/^The file is not a workbook that can be read \((.*)\): save it again/,
    () => "Het bestand is geen leesbare Excel-werkmap: sla het opnieuw op als Excel-werkmap (.xlsx) of als CSV UTF-8."],
  [/^empty name$/, "lege naam"],
  [/^longer than (\d+) characters$/, (n) => `langer dan ${n} tekens`],
  [/^contains control characters$/, "bevat stuurtekens"],
  [/^must not contain control characters$/, "mag geen stuurtekens bevatten"],
  [/^required$/, "verplicht"],
  [/^more cells than the header has columns$/, "meer cellen dan de kopregel kolommen heeft"],
  [/^(\d+) cells, but the header has (\d+) columns$/, (a, b) => `${a} cellen, maar de kopregel heeft ${b} kolommen`],
  [/^more than (\d+) (rows|lines)(; split the file)?$/, (n) => `meer dan ${n} regels; splits het bestand`],
  [/^not valid CSV: /, "geen geldige CSV"],
  [new RegExp(`^${q} is already used by another unit$`), (k) => `'${k}' is al de sleutel van een andere eenheid`],
  [/^the unit exists with another external key$/, "de eenheid bestaat al met een andere sleutel"],
  [new RegExp(`^${q} appears twice in the file$`), (k) => `'${k}' staat twee keer in het bestand`],
  [/^a unit can't be its own parent$/, "een eenheid kan niet haar eigen bovenliggende eenheid zijn"],
  [new RegExp(`^${q} exists with another name or parent$`),
    (k) => `'${k}' bestaat al met een andere naam of bovenliggende eenheid`],
  [new RegExp(`^a unit named ${q} already exists under this parent$`),
    (n) => `er is al een eenheid '${n}' op die plek`],
  [/^the parent keys form a cycle$/, "de parent_key's vormen een kring"],
  [new RegExp(`^no unit with key ${q}$`), (k) => `geen eenheid met sleutel '${k}'`],
  [new RegExp(`^${q} is archived$`), (n) => `'${n}' is gearchiveerd`],
  [/^the unit is archived$/, "de eenheid is gearchiveerd"],
  [/^(\d+) units are called (.*): give the path \((.*)\)$/,
    (n, name, paths) => `${n} eenheden heten ${name}: geef het pad (${paths})`],
  [/^no such unit in this organisation \(give its path, name, external key or id\)$/,
    "deze eenheid bestaat niet in de organisatie (geef haar pad, naam, externe sleutel of id)"],
  [/^no such unit in this organisation/, "deze eenheid bestaat niet in de organisatie"],
  [/^starts or ends with a separator \(, or ;\): is each line separated as the header is\?$/,
    "begint of eindigt met een scheidingsteken (, of ;): is elke regel gescheiden zoals de kopregel?"],
  [new RegExp(`^no unit with the path ${q}$`), (p) => `geen eenheid met het pad '${p}'`],
  [new RegExp(`^no layer with key ${q}, nor with that name; the organisation's layers are (.*)$`),
    (k, known) => `geen laag met sleutel of naam '${k}'; de lagen van de organisatie zijn ${known}`],
  [/^not an e-mail address$/, "geen e-mailadres"],
  [/^already invited to this survey by mail; send a reminder instead$/,
    "al uitgenodigd voor deze meting; stuur een herinnering"],
  [/^the same address as line (\d+)$/, (n) => `hetzelfde adres als regel ${n}`],
  [/^the address is on line (\d+) too$/, (n) => `het adres staat ook op regel ${n}`],
  [/^the survey is asked in (.*)$/, (l) => `de meting wordt gevraagd in ${l}`],
  // units
  [new RegExp(`^A unit named ${q} already exists under this parent\\.$`),
    (n) => `Er is al een eenheid '${n}' op die plek.`],
  [new RegExp(`^Another unit has external key ${q}\\.$`), (k) => `Een andere eenheid heeft sleutel '${k}'.`],
  [/^A unit can't move under itself or one of its descendants\.$/,
    "Een eenheid kan niet onder zichzelf of een van haar onderliggende eenheden komen."],
  [/^The unit's parent is archived: unarchive the parent first\.$/,
    "De bovenliggende eenheid is gearchiveerd: haal die eerst uit het archief."],
  [/^The unit has sub-units that are not archived: archive or move them first\.$/,
    "De eenheid heeft onderliggende eenheden die niet gearchiveerd zijn: archiveer of verplaats die eerst."],
  [/^Waves that are not closed invite people in this unit \((.*)\): close them before archiving it\.$/,
    (w) => `Metingen die nog niet gesloten zijn nodigen mensen in deze eenheid uit (${w}): sluit ze voordat u `
      + "de eenheid archiveert."],
  [/^a unit needs a name$/, "een eenheid heeft een naam nodig"],
  // people
  [/^The organisation already has a person with this e-mail address\.$/,
    "De organisatie heeft al iemand met dit e-mailadres."],
  [/^No such person\.$/, "Deze persoon bestaat niet."],
  [/^a leader needs at least one unit$/, "een leidinggevende heeft minstens één eenheid nodig"],
  [/^an organisation admin reaches the whole organisation: no units$/,
    "een beheerder ziet de hele organisatie: geen eenheden kiezen"],
  [/^no such unit$/, "deze eenheid bestaat niet"],
  // surveys
  [/^must be in the future$/, "moet in de toekomst liggen"],
  [/^closes_at must be after opens_at$/, "de sluiting moet na de opening komen"],
  [/^The survey is (\w+): only title, closes_at and reminder_days can change/,
    (s) => `De meting is ${s === "open" ? "open" : "gesloten"}: alleen de titel, de sluiting en de `
      + "herinneringsdagen kunnen nog veranderen."],
  [/^closes_at is in the past: move it/, "De sluiting ligt in het verleden: verzet die eerst."],
  [/^Can't (\w+) a survey that is (\w+)/, "Dat kan niet in de huidige stand van de meting."],
  [/^No such survey\.$/, "Deze meting bestaat niet."],
  // action plans (the dashboard's action form)
  [/^The action is not valid; nothing was stored\.$/, "De actie is niet in orde; er is niets opgeslagen."],
  [/^The change is not valid; nothing was changed\.$/, "De wijziging is niet in orde; er is niets veranderd."],
  [/^A leader plans actions only for the units of their own subtrees\.$/,
    "Een leidinggevende plant alleen acties voor de eigen eenheden en wat daaronder valt."],
  [/^Planning actions needs an organisation admin, or a leader for their own units\.$/,
    "Acties plannen kan alleen een beheerder, of een leidinggevende voor de eigen eenheden."],
  [/^No such action\.$/, "Deze actie bestaat niet."],
  [/^No such unit\.$/, "Deze eenheid bestaat niet."],
  [/^no such statement in the survey's questionnaire$/, "deze stelling staat niet in de vragenlijst van de meting"],
  [/^the statement belongs to `([^`]*)`$/, (k) => `de stelling hoort bij dimensie '${k}'`],
  [/^not a dimension of the survey's questionnaire; one of (.*)$/,
    (keys) => `geen dimensie van de vragenlijst van de meting; kies uit ${keys}`],
  [/^no such person in this organisation$/, "deze persoon bestaat niet in de organisatie"],
  [/^name the dimension \(`dimension_key`\) or the statement \(`item_key`\) the action addresses$/,
    "kies de dimensie of de stelling waar de actie om gaat"],
  [/^(\w+(?:, \w+)*) may be left out but not null$/, (names) => `${names} mag worden weggelaten, maar niet leeg zijn`],
  // a wave's comment settings (the console's comments form)
  [/^The comment settings are not valid; nothing was changed\.$/,
    "De instellingen voor opmerkingen zijn niet in orde; er is niets gewijzigd."],
  [/^at least the survey's minimum group size \((\d+)\)$/, (k) => `minstens de minimale groepsgrootte van de meting (${k})`],
  [/^needs the survey's languages: (.*)$/, (l) => `nodig in de talen van de meting: ${l}`],
  [/^duplicate key$/, "deze sleutel komt twee keer voor"],
  [/^The open questions can change only while the survey is a draft\.$/,
    "De open vragen kunnen alleen veranderen zolang de meting een concept is."],
  // pydantic's own words
  [/^Field required$/, "verplicht"],
  [/^String should have at least (\d+) characters?$/, (n) => `minstens ${n} ${n === "1" ? "teken" : "tekens"}`],
  [/^String should have at most (\d+) characters?$/, (n) => `hoogstens ${n} tekens`],
  [/^String should match pattern/, "bevat tekens die hier niet mogen (zoals /)"],
  [/^Value should have at least (\d+) items? after validation/,
    (n) => `minstens ${n} ${n === "1" ? "teken" : "tekens"}`],  // a trimmed text (ShortText) that came out empty
  [/^Value should have at most (\d+) items? after validation/, (n) => `hoogstens ${n} tekens`],  // a trimmed text
  [/^Input should be greater than or equal to (\S+)$/, (n) => `minstens ${n}`],
  [/^Input should be less than or equal to (\S+)$/, (n) => `hoogstens ${n}`],
  [/^Input should be a valid datetime/, "geen geldige datum en tijd"],
  [/^Input should be a valid date\b/, "geen geldige datum"],
  [/^Input should be a valid UUID/, "geen geldige verwijzing"],
  [/^Input should be (.*)$/, "ongeldige waarde"],
  [/^List should have at most (\d+) items?/, (n) => `hoogstens ${n}`],
  [/^List should have at least (\d+) items?/, (n) => `minstens ${n}`],
  [/^Dictionary should have at most (\d+) items?/, (n) => `hoogstens ${n}`],
  [/^Value error, (.*)$/, (rest) => translate(rest, "nl")],
];

/** A message of the server in `lang`: itself in English; in Dutch by pattern, or null when no pattern knows it. */
export function translate(message, lang) {
  if (lang !== "nl" || !message) return message;
  for (const [pattern, dutch] of PATTERNS_NL) {
    const match = pattern.exec(message);
    if (match) return typeof dutch === "function" ? dutch(...match.slice(1)) : dutch;
  }
  return null;
}

/** A field's or a line's message: in Dutch where known, else the server's words. */
export const fieldMessage = (msg, lang) => translate(msg, lang) ?? msg;

/** The sentence for a whole problem: its detail in `lang`, else (in Dutch) the type's sentence with the English
    detail after it, so the particulars stay. */
export function problemMessage(problem, fallback, lang) {
  const detail = problem?.detail || problem?.title || fallback;
  if (lang !== "nl") return detail;
  const known = translate(detail, lang);
  if (known) return known;
  const code = (problem?.type || "").replace(TYPE_PREFIX, "");
  const general = TYPES_NL[code] || "Dat lukte niet.";
  return detail && detail !== problem?.title ? `${general} (${detail})` : general;
}
