"""Theme keyword lists: a comment counts for a dimension when it contains one of the dimension's keywords (the start
of a word, case-insensitive), in any of the lists' languages. The defaults cover the built-in dimensions in Dutch and
English; a survey may set its own (`CommentSettings.themes`)."""

import re
from collections.abc import Iterable, Mapping

DEFAULT_THEMES: dict[str, dict[str, list[str]]] = {
    "openness": {"en": ["open", "mistake", "speak up", "honest", "safe", "feedback", "doubt"],
                 "nl": ["open", "fout", "eerlijk", "veilig", "feedback", "twijfel", "uitspreken", "bespreekbaar"]},
    "collegiality": {"en": ["colleague", "help", "together", "team", "support", "learn from"],
                     "nl": ["collega", "help", "samen", "team", "steun", "leren van", "ondersteun"]},
    "transparency": {"en": ["information", "inform", "decision", "explain", "why", "communicat", "clear"],
                     "nl": ["informatie", "informeren", "besluit", "beslissing", "uitleg", "waarom", "communicat",
                            "duidelijk"]},
    "diversity": {"en": ["divers", "background", "different", "inclus", "perspective", "culture"],
                  "nl": ["divers", "achtergrond", "verschil", "inclus", "perspectief", "cultuur"]},
    "personal_initiative": {"en": ["initiative", "idea", "try", "room", "freedom", "experiment", "own"],
                            "nl": ["initiatief", "idee", "ruimte", "vrijheid", "experiment", "proberen", "zelf"]},
}


def matcher(keywords: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({k.strip().casefold() for k in keywords if k.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)


def theme_counts(texts: Iterable[str], themes: Mapping[str, Mapping[str, list[str]]]) -> dict[str, int]:
    """Per theme (dimension key), how many of the texts mention one of its keywords in any language."""
    patterns = {key: matcher(w for words in by_lang.values() for w in words) for key, by_lang in themes.items()}
    counts = dict.fromkeys(themes, 0)
    for text in texts:
        for key, pattern in patterns.items():
            if pattern is not None and pattern.search(text):
                counts[key] += 1
    return counts
