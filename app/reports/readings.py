"""Plain-language readings of gaps, in English and Dutch.

"Team leaders rate openness 0.81 points higher than employees: a large, significant difference." /
"Teamleiders beoordelen openheid 0,81 punt hoger dan medewerkers: een groot, significant verschil."

Effect-size words follow Cohen's (1988) conventions on |g| (or |d_av|): below 0.2 negligible, below 0.5 small,
below 0.8 medium, else large. "Significant" means the adjusted p-value is below 0.05. Differences are written with
two decimals, as every figure beside the sentence; a difference that rounds to 0.00 reads "about the same".
"""

from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, Field

from app.orgs.models import Layer
from app.orgs.service import DEFAULT_LAYERS

SizeWord = Literal["negligible", "small", "medium", "large"]
ALPHA = 0.05
Language = Literal["en", "nl"]
LANGS: tuple[Language, ...] = ("en", "nl")

_SIZE_NL: dict[SizeWord, str] = {"negligible": "verwaarloosbaar", "small": "klein", "medium": "middelgroot",
                                 "large": "groot"}
# Plural forms of the built-in layers, used while a layer still carries its built-in name in that language.
_PLURALS: dict[str, dict[str, str]] = {
    "executive_board": {"en": "board members", "nl": "bestuursleden"},
    "director": {"en": "directors", "nl": "directeuren"},
    "department_head": {"en": "department heads", "nl": "afdelingshoofden"},
    "team_leader": {"en": "team leaders", "nl": "teamleiders"},
    "employee": {"en": "employees", "nl": "medewerkers"},
}
_DEFAULT_NAMES = {layer.key: layer.names.model_dump() for layer in DEFAULT_LAYERS}
_AND = {"en": "and", "nl": "en"}

Phrase = dict[str, str]
"""One text per language (`en`, `nl`)."""


class Reading(BaseModel):
    """The figure in one sentence, in English and Dutch."""

    en: str = Field(examples=["Team leaders rate openness 0.81 points higher than employees: a large, significant "
                              "difference."])
    nl: str = Field(examples=["Teamleiders beoordelen openheid 0,81 punt hoger dan medewerkers: een groot, "
                              "significant verschil."])


def size_word(effect: float | None) -> SizeWord | None:
    """Cohen's words for a standardised difference (None when there is none)."""
    if effect is None:
        return None
    size = abs(effect)
    return "negligible" if size < 0.2 else "small" if size < 0.5 else "medium" if size < 0.8 else "large"


def is_significant(p_adjusted: float | None) -> bool | None:
    return None if p_adjusted is None else p_adjusted < ALPHA


def _number(x: float, lang: str) -> str:
    """Two decimals, as every figure beside the sentence (at one, 0.149 beside "+0.15" read as two numbers)."""
    text = f"{abs(x):.2f}"
    return text.replace(".", ",") if lang == "nl" else text


def _join(parts: Sequence[str], lang: str) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {_AND[lang]} {parts[-1]}"


def _mid_sentence(name: str) -> str:
    """A name inside a sentence: lower-case first letter, unless it looks like an acronym ("HR")."""
    return name if len(name) > 1 and name[1].isupper() else name[:1].lower() + name[1:]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


_RESPONDENTS_IN = {"en": "respondents in", "nl": "respondenten in"}


def respondents_in(name: str) -> Phrase:
    """The respondents of a named group: 'respondents in "Sales"'."""
    return {lang: f'{_RESPONDENTS_IN[lang]} "{name}"' for lang in LANGS}


def layers_phrase(layers: Sequence[Layer]) -> Phrase:
    """The people of one or more layers as a plural subject: "team leaders and department heads" (built-in layers
    under their built-in names), else 'respondents in "Staff" and "Volunteers"'."""
    out: Phrase = {}
    for lang in LANGS:
        parts, quoted = [], False
        for layer in layers:
            name = str(layer.names.get(lang) or layer.key)
            if layer.key in _PLURALS and name == _DEFAULT_NAMES[layer.key].get(lang):
                parts.append(_PLURALS[layer.key][lang])
            else:
                parts.append(f'"{name}"')
                quoted = True
        out[lang] = f"{_RESPONDENTS_IN[lang]} {_join(parts, lang)}" if quoted else _join(parts, lang)
    return out


