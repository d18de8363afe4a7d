"""The board report's words, Dutch and English (the figures' names come from the reports)."""

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Culture gap assessment: board report",
        "scope": "Scope",
        "whole": "Whole organisation",
        "wave": "Survey wave",
        "published": "Figures as published on {date} (Amsterdam time).",
        "not_published": "No figures have been published for this wave yet.",
        "respondents": "{n} respondents; groups of fewer than {k} are never shown.",
        "rates": "Response rates",
        "rates_lead": "Who took part: invitations and responses so far, per unit and layer.",
        "unit": "Unit", "layer": "Layer", "invited": "Invited", "answered": "Answered", "rate": "Response rate",
        "total": "Total",
        "no_rate": "no rate",
        "no_rate_no_invitations": "no invitations",
        "no_rate_imported_responses": "no rate: includes imported responses",
        "no_rate_more_responses_than_invitations": "no rate: more responses than invitations",
        "readiness": "Readiness summary",
        "readiness_lead": "Where the culture has most room to grow, where leaders and employees see it differently, "
                          "and which teams are most and least ready.",
        "room": "Most room to grow (desired minus current)",
        "lowest": "Lowest scores first",
        "gaps_top": "Largest perception gaps",
        "most": "Most ready teams", "least": "Least ready teams",
        "leadership": "Leadership (units of leaders only, not ranked among the teams)",
        "index": "readiness index",
        "none": "None can be shown for this scope.",
        "heatmap": "Heatmap",
        "scale_the": "on the {min}-{max} scale", "scale_a": "on a {min}-{max} scale",
        "scale_each": "on each dimension's own scale ({list})",
        "heat_span_each": "The colour deepens up to an eighth of each dimension's range from the organisation's "
                          "mean (half a point on 1-5, 0.75 on 1-7), so a shade means as much on every scale.",
        "heatmap_lead": "Mean score per unit and dimension {scale}; the colour and the second figure "
                        "show the difference from the organisation's mean (blue above, red below).",
        "org_mean": "Organisation",
        "perception": "Perception gaps between layers",
        "perception_lead": "Each leadership layer against the employees: the difference in mean score taking the "
                           "teams into account, with its 95% range, adjusted for the number of comparisons.",
        "teams_note": "Taking the teams into account: each difference is adjusted for differences between teams (a "
                      "mixed model with a random intercept per team, since a leader and their employees share a "
                      "team), the figure the dashboard and the API give as the verdict.",
        "teams_none": "Differences of the plain means, not adjusted for differences between teams: the model that "
                      "takes the teams into account gives no verdict here (the dashboard shows the same figures).",
        "teams_plain_note": "\u00b0 The plain difference of the means, not adjusted for differences between teams: "
                            "the model could not be fitted for this dimension (as on the dashboard).",
        "teams_plain": "The plain difference of the means: the model that takes the teams into account could not be "
                       "fitted",
        "pooled": "All leaders together",
        "pooled_note": "The single leadership layers are too small to show here; all leaders together ({layers}) "
                       "are compared with the employees.",
        "versus": "versus",
        "dimension": "Dimension", "difference": "Difference", "range": "95% range (adjusted)", "n": "n",
        "current": "Current", "desired": "Desired", "gap": "Gap",
        "clear": "this difference is clear",
        "chance": "this difference could be chance",
        "adjusted": "adjusted for {count} comparisons",
        "above": "above 0, up to {high}", "below": "below 0, down to {low}",
        "room_title": "Room to grow: desired against current culture",
        "room_lead": "How people would like the culture to be against how they experience it.",
        "not_asked": "This wave did not ask how people would like the culture to be.",
        "statements": "Statements",
        "statements_lead": "Each statement's mean and the shares of favourable, neutral and unfavourable answers.",
        "statement": "Statement", "mean": "Mean", "favourable": "Favourable", "neutral": "Neutral",
        "unfavourable": "Unfavourable",
        "hidden": "not shown",
        "hidden_below": "Not shown: fewer than {k} respondents",
        "hidden_protects": "Not shown: it would reveal a smaller group",
        "hidden_layer": "Not reported per layer within a team",
        "scope_hidden": "This scope has too few respondents to report on (fewer than {k}). Choose a larger unit.",
        "method": "Method and anonymity",
        "method_text": "Employees and leaders answered the same statements anonymously, {scale}. A "
                       "dimension's score is the mean of a respondent's answers to its statements (reverse-worded "
                       "ones turned round). Differences between layers are tested with a mixed model with a random "
                       "intercept per team (REML, Satterthwaite degrees of freedom), which takes into account that a "
                       "leader and their employees share a team, or with Welch's t-test where that model cannot be "
                       "fitted; other differences with Welch's t-test (between groups) or the partially overlapping "
                       "samples t-test (desired against current); p-values and ranges are "
                       "adjusted for the number of comparisons (Holm), so a range that leaves out 0 is exactly a "
                       "clear difference. Trend arrows (\u2191 \u2193 \u2192) give the change in mean score since the "
                       "previous wave, said to be clear where Welch's t-test, adjusted in the same way, finds it "
                       "more than chance; where either wave hides a figure there is no arrow and no change.",
        "anonymity_text": "No group of fewer than {k} respondents is shown, and no figure is shown that together with "
                          "the figures shown would reveal a smaller group (such a figure is marked \u201cnot "
                          "shown\u201d). Figures come from the responses published when the wave last stopped "
                          "taking responses. This report shows the same figures as the dashboard and the API (the "
                          "perception gaps taking the teams into account, as the dashboard does).",
        "made": "Made on {date}.",
        "since": "since {wave}, {verdict}",
        "since_column": "Since {wave}",
        "score_change": "mean score",
        "pomp_of": "on {low}-{high}, {pct} of the way up",
        "change_clear": "a clear change",
        "change_chance": "could be chance",
        "untested": "not tested",
        "focus": "Where to start for knowledge sharing",
        "focus_lead": "Which culture dimensions matter most for knowledge sharing and learning in this scope, and "
                      "how much room each has to grow: highest priority (importance \u00d7 room) first.",
        "focus_importance": "{pct} of what the dimensions explain",
        "focus_room": "{x} points of room to grow",
        "focus_room_hidden": "room to grow not shown",
        "focus_statements": "Statements to start with",
        "focus_foot": "Based on the {n} respondents who answered every statement; together the dimensions account "
                      "for {r2} of the differences in {outcome}. Room to grow: {room}. Importance is an "
                      "association in this wave, not proof of cause.",
        "focus_room_desired": "how people want it to be minus how it is",
        "focus_room_organisation": "how far this unit scores below the whole organisation",
        "focus_room_top": "the distance to the top of the scale",
        "focus_no_outcome": "No focus areas: this wave's questionnaire has no outcome scale (knowledge sharing and "
                            "learning, in version 2 of the built-in questionnaire), so there is nothing to relate "
                            "the dimensions to.",
        "focus_too_few": "No focus areas for this scope: they need at least {n} respondents in it who answered "
                         "every statement (with fewer, the importance of each dimension is mostly noise). See the "
                         "report of a larger unit or of the whole organisation.",
        "focus_hidden": "No focus areas for this scope: with the number of respondents they rest on, a group "
                        "smaller than the minimum could be worked out. See the report of a larger unit or of the "
                        "whole organisation.",
        "focus_none": "No focus areas for this scope: the driver analysis could not be made here.",
        "actions": "Action plan",
        "actions_lead": "What is being done about the gaps: the actions of this wave for this scope, per unit and "
                        "dimension.",
        "actions_none": "No actions have been planned for this wave and scope yet.",
        "actions_foot": "In the next wave the report of each action's unit shows its scores before and after: a "
                        "change, not proof that the action caused it.",
        "focus_ci": "; on its own {value} of the differences in {outcome} (95% interval {low} to {high})",
        "focus_bootstrap": "Intervals: bootstrap percentiles from {used} resamples (seed {seed}), as the drivers "
                           "report gives them.",
        "earlier": "What the previous wave planned, before and after",
        "earlier_lead": "The actions planned in the previous wave for this scope, with their unit's score on what "
                        "they address then and now.",
        "earlier_waves": "Planned in: {waves}.",
        "earlier_then": "Then", "earlier_now": "Now", "earlier_change": "Change",
        "earlier_not_asked": "not asked", "earlier_other_scale": "another answer scale",
        "action": "Action", "action_addresses": "Addresses", "action_owner": "Owner", "action_due": "Due",
        "action_status": "Status",
        "status_planned": "planned", "status_in_progress": "in progress", "status_done": "done",
        "status_dropped": "dropped",
        "themes": "Themes in the comments",
        "themes_lead": "How many of the comments on the open questions mention each dimension (its keyword list).",
        "theme": "Theme (dimension)", "theme_count": "Comments that mention it",
        "themes_few": "fewer than {threshold}",
        "themes_no_questions": "This wave asked no open questions.",
        "themes_below": "Not shown for this scope: comments and their themes are shown only for groups of at "
                        "least {threshold} respondents (the comment threshold). See the report of a larger unit.",
        "themes_protects": "Not shown for this scope: with the groups around it, its comments would reveal a group "
                           "of fewer than {threshold} respondents (the comment threshold). See the report of a "
                           "larger unit.",
        "themes_foot": "Counts only for groups of at least {threshold} respondents; a count below {threshold} is "
                       "not shown. Comments hidden by an admin are not counted.",
    },
    "nl": {
        "title": "Cultuurkloofmeting: rapport voor het bestuur",
        "scope": "Onderdeel",
        "whole": "Hele organisatie",
        "wave": "Meting",
        "published": "Cijfers zoals gepubliceerd op {date} (Nederlandse tijd).",
        "not_published": "Voor deze meting zijn nog geen cijfers gepubliceerd.",
        "respondents": "{n} respondenten; groepen van minder dan {k} worden nooit getoond.",
        "rates": "Respons",
        "rates_lead": "Wie meedeed: uitnodigingen en antwoorden tot nu toe, per onderdeel en laag.",
        "unit": "Onderdeel", "layer": "Laag", "invited": "Uitgenodigd", "answered": "Geantwoord",
        "rate": "Respons", "total": "Totaal",
        "no_rate": "geen percentage",
        "no_rate_no_invitations": "geen uitnodigingen",
        "no_rate_imported_responses": "geen percentage: bevat geïmporteerde antwoorden",
        "no_rate_more_responses_than_invitations": "geen percentage: meer antwoorden dan uitnodigingen",
        "readiness": "Samenvatting: gereedheid",
        "readiness_lead": "Waar de cultuur de meeste ruimte heeft om te groeien, waar leidinggevenden en "
                          "medewerkers haar verschillend zien, en welke teams het meest en minst klaar zijn.",
        "room": "Meeste ruimte om te groeien (gewenst min huidig)",
        "lowest": "Laagste scores eerst",
        "gaps_top": "Grootste perceptieverschillen",
        "most": "Meest klaar", "least": "Minst klaar",
        "leadership": "Leiding (onderdelen met alleen leidinggevenden, niet tussen de teams gerangschikt)",
        "index": "gereedheidsindex",
        "none": "Voor dit onderdeel kan niets worden getoond.",
        "heatmap": "Heatmap",
        "scale_the": "op de schaal {min}-{max}", "scale_a": "op een schaal {min}-{max}",
        "scale_each": "op de eigen schaal van elke dimensie ({list})",
        "heat_span_each": "De kleur wordt dieper tot een achtste van het bereik van elke dimensie van het gemiddelde "
                          "van de organisatie (een half punt op 1-5, 0,75 op 1-7): een tint betekent op elke schaal "
                          "evenveel.",
        "heatmap_lead": "Gemiddelde score per onderdeel en dimensie {scale}; de kleur en het tweede "
                        "getal tonen het verschil met het gemiddelde van de organisatie (blauw hoger, rood lager).",
        "org_mean": "Organisatie",
        "perception": "Perceptieverschillen tussen lagen",
        "perception_lead": "Elke leidinggevende laag tegenover de medewerkers: het verschil in gemiddelde score, "
                           "rekening houdend met de teams, met het 95%-bereik, gecorrigeerd voor het aantal "
                           "vergelijkingen.",
        "teams_note": "Rekening houdend met de teams: elk verschil is gecorrigeerd voor verschillen tussen teams (een "
                      "gemengd model met een willekeurig intercept per team, omdat een leidinggevende en de "
                      "medewerkers een team delen), het cijfer dat het dashboard en de API als oordeel geven.",
        "teams_none": "Verschillen van de gewone gemiddelden, niet gecorrigeerd voor verschillen tussen teams: het "
                      "model dat rekening houdt met de teams geeft hier geen oordeel (het dashboard toont dezelfde "
                      "cijfers).",
        "teams_plain_note": "\u00b0 Het gewone verschil van de gemiddelden, niet gecorrigeerd voor verschillen tussen "
                            "teams: het model kon voor deze dimensie niet worden geschat (zoals op het dashboard).",
        "teams_plain": "Het gewone verschil van de gemiddelden: het model dat rekening houdt met de teams kon niet "
                       "worden geschat",
        "pooled": "Alle leidinggevenden samen",
        "pooled_note": "De leidinggevende lagen zijn hier te klein om apart te tonen; alle leidinggevenden samen "
                       "({layers}) worden vergeleken met de medewerkers.",
        "versus": "tegenover",
        "dimension": "Dimensie", "difference": "Verschil", "range": "95%-bereik (gecorrigeerd)", "n": "n",
        "current": "Huidig", "desired": "Gewenst", "gap": "Kloof",
        "clear": "dit verschil is duidelijk",
        "chance": "dit verschil kan toeval zijn",
        "adjusted": "gecorrigeerd voor {count} vergelijkingen",
        "above": "boven 0, tot {high}", "below": "onder 0, tot {low}",
        "room_title": "Ruimte om te groeien: gewenste tegenover huidige cultuur",
        "room_lead": "Hoe mensen de cultuur zouden willen tegenover hoe ze haar ervaren.",
        "not_asked": "In deze meting is niet gevraagd hoe mensen de cultuur zouden willen.",
        "statements": "Stellingen",
        "statements_lead": "Per stelling het gemiddelde en de aandelen gunstige, neutrale en ongunstige antwoorden.",
        "statement": "Stelling", "mean": "Gemiddelde", "favourable": "Gunstig", "neutral": "Neutraal",
        "unfavourable": "Ongunstig",
        "hidden": "niet getoond",
        "hidden_below": "Niet getoond: minder dan {k} respondenten",
        "hidden_protects": "Niet getoond: zou een kleinere groep herkenbaar maken",
        "hidden_layer": "Binnen een team niet per laag gerapporteerd",
        "scope_hidden": "Dit onderdeel heeft te weinig respondenten om over te rapporteren (minder dan {k}). Kies "
                        "een groter onderdeel.",
        "method": "Methode en anonimiteit",
        "method_text": "Medewerkers en leidinggevenden beantwoordden dezelfde stellingen anoniem, "
                       "{scale}. De score van een dimensie is het gemiddelde van iemands antwoorden op haar "
                       "stellingen (omgekeerd gestelde omgedraaid). Verschillen tussen lagen zijn getoetst met een "
                       "gemengd model met een willekeurig intercept per team (REML, Satterthwaite-vrijheidsgraden), "
                       "dat rekening houdt met het feit dat een leidinggevende en de medewerkers een team delen, of "
                       "met Welch' t-toets waar dat model niet te schatten is; andere verschillen met Welch' t-toets "
                       "(tussen groepen) of de t-toets voor gedeeltelijk overlappende steekproeven (gewenst tegenover "
                       "huidig); p-waarden en bereiken zijn gecorrigeerd voor het aantal vergelijkingen (Holm), zodat "
                       "een bereik zonder 0 precies een duidelijk verschil is. Trendpijlen (\u2191 \u2193 \u2192) "
                       "geven de verandering van de gemiddelde score sinds de vorige meting, duidelijk waar Welch' "
                       "t-toets, op dezelfde manier gecorrigeerd, meer dan toeval vindt; waar een van beide metingen "
                       "een cijfer verbergt staat er geen pijl en geen verandering.",
        "anonymity_text": "Geen groep van minder dan {k} respondenten wordt getoond, en geen cijfer dat samen met de "
                          "getoonde cijfers een kleinere groep herkenbaar zou maken (zo'n cijfer staat er als "
                          "\u201cniet getoond\u201d). De cijfers komen uit de antwoorden die gepubliceerd zijn toen "
                          "de meting voor het laatst stopte met antwoorden ontvangen. Dit rapport toont dezelfde "
                          "cijfers als het dashboard en de API (de perceptieverschillen rekening houdend met de "
                          "teams, zoals het dashboard ze toont).",
        "made": "Gemaakt op {date}.",
        "since": "sinds {wave}, {verdict}",
        "since_column": "Sinds {wave}",
        "score_change": "gemiddelde score",
        "pomp_of": "op {low}-{high}, {pct} van de schaal omhoog",
        "change_clear": "een duidelijke verandering",
        "change_chance": "kan toeval zijn",
        "untested": "niet getoetst",
        "focus": "Waar te beginnen voor kennisdeling",
        "focus_lead": "Welke cultuurdimensies in dit onderdeel het zwaarst wegen voor kennisdeling en leren, en "
                      "hoeveel ruimte elk heeft om te groeien: hoogste prioriteit (belang \u00d7 ruimte) eerst.",
        "focus_importance": "{pct} van wat de dimensies verklaren",
        "focus_room": "{x} punt ruimte om te groeien",
        "focus_room_hidden": "ruimte om te groeien niet getoond",
        "focus_statements": "Stellingen om mee te beginnen",
        "focus_foot": "Op basis van de {n} respondenten die elke stelling beantwoordden; samen verklaren de "
                      "dimensies {r2} van de verschillen in {outcome}. Ruimte om te groeien: {room}. Belang is een "
                      "samenhang in deze meting, geen bewijs van oorzaak.",
        "focus_room_desired": "hoe mensen het willen min hoe het nu is",
        "focus_room_organisation": "hoever dit onderdeel onder de hele organisatie scoort",
        "focus_room_top": "de afstand tot de top van de schaal",
        "focus_no_outcome": "Geen aandachtspunten: de vragenlijst van deze meting heeft geen uitkomstschaal "
                            "(kennisdeling en leren, in versie 2 van de ingebouwde vragenlijst), dus er is niets om "
                            "de dimensies aan te relateren.",
        "focus_too_few": "Geen aandachtspunten voor dit onderdeel: daarvoor zijn er minstens {n} respondenten nodig "
                         "die elke stelling beantwoordden (met minder is het belang van elke dimensie vooral ruis). "
                         "Zie het rapport van een groter onderdeel of van de hele organisatie.",
        "focus_hidden": "Geen aandachtspunten voor dit onderdeel: met het aantal respondenten waarop ze rusten, zou "
                        "een groep kleiner dan het minimum te herleiden zijn. Zie het rapport van een groter "
                        "onderdeel of van de hele organisatie.",
        "focus_none": "Geen aandachtspunten voor dit onderdeel: de analyse kon hier niet worden gemaakt.",
        "actions": "Actieplan",
        "actions_lead": "Wat er aan de kloven gebeurt: de acties van deze meting voor dit onderdeel, per onderdeel "
                        "en dimensie.",
        "actions_none": "Voor deze meting en dit onderdeel zijn nog geen acties gepland.",
        "actions_foot": "In de volgende meting toont het rapport van het onderdeel van elke actie de scores ervoor "
                        "en erna: een verandering, geen bewijs dat de actie die veroorzaakte.",
        "focus_ci": "; op zichzelf {value} van de verschillen in {outcome} (95%-interval {low} tot {high})",
        "focus_bootstrap": "Intervallen: bootstrap-percentielen uit {used} trekkingen (seed {seed}), zoals het "
                           "rapport over wat het zwaarst weegt ze geeft.",
        "earlier": "Wat de vorige meting plande, voor en na",
        "earlier_lead": "De acties die in de vorige meting voor dit onderdeel gepland werden, met de score van hun "
                        "onderdeel op waar ze op gericht zijn, toen en nu.",
        "earlier_waves": "Gepland in: {waves}.",
        "earlier_then": "Toen", "earlier_now": "Nu", "earlier_change": "Verandering",
        "earlier_not_asked": "niet gevraagd", "earlier_other_scale": "een andere antwoordschaal",
        "action": "Actie", "action_addresses": "Gericht op", "action_owner": "Eigenaar", "action_due": "Klaar op",
        "action_status": "Status",
        "status_planned": "gepland", "status_in_progress": "bezig", "status_done": "klaar",
        "status_dropped": "geschrapt",
        "themes": "Thema's in de opmerkingen",
        "themes_lead": "Hoeveel van de opmerkingen op de open vragen elke dimensie noemen (haar lijst met "
                       "trefwoorden).",
        "theme": "Thema (dimensie)", "theme_count": "Opmerkingen die het noemen",
        "themes_few": "minder dan {threshold}",
        "themes_no_questions": "Deze meting stelde geen open vragen.",
        "themes_below": "Niet getoond voor dit onderdeel: opmerkingen en hun thema's worden alleen getoond voor "
                        "groepen van minstens {threshold} respondenten (de drempel voor opmerkingen). Zie het "
                        "rapport van een groter onderdeel.",
        "themes_protects": "Niet getoond voor dit onderdeel: met de groepen eromheen zouden de opmerkingen een groep "
                           "van minder dan {threshold} respondenten herkenbaar maken (de drempel voor opmerkingen). "
                           "Zie het rapport van een groter onderdeel.",
        "themes_foot": "Aantallen alleen voor groepen van minstens {threshold} respondenten; een aantal onder "
                       "{threshold} wordt niet getoond. Opmerkingen die een beheerder verborg, tellen niet mee.",
    },
}
