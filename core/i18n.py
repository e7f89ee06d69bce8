"""The bot's words: Norwegian bokmål first, English where a user asks in English."""

from __future__ import annotations

from typing import Literal

Lang = Literal["nb", "en"]

MESSAGES: dict[str, dict[Lang, str]] = {
    "unknown_command": {
        "nb": "Jeg kjenner ikke kommandoen «{command}». Skriv **hjelp** for å se hva jeg kan.",
        "en": "I don't know the command “{command}”. Type **help** to see what I can do.",
    },
    "secretariat_only": {
        "nb": "«{command}» er forbeholdt sekretariatet. Ta kontakt med sekretariatet "
        "hvis du mener du skal ha tilgang.",
        "en": "“{command}” is for the secretariat only.",
    },
    "owner_only": {
        "nb": "«{command}» kan bare gjøres av den det gjelder, eller av sekretariatet.",
        "en": "“{command}” is for its owner or the secretariat only.",
    },
    "error": {
        "nb": "Beklager, noe gikk galt hos meg. Ingenting av det du har lagret er tapt. "
        "Prøv igjen om litt. Melder du fra til sekretariatet, oppgi referanse {ref}.",
        "en": "Sorry, something went wrong on my side. Nothing you saved was lost. "
        "If you report it, quote reference {ref}.",
    },
    "bad_action": {
        "nb": "Jeg forstod ikke knappetrykket (ukjent eller ugyldig handling). "
        "Kortet kan være utdatert: skriv **hjelp** for et nytt.",
        "en": "I could not understand that card action.",
    },
    "too_long": {
        "nb": "Meldingen er for lang ({length} tegn, maks {limit}). Del den opp og prøv igjen.",
        "en": "The message is too long ({length} characters, max {limit}).",
    },
    "too_many_messages": {
        "nb": "Du har sendt mange meldinger på kort tid (over {limit} i minuttet). "
        "Vent litt, så svarer jeg igjen.",
        "en": "You have sent many messages in a short time (over {limit} a minute). "
        "Wait a moment and I will answer again.",
    },
    "welcome_text": {
        "nb": "Velkommen til Faggruppe-bot! Her får du innkallinger, svarer på dem og "
        "gir innspill til faggruppen.",
        "en": "Welcome to Faggruppe-bot!",
    },
    "help_text": {
        "nb": "Hjelp: dette kan jeg gjøre for deg.",
        "en": "Help: this is what I can do for you.",
    },
}


def t(key: str, lang: Lang = "nb", **values: object) -> str:
    """Look up a message in the user's language, falling back to bokmål."""
    entry = MESSAGES[key]
    return entry.get(lang, entry["nb"]).format(**values)
