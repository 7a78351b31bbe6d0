"""authentication/*: tokens, their expiry and release, Web API keys, the login throttle."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from crm.api.auth import hash_secret
from crm.models import ApiToken
from crm.services import api_key_create
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

LOGIN = "authentication/token"
ANY_METHOD = "product_types/list"
GOOD = {"username": "MPAdministrator", "password": "demo", "organisation": "CRMDEMO"}


def login(anon_api, headers: dict | None = None, **changes):
    return anon_api.post(LOGIN, {**GOOD, **changes}, **(headers or {}))


def test_login_returns_a_working_token(anon_api, demo):
    response = login(anon_api)
    assert response.status_code == 200
    token = response.data["token"]
    assert len(token) == 32
    assert token == token.upper()
    int(token, 16)
    assert anon_api.get(ANY_METHOD, token=token).status_code == 200


def test_token_is_stored_hashed(anon_api, demo):
    token = login(anon_api).data["token"]
    row = ApiToken.objects.get()
    assert row.token_hash == hash_secret(token)
    assert token not in row.token_hash
    assert row.expires_at - row.created_at == timedelta(hours=2)
    assert row.unit.name == "Admin Unit"


def test_tokens_are_random(anon_api, demo):
    assert login(anon_api).data["token"] != login(anon_api).data["token"]


def test_user_name_is_case_insensitive(anon_api, demo):
    assert login(anon_api, username="mpadministrator").status_code == 200


@pytest.mark.parametrize(
    "changes",
    [{"password": "wrong"}, {"username": "nobody"}, {"organisation": "OTHER"}],
)
def test_failed_login_is_invalid_token(anon_api, demo, changes):
    response = login(anon_api, **changes)
    assert response.status_code == 401
    assert response.code == "INVALID_TOKEN"
    assert response.data is None
    assert ApiToken.objects.count() == 0


def test_inactive_user_cannot_log_in(anon_api, demo):
    demo["agent"].is_active = False
    demo["agent"].save()
    assert login(anon_api, username="agent").status_code == 401


def test_login_with_a_unit(anon_api, demo):
    other = UnitFactory()
    demo["admin"].units.add(other)
    response = login(anon_api, unit=other.id)
    assert response.status_code == 200
    assert ApiToken.objects.get().unit == other


def test_login_with_a_unit_that_is_not_the_users(anon_api, demo):
    response = login(anon_api, unit=UnitFactory().id)
    assert response.status_code == 404
    assert response.code == "ENTITY_NOT_FOUND"
    assert response.description.startswith("unit")
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize("token", [None, "", "0" * 32, "not a token", "x" * 500])
def test_missing_or_unknown_token(anon_api, demo, token):
    response = anon_api.get(ANY_METHOD, token=token)
    assert response.status_code == 401
    assert response.code == "INVALID_TOKEN"
    assert response.description.startswith("token")


def test_token_as_post_field_and_in_post_query(anon_api, admin_token, client):
    response = anon_api.post("authentication/token/release", {"token": admin_token})
    assert response.status_code == 200
    assert response.data is None


def test_bearer_header(anon_api, admin_token):
    response = anon_api.get(ANY_METHOD, token=None, HTTP_AUTHORIZATION=f"Bearer {admin_token}")
    assert response.status_code == 200


def test_release_ends_the_token(api, admin_token):
    assert api.post("authentication/token/release").status_code == 200
    response = api.get(ANY_METHOD)
    assert response.status_code == 401
    assert response.code == "INVALID_TOKEN"
    assert api.post("authentication/token/release").status_code == 401


def test_expired_token(api, admin_token):
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api.get(ANY_METHOD)
    assert response.status_code == 401
    assert response.code == "INVALID_TOKEN"
    assert "expired" in response.body["status"]["message"]


def test_token_of_a_deactivated_user(api, admin_user):
    admin_user.is_active = False
    admin_user.save()
    assert api.get(ANY_METHOD).status_code == 401


def test_token_lifetime_is_two_hours_from_issue_not_use(api, admin_token):
    before = ApiToken.objects.get().expires_at
    api.get(ANY_METHOD)
    assert ApiToken.objects.get().expires_at == before


# -- throttle -----------------------------------------------------------------------------------


def test_failed_logins_lock_out_the_user_name(anon_api, demo, settings):
    for _ in range(settings.CRM_LOGIN_MAX_FAILURES):
        assert login(anon_api, password="wrong").status_code == 401
    response = login(anon_api)  # even the right password is refused now
    assert response.status_code == 429
    assert response.code == "RATE_LIMITED"
    assert response.headers["Retry-After"] == str(settings.CRM_LOGIN_WINDOW_SECONDS)
    assert ApiToken.objects.count() == 0


def test_lockout_is_per_user_name(anon_api, demo, settings):
    settings.CRM_LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        login(anon_api, password="wrong")
    # Another user from another address is not affected.
    response = anon_api.post(LOGIN, {**GOOD, "username": "agent"}, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 200


def test_an_address_is_limited_loosely(anon_api, demo, settings):
    """Failures of many user names from one address (an office behind one NAT) lock it out
    only at the address's own, far higher limit, not at the user name's."""
    assert settings.CRM_LOGIN_MAX_FAILURES_PER_ADDRESS >= 100
    settings.CRM_LOGIN_MAX_FAILURES_PER_ADDRESS = 12
    for index in range(11):
        assert login(anon_api, username=f"guess{index}", password="wrong").status_code == 401
    assert login(anon_api).status_code == 200  # attempt 12: within the address's limit
    login(anon_api, username="guess-x", password="wrong")  # 12 again: a success gives back
    response = login(anon_api)
    assert (response.status_code, response.code) == (429, "RATE_LIMITED")
    # Another address is not affected.
    assert login(anon_api, {"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


def test_parallel_failures_are_counted_exactly(demo, settings):
    """40 wrong passwords at once: exactly the limit's worth reach the password check, the
    rest are refused before it (each attempt is counted before its check, atomically)."""
    import threading

    from django.db import connections

    from crm import services
    from crm.exceptions import InvalidToken, RateLimited

    checked, outcomes = [], []
    real = services.authenticate
    lock = threading.Lock()

    def counting_authenticate(**credentials):
        with lock:
            checked.append(credentials["username"])
        return real(**credentials)

    barrier = threading.Barrier(40)

    def attempt():
        barrier.wait()
        try:
            services.token_login(
                username="MPAdministrator",
                password="wrong",
                organisation="CRMDEMO",
                unit=None,
                address="10.7.7.7",
            )
        except (InvalidToken, RateLimited) as error:
            with lock:
                outcomes.append(error.code)
        finally:
            connections.close_all()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "authenticate", counting_authenticate)
        threads = [threading.Thread(target=attempt) for _ in range(40)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(checked) == settings.CRM_LOGIN_MAX_FAILURES
    assert sorted(outcomes) == ["INVALID_TOKEN"] * 5 + ["RATE_LIMITED"] * 35


def test_the_client_address_comes_from_a_configured_proxy_header(anon_api, demo, settings):
    settings.CRM_LOGIN_MAX_FAILURES_PER_ADDRESS = 2
    proxy = {"REMOTE_ADDR": "10.0.0.1"}  # every request arrives through the same proxy
    # Without a configured header the proxy's own address is the client's: two failures of
    # two users behind it lock the third out.
    login(anon_api, proxy, username="a", password="wrong")
    login(anon_api, proxy, username="b", password="wrong")
    assert login(anon_api, proxy).status_code == 429

    settings.CRM_CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    # The proxy appends the address it saw; what the client put before it is ignored.
    forwarded = {**proxy, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 192.0.2.10"}
    assert login(anon_api, forwarded).status_code == 200
    login(anon_api, forwarded, username="c", password="wrong")
    login(anon_api, forwarded, username="d", password="wrong")
    assert login(anon_api, forwarded).status_code == 429
    spoofed = {**proxy, "HTTP_X_FORWARDED_FOR": "192.0.2.10, 192.0.2.11"}
    assert login(anon_api, spoofed).status_code == 200


def test_success_resets_the_user_name_count(anon_api, demo, settings):
    for _ in range(settings.CRM_LOGIN_MAX_FAILURES - 1):
        anon_api.post(LOGIN, {**GOOD, "password": "wrong"}, REMOTE_ADDR="10.0.0.3")
    assert anon_api.post(LOGIN, GOOD, REMOTE_ADDR="10.0.0.4").status_code == 200
    for _ in range(settings.CRM_LOGIN_MAX_FAILURES - 1):
        anon_api.post(LOGIN, {**GOOD, "password": "wrong"}, REMOTE_ADDR="10.0.0.5")
    assert anon_api.post(LOGIN, GOOD, REMOTE_ADDR="10.0.0.6").status_code == 200


# -- Web API keys -------------------------------------------------------------------------------


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def key_token(anon_api, authorization: str | None, **body):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    return anon_api.post("authentication/web_api_key/token", body, **headers)


def test_web_api_key_gives_a_token(anon_api, demo):
    api_key, raw = api_key_create(name="integration", user=demo["agent"])
    response = key_token(anon_api, basic(raw))
    assert response.status_code == 200
    token = response.data["token"]
    assert anon_api.get(ANY_METHOD, token=token).status_code == 200
    row = ApiToken.objects.get()
    assert row.user == demo["agent"]
    assert row.api_key == api_key
    assert row.expires_at - row.created_at == timedelta(hours=2)
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None
    assert api_key.key_hash == hash_secret(raw)
    assert api_key.prefix == raw[:8]


@pytest.mark.parametrize("authorization", [None, "Basic !!!", "Bearer abc", basic("0" * 32)])
def test_bad_web_api_key(anon_api, demo, authorization):
    response = key_token(anon_api, authorization)
    assert response.status_code == 401
    assert response.code == "INVALID_TOKEN"
    assert ApiToken.objects.count() == 0


def test_inactive_web_api_key(anon_api, demo):
    api_key, raw = api_key_create(name="old", user=demo["agent"])
    api_key.is_active = False
    api_key.save()
    assert key_token(anon_api, basic(raw)).status_code == 401
