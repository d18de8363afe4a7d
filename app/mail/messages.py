"""The texts of the mails the service sends, in Dutch and English."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo


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
             "organisation: {survey}. It takes about ten minutes.{until}\n\n"
             "Your personal link (it works once; please don't forward it):\n\n"
             "{link}\n\n"
             "Privacy: your answers are stored with your team and your role only, never with your name, this\n"
             "address or the time you answered. Leaders and HR see figures per group, never one person's\n"
             "answers, and nobody sees the figures of a group smaller than {k} people. This address is kept only\n"
             "to send you a reminder while the survey is open, and deleted when it closes.\n"),
    "nl": Text(
        subject="{organisation}: hoe ziet u onze cultuur? ({survey})",
        body="Beste collega,\n\n"
             "{organisation} vraagt iedereen, medewerkers en leidinggevenden, hoe zij de cultuur van hun team en de\n"
             "organisatie zien: {survey}. Het invullen duurt ongeveer tien minuten.{until}\n\n"
             "Uw persoonlijke link (hij werkt één keer; stuur hem niet door):\n\n"
             "{link}\n\n"
             "Privacy: uw antwoorden worden alleen bij uw team en uw rol opgeslagen, nooit bij uw naam, dit adres\n"
             "of het tijdstip van invullen. Leidinggevenden en HR zien cijfers per groep, nooit de antwoorden van\n"
             "één persoon, en niemand ziet de cijfers van een groep kleiner dan {k} mensen. Dit adres wordt\n"
             "alleen bewaard om u een herinnering te sturen zolang de meting open is, en gewist als zij sluit.\n"),
}

_REMINDER = {
    "en": Text(
        subject="Reminder: {survey} ({organisation})",
        body="Hello,\n\n"
             "A reminder: {organisation} would like to hear how you see the culture of your team and the\n"
             "organisation ({survey}). If you answered in the meantime, thank you, and please ignore this mail: what\n"
             "you answered can't be traced to you; we only know whether this link was used.{until}\n\n"
             "Your personal link, the same as before (it works once):\n\n"
             "{link}\n\n"
             "Privacy: nobody sees the figures of a group smaller than {k} people; this address is deleted when\n"
             "the survey closes.\n"),
    "nl": Text(
        subject="Herinnering: {survey} ({organisation})",
        body="Beste collega,\n\n"
             "Een herinnering: {organisation} hoort graag hoe u de cultuur van uw team en de organisatie ziet\n"
             "({survey}). Hebt u intussen meegedaan? Dank u wel, en negeer deze mail: wat u antwoordde is niet aan u\n"
             "te koppelen; we weten alleen of deze link gebruikt is.{until}\n\n"
             "Uw persoonlijke link, dezelfde als eerder (hij werkt één keer):\n\n"
             "{link}\n\n"
             "Privacy: niemand ziet de cijfers van een groep kleiner dan {k} mensen; dit adres wordt gewist als\n"
             "de meting sluit.\n"),
}


_UNTIL = {"en": " You can answer until {when} (Amsterdam time).", "nl": " U kunt meedoen tot {when}."}
_MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
              "november", "december")


def _when(language: str, moment: datetime) -> str:
    local = moment.astimezone(ZoneInfo("Europe/Amsterdam"))
    if language == "nl":
        return f"{local.day} {_MONTHS_NL[local.month - 1]} {local.year}, {local:%H:%M} uur"
    return f"{local.day} {local:%B %Y, %H:%M}"


def invitation(language: str, *, organisation: str, survey: str, link: str, k: int, closes_at: datetime | None,
               reminder: bool = False) -> Text:
    texts = _REMINDER if reminder else _INVITATION
    text = texts.get(language, texts["en"])
    until = _UNTIL.get(language, _UNTIL["en"]).format(when=_when(language, closes_at)) if closes_at else ""
    values = {"organisation": organisation, "survey": survey, "link": link, "k": k, "until": until}
    return Text(subject=text.subject.format(**values), body=text.body.format(**values))
