"""Signing in and out, the session cookie, and what a wrong password does not reveal."""

from __future__ import annotations

from tests.support import LOGIN, GraphQLClient, World

ME = "{ me { email locale user { name role team { name } } org { name timeZone currency } } }"


async def test_login_sets_an_httponly_samesite_cookie_and_me_answers(server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with GraphQLClient(server.url) as client:
        response = await client.http.post("/graphql", json={"query": LOGIN, "variables": {"email": "REP@acme.test ", "password": "correct horse battery"}})
        cookie = response.headers["set-cookie"].lower()
        me = (await client.data(ME))["me"]

    assert "httponly" in cookie and "samesite=lax" in cookie and "podium_session=" in cookie
    assert me["email"] == "rep@acme.test"
    assert me["user"] == {"name": "Rita Rep", "role": "REP", "team": {"name": "Team A"}}
    assert me["org"]["timeZone"] == "Asia/Shanghai" and me["org"]["currency"] == "CNY"


async def test_logout_ends_the_session(rep: GraphQLClient) -> None:
    token = rep.session_cookie
    assert (await rep.data("mutation { logout }"))["logout"] is True
    assert (await rep.data(ME))["me"] is None
    rep.http.cookies.set("podium_session", token or "")  # the old token no longer opens anything
    assert (await rep.data(ME))["me"] is None


async def test_a_wrong_password_and_an_unknown_email_look_the_same(server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with GraphQLClient(server.url) as client:
        wrong = (await client.data(LOGIN, {"email": world.rep.email, "password": "nope-nope"}))["login"]
        unknown = (await client.data(LOGIN, {"email": "ghost@acme.test", "password": "nope-nope"}))["login"]
        assert client.session_cookie is None

    assert wrong == unknown
    assert wrong["errors"] == [{"field": None, "code": "INVALID_CREDENTIALS", "message": wrong["errors"][0]["message"]}]


async def test_login_is_rate_limited(server, world: World) -> None:  # type: ignore[no-untyped-def]
    async with GraphQLClient(server.url) as client:
        codes = [
            (await client.data(LOGIN, {"email": world.rep2.email, "password": "guess"}))["login"]["errors"][0]["code"]
            for _ in range(11)
        ]
        # Even the right password is refused while the window lasts.
        right = (await client.data(LOGIN, {"email": world.rep2.email, "password": "correct horse battery"}))["login"]

    assert codes[:10] == ["INVALID_CREDENTIALS"] * 10
    assert codes[10] == "RATE_LIMITED"
    assert right["errors"][0]["code"] == "RATE_LIMITED"


async def test_cross_site_posts_and_non_json_bodies_are_refused(rep: GraphQLClient) -> None:
    foreign = await rep.http.post("/graphql", json={"query": ME}, headers={"Origin": "https://evil.example"})
    form = await rep.http.post("/graphql", data={"query": ME})
    own = await rep.http.post("/graphql", json={"query": ME}, headers={"Origin": rep.base_url})

    assert foreign.status_code == 403
    assert form.status_code == 415
    assert own.status_code == 200 and own.json()["data"]["me"]["email"] == "rep@acme.test"


async def test_alias_floods_and_token_bombs_are_refused(rep: GraphQLClient) -> None:
    aliases = "{ " + " ".join(f"a{i}: me {{ email }}" for i in range(30)) + " }"
    tokens = "{ me { " + "email " * 3000 + "} }"
    for document in (aliases, tokens):
        result = await rep.execute(document)
        assert result.get("data") is None and result["errors"], document[:40]
    assert (await rep.data("{ a: me { email } b: me { email } }"))["a"]["email"] == "rep@acme.test"
