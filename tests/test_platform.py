"""Production readiness: deploy checks, the OpenAPI schema, static files served by us."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR


def test_production_settings_pass_check_deploy_with_no_warnings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "salesops.settings.production",
        "DJANGO_SECRET_KEY": "p9$Kx2!vQ7#mZr4@Lw8^Nt1&Hy6*Bc3(Fs5)Jd0-Ge7+Ua2=Ro9_Ti4",
        "DJANGO_ALLOWED_HOSTS": "salesops.example.com",
        "DATABASE_URL": "postgres://salesops:secret@127.0.0.1:5432/salesops",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_openapi_schema_generates_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", os.devnull],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "salesops.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in [
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/org/units/",
        "/api/v1/org/members/",
        "/api/v1/org/channels/",
        "/api/v1/org/products/",
    ]:
        assert path in paths
    docs = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    assert "cdn" not in docs.lower()


def read_static(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return b"".join(response.streaming_content)


def test_plotly_js_comes_from_our_static_files(client):

    body = read_static(client, "/static/vendor/plotly/plotly.min.js")
    assert body.startswith(b"/**") and b"plotly.js" in body[:2000]
    assert len(body) > 1_000_000


def test_collectstatic_includes_plotly_and_swagger(tmp_path, settings):
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "vendor" / "plotly" / "plotly.min.js").exists()
    assert (tmp_path / "css" / "salesops.css").exists()
    assert (tmp_path / "drf_spectacular_sidecar" / "swagger-ui-dist" / "swagger-ui-bundle.js").exists()


@pytest.mark.django_db
def test_migrations_match_the_models():
    from django.core.management import call_command

    # --check exits non-zero when a model change has no migration yet.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_services_and_selectors_type_check():
    # mypy with django-stubs over the files pyproject.toml lists (STYLE.md rule 11)
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_passes_ruff():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
