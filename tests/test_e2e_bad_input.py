"""Bad input over HTTP: clear Norwegian answers or proper statuses, never a 500."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import AuditEntry, Member
from tests.harness import ANNE_AAD, ANNE_ID, TENANT, activity, card_of, card_text
from tests.serving import serve

PROFILE = {"id": ANNE_ID, "aadObjectId": ANNE_AAD, "name": "Anne Feltman",
           "email": "anne.feltman@asker.kommune.no", "tenantId": TENANT}


async def test_card_submit_routes_by_verb(bot):
    status, _ = await bot.send("card_submit")
    assert status in (200, 201)
    assert "Hjelp" in card_text(card_of(bot.connector.sent()[-1]))


async def test_execute_invoke_answers_in_the_http_response(bot):
    status, body = await bot.send("adaptive_card_action")
    assert status == 200
    assert body == {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                    "value": "OK"}
    assert "Hjelp" in card_text(card_of(bot.connector.sent()[-1]))


async def test_unknown_or_forged_verbs_get_a_clear_message(bot):
    await bot.send("card_submit", value={"verb": "rsvp.answer; drop table member"})
    assert "forstod ikke knappetrykket" in bot.connector.sent()[-1]["text"]
    forged = activity("adaptive_card_action", bot.connector.url)
    forged["value"]["action"]["verb"] = 42
    status, body = await bot.post(forged)
    assert status == 200 and "forstod ikke" in body["value"]


async def test_secretariat_verb_from_a_new_teams_user_is_refused_even_with_forged_data(bot):
    # Anne is in no member list: her first contact makes her a guest. Every role is covered
    # in tests/test_roles.py; this one is about card data claiming another identity or role.
    bot.connector.add_member(PROFILE)
    await bot.send("card_submit", value={"verb": "team.sync", "memberId": 1, "role": "secretariat"})
    assert "forbeholdt sekretariatet" in bot.connector.sent()[-1]["text"]
    invoke = activity("adaptive_card_action", bot.connector.url)
    invoke["value"]["action"].update(verb="team.sync", data={"aadObjectId": "someone-else"})
    status, body = await bot.post(invoke)
    assert status == 200 and "forbeholdt sekretariatet" in body["value"]
    with Session(bot.engine) as s:
        refused = s.exec(select(AuditEntry).where(AuditEntry.outcome == "refused")).all()
        assert [e.actor_aad_object_id for e in refused] == [ANNE_AAD, ANNE_AAD]


async def test_malformed_http_bodies(bot):
    status, _ = await bot.post(None, raw=b"{not json", headers={"Content-Type": "application/json"})
    assert status == 400
    status, _ = await bot.post({"text": "hei"})
    assert status == 400, "an activity without type"
    status, _ = await bot.post(None, raw=b"type=message", headers={"Content-Type": "text/plain"})
    assert status == 415
    status, _ = await bot.post(None, raw=b"[" + b"1," * 200_000 + b"1]",
                               headers={"Content-Type": "application/json"})
    assert status == 413
    bad_invoke = activity("adaptive_card_action", bot.connector.url, value="x")
    status, _ = await bot.post(bad_invoke)
    assert status == 400


async def test_oversized_text_is_refused_and_nothing_is_lost(bot):
    bot.connector.add_member(PROFILE)
    await bot.send("personal_message")
    status, _ = await bot.send("personal_message", text="x" * 5000)
    assert status in (200, 201)
    assert "for lang (5000 tegn" in bot.connector.sent()[-1]["text"]
    with Session(bot.engine) as s:
        assert s.exec(select(Member)).one().aad_object_id == ANNE_AAD


async def test_malformed_mentions_and_entities_do_not_break_the_turn(bot):
    odd = activity("group_chat_message", bot.connector.url,
                   entities=[{"type": "mention", "mentioned": None}, {"type": "mention"}],
                   text="<at>Faggruppe-bot</at> hjelp")
    status, _ = await bot.post(odd)
    assert status in (200, 201)
    assert "Hjelp" in card_text(card_of(bot.connector.sent()[-1]))


async def test_reply_failure_at_the_connector_is_not_a_500(bot):
    from aiohttp import web

    async def unavailable(_request: web.Request) -> web.Response:
        return web.Response(status=503)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", unavailable)
    runner, base = await serve(app)
    try:
        status, _ = await bot.post(activity("personal_message", f"{base}/"))
    finally:
        await runner.cleanup()
    assert status == 201, "the turn completes; the failed reply is logged, not answered 500"
