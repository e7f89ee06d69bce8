"""A fake Bot Connector on loopback: accepts replies and counts them (for bench/turns.py)."""

from __future__ import annotations

import argparse
import itertools

from aiohttp import web

_ids = itertools.count(1)
_received = 0


async def _post_activity(request: web.Request) -> web.Response:
    global _received
    await request.read()
    _received += 1
    return web.json_response({"id": f"svar-{next(_ids)}"})


async def _member(request: web.Request) -> web.Response:
    # TeamsInfo.get_member: a plausible profile, as Teams returns for a user in the tenant.
    user_id = request.match_info["user"]
    number = user_id.rsplit("-", 1)[-1]
    return web.json_response(
        {
            "id": user_id,
            "name": f"Testbruker {number}",
            "email": f"testbruker{number}@bench.invalid",
            "userPrincipalName": f"testbruker{number}@bench.invalid",
            "tenantId": "00000000-0000-4000-8000-0000000b3c4e",
            "userRole": "user",
        }
    )


async def _count(request: web.Request) -> web.Response:
    return web.json_response({"received": _received})


def build_app() -> web.Application:
    """Routes the SDK uses to send, reply and look up a member, plus GET /count."""
    app = web.Application()
    app.router.add_post("/v3/conversations/{conversation}/activities", _post_activity)
    app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", _post_activity)
    app.router.add_get("/v3/conversations/{conversation}/members/{user}", _member)
    app.router.add_get("/count", _count)
    return app


def main() -> None:
    """Run the sink on 127.0.0.1."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    web.run_app(build_app(), host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