REST_OF_ORGANISATION: Phrase = {"en": "the rest of the organisation", "nl": "de rest van de organisatie"}
EVERYONE: Phrase = {"en": "respondents", "nl": "respondenten"}


def _verdict(size: SizeWord | None, significant: bool | None, noun: Phrase) -> Phrase:
    words_en = [w for w in (size, None if significant is None else
                            "significant" if significant else "non-significant") if w]
    words_nl = [w for w in (None if size is None else _SIZE_NL[size], None if significant is None else
                            "significant" if significant else "niet-significant") if w]
    return {"en": f": a {', '.join(words_en)} {noun['en']}." if words_en else ".",
            "nl": f": een {', '.join(words_nl)} {noun['nl']}." if words_nl else "."}


def difference_reading(a: Phrase, b: Phrase, dimension: Mapping[str, str], difference: float | None,
                       effect: float | None, p_adjusted: float | None) -> Reading | None:
    """"A rate <dimension> x points higher/lower than B: a <size>, <significance> difference." (None without a
    difference). `dimension` holds the dimension's name per language."""
    if difference is None:
        return None
    verdict = _verdict(size_word(effect), is_significant(p_adjusted), {"en": "difference", "nl": "verschil"})
    texts: Phrase = {}
    for lang in LANGS:
        dim = _mid_sentence(dimension[lang])
        x = _number(difference, lang)
        if x in ("0.00", "0,00"):
            body = (f"{a['en']} and {b['en']} rate {dim} about the same" if lang == "en" else
                    f"{a['nl']} en {b['nl']} beoordelen {dim} ongeveer gelijk")
        elif lang == "en":
            body = f"{a['en']} rate {dim} {x} points {'higher' if difference > 0 else 'lower'} than {b['en']}"
        else:
            body = f"{a['nl']} beoordelen {dim} {x} punt {'hoger' if difference > 0 else 'lager'} dan {b['nl']}"
        texts[lang] = _capitalised(body) + verdict[lang]
    return Reading(**texts)


def desired_reading(who: Phrase, dimension: Mapping[str, str], gap: float | None, effect: float | None,
                    p_adjusted: float | None) -> Reading | None:
    """"<who> want <dimension> x points higher than they experience it now: a <size>, <significance> gap."."""
    if gap is None:
        return None
    verdict = _verdict(size_word(effect), is_significant(p_adjusted), {"en": "gap", "nl": "verschil"})
    texts: Phrase = {}
    for lang in LANGS:
        dim = _mid_sentence(dimension[lang])
        x = _number(gap, lang)
        if x in ("0.00", "0,00"):
            body = (f"{who['en']} experience {dim} about as they want it" if lang == "en" else
                    f"{who['nl']} ervaren {dim} ongeveer zoals ze willen")
        elif lang == "en":
            body = (f"{who['en']} want {dim} {x} points {'higher' if gap > 0 else 'lower'} than they experience "
                    f"it now")
        else:
            body = f"{who['nl']} willen {dim} {x} punt {'hoger' if gap > 0 else 'lager'} dan ze nu ervaren"
        texts[lang] = _capitalised(body) + verdict[lang]
    return Reading(**texts)


_MIXED_LEAD = {"en": "Taking the teams into account", "nl": "Rekening houdend met de teams"}


def mixed_reading(a: Phrase, b: Phrase, dimension: Mapping[str, str], difference: float | None,
                  p_adjusted: float | None) -> Reading | None:
    """"Taking the teams into account, A rate <dimension> x points higher than B: a significant difference."
    (the mixed model's difference and Holm verdict; Dutch with the verb second after the opening phrase)."""
    if difference is None:
        return None
    verdict = _verdict(None, is_significant(p_adjusted), {"en": "difference", "nl": "verschil"})
    texts: Phrase = {}
    for lang in LANGS:
        dim = _mid_sentence(dimension[lang])
        x = _number(difference, lang)
        lead = _MIXED_LEAD[lang]
        if x in ("0.00", "0,00"):
            body = (f"{lead}, {a['en']} and {b['en']} rate {dim} about the same" if lang == "en" else
                    f"{lead} beoordelen {a['nl']} en {b['nl']} {dim} ongeveer gelijk")
        elif lang == "en":
            body = f"{lead}, {a['en']} rate {dim} {x} points {'higher' if difference > 0 else 'lower'} than {b['en']}"
        else:
            body = f"{lead} beoordelen {a['nl']} {dim} {x} punt {'hoger' if difference > 0 else 'lager'} dan {b['nl']}"
        texts[lang] = body + verdict[lang]
    return Reading(**texts)


