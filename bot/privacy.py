"""`mine data` / `min profil`, `slett mine data`, `registrer meg`, the secretariat's «Logg»;
secretariat commands showing personal data answer only in a personal chat."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps

from bot.router import Router, Shown
from bot.turn import Turn
from cards.actions import (
    AuditShowAction,
    MyDataEraseAskAction,
    MyDataEraseConfirmAction,
    MyDataShowAction,
)
from cards.privacy import (
    AuditLine,
    AuditView,
    MyDataView,
    build_audit_card,
    build_erase_confirm_card,
    build_mydata_card,
)
from core.i18n import t
from core.timefmt import clock, date_long, to_oslo
from delivery.sendout import enqueue
from services import privacy as service
from services import profile
from services.manifest import privacy_url
from storage import privacy as repo
from storage.conversations import personal_ref_for

Command = Callable[[Turn], Awaitable[None]]


def register(root: Router) -> None:
    """Add the member's own data commands and actions, and the secretariat's audit log."""
    router = root.feature("privacy")
    router.command("mine", "min", description=t("privacy.reply.se_hva_jeg"))(
        show_mydata)
    router.command("slett", description=t("privacy.reply.slett_dataene_dine"))(ask_erase)
    router.command("registrer", description=t("privacy.reply.bli_registrert_pa"))(
        register_again)

    @router.action(MyDataShowAction)
    async def _show(turn: Turn, _data: MyDataShowAction) -> None:
        await show_mydata(turn)

    @router.action(MyDataEraseAskAction)
    async def _ask(turn: Turn, _data: MyDataEraseAskAction) -> Shown:
        return build_erase_confirm_card()

    router.action(MyDataEraseConfirmAction)(confirm_erase)
    secretariat = router.secretariat()
    secretariat.command("logg", description=t("privacy.reply.vis_de_siste"))(
        personal_only(show_audit, "audit.read"))

    @secretariat.action(AuditShowAction, button="Logg")
    async def _audit(turn: Turn, _data: AuditShowAction) -> None:
        await personal_only(show_audit, "audit.read")(turn)


def in_personal_chat(turn: Turn) -> bool:
    """True in a 1:1 chat with the bot (not a group chat or a channel)."""
    conv = turn.activity.conversation
    return (conv.conversation_type if conv else None) in (None, "personal")


def personal_only(handler: Command, read: str) -> Command:
    """Run a command showing personal data (its read audited as `read`); outside a personal
    chat its replies go 1:1 and the channel only hears «Sendt deg i personlig chat»."""
    @wraps(handler)
    async def run(turn: Turn) -> None:
        service.record_read(turn.session, read, turn.member.id if turn.member else None,
                            turn.deps.clock.now(), target=turn.text[:100])
        if in_personal_chat(turn):
            await handler(turn)
            return
        member = turn.member
        if member is None or member.id is None or personal_ref_for(turn.session,
                                                                     member.id) is None:
            await turn.say(t("privacy.reply.dette_viser_personopplysninger"))
            return
        before = len(turn.outbox)
        await handler(turn)
        replies, turn.outbox[before:] = turn.outbox[before:], []
        now = turn.deps.clock.now()
        for i, reply in enumerate(replies):
            # Through the ledger, in this turn's transaction: sent 1:1 once the turn commits.
            enqueue(turn.session, "personal_reply", f"{turn.activity.id}:{i}", member.id,
                    reply.activity.serialize(), now)
        await turn.say(t("privacy.reply.sendt_deg_personlig"))
    return run


async def show_mydata(turn: Turn) -> None:
    """The member's own data card (registry fields, groups, what they answered and wrote)."""
    if not turn.text.casefold().startswith(("mine data", "min profil")) and turn.text:
        await turn.say(t("privacy.reply.mente_du_mine"))
        return
    member = turn.member
    if member is None or member.id is None:
        await turn.say(t("privacy.reply.jeg_har_ingen"))
        return
    data = repo.export(turn.session, member.id)
    m = data["medlem"]
    own = profile.details(turn.session, member).values  # what «Endre opplysningene» changes
    facts = [("Navn", m["navn"]), ("E-post", m["epost"] or ""), ("UPN", m["upn"] or ""),
             ("Organisasjon", m["organisasjon"] or ""),
             (t("cards.profile.telefon"), own["phone"]),
             (t("cards.profile.fast_vara"), own["deputy"]), ("Rolle", m["rolle"])]
    counts = [(t("privacy.reply.svar_pa_innkallinger"), len(data["svar"])),
              (t("privacy.reply.oppmoter"), len(data["oppmote"])),
              (t("privacy.reply.innspill_med_navn"), len(data["innspill"])),
              (t("privacy.reply.oppdateringer_runden"), len(data["runden"])),
              (t("privacy.reply.meldinger_sendt_til"), len(data["utsendinger"]))]
    view = MyDataView(name=member.name, facts=facts, groups=data["grupper"], counts=counts,
                      download_url=service.mydata_url(turn.deps.links, member,
                                                      turn.deps.clock.now()),
                      privacy_url=privacy_url())
    await turn.send_card(build_mydata_card(view), "Mine data")


async def ask_erase(turn: Turn) -> None:
    """`slett mine data`: the confirmation card (nothing is erased yet)."""
    if not turn.text.casefold().startswith("slett mine data"):
        await turn.say(t("privacy.reply.mente_du_slett"))
        return
    if turn.member is None:
        await turn.say(t("privacy.reply.jeg_har_ingen"))
        return
    await turn.send_card(build_erase_confirm_card(), "Slette dataene dine?")


async def confirm_erase(turn: Turn, data: MyDataEraseConfirmAction) -> Shown:
    """The confirmed press: erase the sender (identity from the activity, never the card)."""
    member = turn.member
    if member is None or member.id is None:
        return None
    if data.confirm.strip().casefold() != "slett":
        return build_erase_confirm_card()
    service.erase_member(turn.session, member.id, turn.deps.clock.now(),
                         actor_member_id=member.id, actor="selv")
    turn.member = None
    await turn.say(t("privacy.reply.dataene_dine_er"))
    return None


async def register_again(turn: Turn) -> None:
    """`registrer meg`: an erased person asks to start a new record."""
    aad = turn.activity.from_property.aad_object_id if turn.activity.from_property else None
    if turn.member is not None or not aad:
        await turn.say(t("privacy.reply.du_er_allerede"))
        return
    repo.forget_tombstone(turn.session, aad)
    turn.deps.known_senders.discard(aad)
    await turn.say(t("privacy.reply.skriv_en_melding"))


async def show_audit(turn: Turn) -> None:
    """The latest 20 audit entries; reading the log is itself audited."""
    lines = [AuditLine(f"{date_long(to_oslo(e.at))} kl. {clock(to_oslo(e.at))}", who,
                       e.action, e.target, e.outcome)
             for e, who in service.audit_entries(turn.session, limit=20)]
    await turn.send_card(build_audit_card(AuditView(lines)), "Logg")
