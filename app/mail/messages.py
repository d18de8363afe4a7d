"""The texts of the mails the service sends, in Dutch and English."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


_SIGN_IN = {
    "en": Text(
        subject="Your sign-in link for {organisation}",
        body="Hello {name},\n\n"
             "Someone (hopefully you) asked to sign in to the culture-gap dashboard of {organisation}.\n"
             "Open this link within {minutes} minutes to sign in. It works once:\n\n"
             "{link}\n\n"
             "If you did not ask for it, ignore this mail: nobody can sign in without the link.\n"),
    "nl": Text(
        subject="Uw aanmeldlink voor {organisation}",
        body="Beste {name},\n\n"
             "Iemand (hopelijk u) wil zich aanmelden bij het cultuurdashboard van {organisation}.\n"
             "Open deze link binnen {minutes} minuten om u aan te melden. Hij werkt één keer:\n\n"
             "{link}\n\n"
             "Hebt u hier niet om gevraagd? Negeer deze mail dan: zonder de link kan niemand zich aanmelden.\n"),
}


def sign_in_link(language: str, *, name: str, organisation: str, link: str, minutes: int) -> Text:
    text = _SIGN_IN.get(language, _SIGN_IN["en"])
    values = {"name": name, "organisation": organisation, "link": link, "minutes": minutes}
    return Text(subject=text.subject.format(**values), body=text.body.format(**values))


_INVITATION = {
    "en": Text(
        subject="{organisation}: how do you see our culture? ({survey})",
        body="Hello,\n\n"
             "{organisation} asks everyone, employees and leaders, how they see the culture of their team and the\n"
             "organisation: {survey}. It takes about ten minutes.\n\n"
             "Your answers are anonymous: they are stored without your name or this address, and results are only\n"
             "shown for groups of at least {k} people.\n\n"
             "Your personal link (it works once; please don't forward it):\n\n"
             "{link}\n"),
    "nl": Text(
        subject="{organisation}: hoe ziet u onze cultuur? ({survey})",
        body="Beste collega,\n\n"
             "{organisation} vraagt iedereen, medewerkers en leidinggevenden, hoe zij de cultuur van hun team en de\n"
             "organisatie zien: {survey}. Het invullen duurt ongeveer tien minuten.\n\n"
             "Uw antwoorden zijn anoniem: ze worden opgeslagen zonder uw naam of dit adres, en uitkomsten worden\n"
             "alleen getoond voor groepen van ten minste {k} mensen.\n\n"
             "Uw persoonlijke link (hij werkt één keer; stuur hem niet door):\n\n"
             "{link}\n"),
}

_REMINDER = {
    "en": Text(
        subject="Reminder: {survey} ({organisation})",
        body="Hello,\n\n"
             "A reminder: {organisation} would like to hear how you see the culture of your team and the\n"
             "organisation ({survey}). If you answered in the meantime, thank you, and please ignore this mail: what\n"
             "you answered can't be traced to you; we only know whether this link was used.\n\n"
             "Your personal link, the same as before (it works once):\n\n"
             "{link}\n"),
    "nl": Text(
        subject="Herinnering: {survey} ({organisation})",
        body="Beste collega,\n\n"
             "Een herinnering: {organisation} hoort graag hoe u de cultuur van uw team en de organisatie ziet\n"
             "({survey}). Hebt u intussen meegedaan? Dank u wel, en negeer deze mail: wat u antwoordde is niet aan u\n"
             "te koppelen; we weten alleen of deze link gebruikt is.\n\n"
             "Uw persoonlijke link, dezelfde als eerder (hij werkt één keer):\n\n"
             "{link}\n"),
}


def invitation(language: str, *, organisation: str, survey: str, link: str, k: int, reminder: bool = False) -> Text:
    texts = _REMINDER if reminder else _INVITATION
    text = texts.get(language, texts["en"])
    values = {"organisation": organisation, "survey": survey, "link": link, "k": k}
    return Text(subject=text.subject.format(**values), body=text.body.format(**values))
