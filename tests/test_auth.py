"""Login, logout, token, lock-out and CSRF: bad input gets a clear answer, never a 500."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


class TestLoginPage:
    def test_login_page_is_chinese_by_default_even_for_an_english_browser(self, client):
        response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        html = response.content.decode()
        assert response.status_code == 200
        assert '<html lang="zh-hans">' in html
        assert "登录" in html and "用户名" in html and "密码" in html

    def test_language_switch_turns_the_page_english_and_back(self, client):
        client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
        html = client.get("/login/").content.decode()
        assert '<html lang="en">' in html and "Username" in html
        client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
        assert "用户名" in client.get("/login/").content.decode()

    def test_member_logs_in_and_sees_their_home(self, org, client):
        response = client.post("/login/", {"username": "acme-agent", "password": PASSWORD}, follow=True)
        html = response.content.decode()
        assert response.redirect_chain[-1][0] == "/"
        assert "阿克米保险" in html and "营销员" in html and "acme-north-1" in html

    @pytest.mark.parametrize("username, password", [("acme-agent", "wrong-password"), ("nobody", PASSWORD)])
    def test_wrong_password_and_unknown_user_get_the_same_clear_error(self, org, client, username, password):
        response = client.post("/login/", {"username": username, "password": password})
        assert response.status_code == 200
        assert "请输入一个正确的" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_logout_needs_a_post_and_ends_the_session(self, org, client):
        client.post("/login/", {"username": "acme-agent", "password": PASSWORD})
        assert client.get("/").status_code == 200
        client.post("/logout/")
        assert client.get("/").status_code == 302

    def test_home_requires_login(self, client):
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")

    def test_login_without_csrf_token_is_refused(self, org):
        strict = Client(enforce_csrf_checks=True)
        response = strict.post("/login/", {"username": "acme-agent", "password": PASSWORD})
        assert response.status_code == 403

    def test_user_without_membership_is_forbidden_not_crashed(self, db, client, django_user_model):
        django_user_model.objects.create_user("operator", password=PASSWORD)
        client.post("/login/", {"username": "operator", "password": PASSWORD})
        assert client.get("/").status_code == 403


class TestLockout:
    def test_five_failures_lock_the_login_page(self, org, client):
        for _ in range(5):
            client.post("/login/", {"username": "acme-agent", "password": "nope"})
        # Even the right password is refused now
        response = client.post("/login/", {"username": "acme-agent", "password": PASSWORD})
        assert response.status_code == 429
        assert "账户已锁定" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_lockout_applies_to_the_token_endpoint(self, org):
        client = APIClient()
        for _ in range(4):
            assert (
                client.post(
                    "/api/v1/auth/token/", {"username": "acme-admin", "password": "nope"}, format="json"
                ).status_code
                == 400
            )
        # The fifth failure locks the username from this address...
        fifth = client.post("/api/v1/auth/token/", {"username": "acme-admin", "password": "nope"}, format="json")
        assert fifth.status_code == 429
        # ...so even the right password gets no token now
        locked = client.post("/api/v1/auth/token/", {"username": "acme-admin", "password": PASSWORD}, format="json")
        assert locked.status_code == 429
        assert locked.json() == {"detail": "登录失败次数过多，请稍后再试。"}

    def test_success_before_the_limit_resets_the_count(self, org):
        client = APIClient()
        for _ in range(4):
            client.post("/api/v1/auth/token/", {"username": "acme-admin", "password": "nope"}, format="json")
        assert (
            client.post(
                "/api/v1/auth/token/", {"username": "acme-admin", "password": PASSWORD}, format="json"
            ).status_code
            == 200
        )
        for _ in range(4):
            client.post("/api/v1/auth/token/", {"username": "acme-admin", "password": "nope"}, format="json")
        assert (
            client.post(
                "/api/v1/auth/token/", {"username": "acme-admin", "password": PASSWORD}, format="json"
            ).status_code
            == 200
        )


class TestToken:
    def test_token_round_trip(self, org):
        client = APIClient()
        token = client.post(
            "/api/v1/auth/token/", {"username": "acme-supervisor", "password": PASSWORD}, format="json"
        ).json()["token"]
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert client.get("/api/v1/me/").json()["role"] == "supervisor"

    @pytest.mark.parametrize(
        "payload, field",
        [
            ({"username": "acme-agent", "password": "wrong"}, "non_field_errors"),
            ({"username": "ghost", "password": "wrong"}, "non_field_errors"),
            ({"username": "acme-agent"}, "password"),
            ({}, "username"),
        ],
    )
    def test_bad_credentials_are_a_400_with_fields(self, org, payload, field):
        response = APIClient().post("/api/v1/auth/token/", payload, format="json")
        assert response.status_code == 400 and field in response.json()

    def test_malformed_json_is_a_400(self, db):
        response = APIClient().generic("POST", "/api/v1/auth/token/", "{not json", content_type="application/json")
        assert response.status_code == 400

    def test_bad_token_is_401(self, db):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
        assert client.get("/api/v1/me/").status_code == 401

    def test_session_api_calls_need_csrf(self, org):
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(org.admin.user)
        response = client.post("/api/v1/org/channels/", {"code": "x1", "name": "X"}, format="json")
        assert response.status_code == 403
