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
