/* The words of the console's people-and-access page, in English and Dutch. */
export const PEOPLE_STRINGS = {
  en: {
    peopleTitle: "People and access",
    peopleText: "Who may sign in (single sign-on, or a link by e-mail), and which units' results they see.",
    noPeople: "Nobody yet.", person: "Person", role: "Role", sees: "Sees", actions: "Actions",
    roles: { org_admin: "Organisation admin", analyst: "Analyst", leader: "Leader" },
    wholeOrganisation: "The whole organisation", deactivated: "deactivated",
    changeAccess: "Change access", changeAccessOf: (name) => `Change the access of ${name}`,
    deactivate: "Deactivate", deactivateWho: (name) => `Deactivate ${name}`,
    reactivate: "Reactivate", reactivateWho: (name) => `Reactivate ${name}`,
    remove: "Remove", removeWho: (name) => `Remove ${name}`,
    removeQuestion: (name) => `Remove ${name}? They can no longer sign in; the audit log keeps what they did.`,
    removeYes: "Yes, remove",
    addPerson: "Add a person", email: "E-mail address", name: "Name", units: "Units", add: "Add",
    roleHint: "An admin manages everything here; an analyst reads results; a leader reads the results of their "
      + "own units.",
    unitsHint: "They see these units and everything below them. A leader needs at least one; an analyst without "
      + "units sees the whole organisation; an admin takes none.",
    unitsLegend: (name) => `Units ${name} sees`, noUnitsYet: "No units yet: upload the structure first.",
    leaderNeedsUnits: "A leader needs at least one unit.", adminNoUnits: "An admin sees everything: choose no units.",
    required: "Required.", nobodyAdded: "Nobody was added. Fix the marked fields.",
    added: (name) => `${name} added.`, accessSaved: (name) => `The access of ${name} is changed.`,
    deactivatedDone: (name) => `${name} deactivated and signed out.`, reactivated: (name) => `${name} reactivated.`,
    removed: (name) => `${name} removed.`,
    thisIsYou: "You: your own access is changed by another admin.",
    importPeople: "Import people", peopleFile: "People file (CSV or XLSX)", importButton: "Import",
    importPeopleText: "A CSV file or an Excel workbook (XLSX, its first sheet) with the columns email, name and "
      + "role (org_admin, analyst or leader), and optionally units: unit paths such as Directie/Afdeling, several "
      + "separated by |. Known addresses are updated, others added. All or nothing: a file with a bad line "
      + "changes nothing.",
    imported: (created, updated) => `${created} added, ${updated} updated.`,
  },
  nl: {
    peopleTitle: "Mensen en toegang",
    peopleText: "Wie mag inloggen (eenmalige aanmelding of een link per e-mail), en de resultaten van welke "
      + "eenheden zij zien.",
    noPeople: "Nog niemand.", person: "Persoon", role: "Rol", sees: "Ziet", actions: "Acties",
    roles: { org_admin: "Beheerder", analyst: "Analist", leader: "Leidinggevende" },
    wholeOrganisation: "De hele organisatie", deactivated: "gedeactiveerd",
    changeAccess: "Toegang wijzigen", changeAccessOf: (name) => `Toegang van ${name} wijzigen`,
    deactivate: "Deactiveren", deactivateWho: (name) => `${name} deactiveren`,
    reactivate: "Heractiveren", reactivateWho: (name) => `${name} heractiveren`,
    remove: "Verwijderen", removeWho: (name) => `${name} verwijderen`,
    removeQuestion: (name) => `${name} verwijderen? Diegene kan dan niet meer inloggen; het auditlog bewaart wat `
      + "diegene deed.",
    removeYes: "Ja, verwijderen",
    addPerson: "Iemand toevoegen", email: "E-mailadres", name: "Naam", units: "Eenheden", add: "Toevoegen",
    roleHint: "Een beheerder regelt hier alles; een analist leest resultaten; een leidinggevende leest de "
      + "resultaten van de eigen eenheden.",
    unitsHint: "Diegene ziet deze eenheden en alles eronder. Een leidinggevende heeft er minstens één nodig; een "
      + "analist zonder eenheden ziet de hele organisatie; een beheerder krijgt er geen.",
    unitsLegend: (name) => `Eenheden die ${name} ziet`, noUnitsYet: "Nog geen eenheden: upload eerst de structuur.",
    leaderNeedsUnits: "Een leidinggevende heeft minstens één eenheid nodig.",
    adminNoUnits: "Een beheerder ziet alles: kies geen eenheden.",
    required: "Verplicht.", nobodyAdded: "Er is niemand toegevoegd. Verbeter de gemarkeerde velden.",
    added: (name) => `${name} toegevoegd.`, accessSaved: (name) => `De toegang van ${name} is gewijzigd.`,
    deactivatedDone: (name) => `${name} gedeactiveerd en afgemeld.`, reactivated: (name) => `${name} geheractiveerd.`,
    removed: (name) => `${name} verwijderd.`,
    thisIsYou: "U zelf: uw eigen toegang wijzigt een andere beheerder.",
    importPeople: "Mensen importeren", peopleFile: "Bestand met mensen (CSV of XLSX)", importButton: "Importeren",
    importPeopleText: "Een CSV-bestand of een Excel-werkmap (XLSX, het eerste blad) met de kolommen email, name en "
      + "role (org_admin, analyst of leader), en eventueel units: paden van eenheden zoals Directie/Afdeling, "
      + "meerdere gescheiden door |. Bekende adressen worden bijgewerkt, andere toegevoegd. Alles of niets: een "
      + "bestand met een foute regel verandert niets.",
    imported: (created, updated) => `${created} toegevoegd, ${updated} bijgewerkt.`,
  },
};