_MIXED_WHY: dict[str, Phrase] = {
    "too_few_clusters": {
        "en": "The mixed model was not fitted: these respondents sit in fewer than {m} teams, too few to estimate how "
              "much teams differ; only Welch's test is shown.",
        "nl": "Het gemengde model is niet geschat: deze respondenten zitten in minder dan {m} teams, te weinig om "
              "te schatten hoeveel teams verschillen; alleen de toets van Welch wordt getoond."},
    "n_below_2": {
        "en": "The mixed model was not fitted: no team has two of these respondents, so the variation within teams "
              "cannot be estimated; only Welch's test is shown.",
        "nl": "Het gemengde model is niet geschat: geen team heeft twee van deze respondenten, dus de spreiding "
              "binnen teams is niet te schatten; alleen de toets van Welch wordt getoond."},
    "zero_variance": {
        "en": "The mixed model was not fitted: the scores do not vary within the groups; only Welch's test is "
              "shown.",
        "nl": "Het gemengde model is niet geschat: de scores variëren niet binnen de groepen; alleen de toets van "
              "Welch wordt getoond."},
    "not_estimable": {
        "en": "The mixed model was not fitted: it has no proper solution on these answers; only Welch's test is "
              "shown.",
        "nl": "Het gemengde model is niet geschat: het heeft geen goede oplossing voor deze antwoorden; alleen de "
              "toets van Welch wordt getoond."},
    "all_missing": {"en": "The mixed model was not fitted: there are no scores.",
                    "nl": "Het gemengde model is niet geschat: er zijn geen scores."},
}


def mixed_explanation(reason: str, min_clusters: int) -> Reading:
    """Why the mixed model was not fitted, in one sentence."""
    texts = _MIXED_WHY.get(reason, _MIXED_WHY["not_estimable"])
    return Reading(en=texts["en"].format(m=min_clusters), nl=texts["nl"].format(m=min_clusters))


def invariance_reading(a: Phrase, b: Phrase, dimension: Mapping[str, str], verdict: str, reason: str | None,
                       min_group_size: int) -> Reading:
    """"Team leaders and employees read the openness statements alike: the gap can be compared." / "... not
    alike: compare with care." / why it was not checked."""
    texts: Phrase = {}
    for lang in LANGS:
        dim = _mid_sentence(dimension[lang])
        who = f"{a[lang]} {_AND[lang]} {b[lang]}"
        if lang == "en":
            text = {"alike": f"{who} read the {dim} statements alike: the gap can be compared.",
                    "loadings_differ": f"{who} do not read the {dim} statements alike (the statements weigh "
                                       f"differently): compare with care.",
                    "intercepts_differ": f"{who} do not read the {dim} statements alike (the same answer means a "
                                         f"different level): compare with care."}.get(verdict)
            if text is None:
                text = (f"Whether {who} read the {dim} statements alike was not checked: "
                        + (f"a factor model needs at least {min_group_size} respondents per group who answered "
                           f"every statement." if reason in ("group_too_small", "one_group") else
                           "a factor model needs at least three statements." if reason == "too_few_items" else
                           "the factor model could not be fitted on these answers."))
        else:
            text = {"alike": f"{who} lezen de stellingen over {dim} op dezelfde manier: het verschil is te "
                             f"vergelijken.",
                    "loadings_differ": f"{who} lezen de stellingen over {dim} niet op dezelfde manier (de "
                                       f"stellingen wegen verschillend): vergelijk met voorzichtigheid.",
                    "intercepts_differ": f"{who} lezen de stellingen over {dim} niet op dezelfde manier (hetzelfde "
                                         f"antwoord betekent een ander niveau): vergelijk met voorzichtigheid."
                    }.get(verdict)
            if text is None:
                text = (f"Of {who} de stellingen over {dim} op dezelfde manier lezen, is niet nagegaan: "
                        + (f"een factormodel heeft per groep minstens {min_group_size} respondenten nodig die "
                           f"elke stelling beantwoordden." if reason in ("group_too_small", "one_group") else
                           "een factormodel heeft minstens drie stellingen nodig." if reason == "too_few_items" else
                           "het factormodel is op deze antwoorden niet te schatten."))
        texts[lang] = _capitalised(text)
    return Reading(**texts)
