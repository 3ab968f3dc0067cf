"""From the invite page to the bot's first encrypted question, with the real bot."""

from __future__ import annotations

from html import unescape

import pytest

from tests.conftest import MatrixEnv
from tests.support.matrix_user import MatrixUser
from tests.web.support import by_id, client_for, csrf_of

pytestmark = pytest.mark.synapse
CODE = "krt-school-3"


async def test_new_account_lands_in_encrypted_intake(mx: MatrixEnv) -> None:
    bot_id = await mx.register("bot")
    config = mx.config(
        bot_id, mx.tmp / "bot-data",
        web={"enabled": False, "registration_shared_secret": mx.synapse._secret()},
        campaigns=[{"code": CODE, "municipality": "kortrijk", "label": "school 3"}],
    )
    app = await mx.start_bot(config)
    client = await client_for(config, app)  # type: ignore[arg-type]
    try:
        await _journey(mx, app, client, bot_id)
    finally:
        await client.close()


async def _journey(mx: MatrixEnv, app, client, bot_id: str) -> None:

    html = await (await client.get(f"/join/{CODE}")).text()
    r = await client.post(f"/join/{CODE}", data={"csrf": csrf_of(html), "lang": "nl"})
    assert r.status == 200, await r.text()
    page = await r.text()
    user_id = unescape(by_id(page, "user_id"))
    password = unescape(by_id(page, "password"))

    # The youth logs in with what the page showed and finds the bot's invite.
    store = mx.tmp / "clients" / "new-youth"
    youth = await MatrixUser.login(mx.synapse.url, user_id, password, store)
    mx.users.append(youth)
    await youth.wait_for(lambda: youth.invites, timeout=30)
    room = youth.invites[0]
    await youth.join(room)
    # The greeting and the first question: one message (decided together).
    first = await youth.next_message(room, sender=bot_id, after=0)
    question = first
    assert youth.client.rooms[room].encrypted
    assert not youth.undecryptable
    assert "versleuteld" in first.body
    assert "1." in question.body and "taal" in question.body.lower()

    case = await app.db.fetchone("SELECT * FROM cases WHERE youth_id = ?", (user_id,))
    assert case["campaign"] == CODE
    assert case["municipality"] == "kortrijk"
