import pytest

from core.settings import SettingsError, load_settings


def test_defaults_then_file_then_environment(tmp_path):
    deployment = tmp_path / "site.toml"
    deployment.write_text('[app]\nsecret_key = "from-file"\n[security]\nmax_failed_logins = 3\n', encoding="utf-8")
    settings = load_settings(deployment, environ={"CCHC_SECURITY_MAX_FAILED_LOGINS": "7",
                                                  "CCHC_DATABASE_URL": "postgresql://db/x"})
    assert settings["app.secret_key"] == "from-file"
    assert settings["security.max_failed_logins"] == 7
    assert settings["database.url"] == "postgresql://db/x"
    assert settings["admin.page_size"] == 25
    assert settings.source_of("security.max_failed_logins") == "environment variable CCHC_SECURITY_MAX_FAILED_LOGINS"


def test_missing_secret_names_the_key():
    with pytest.raises(SettingsError, match=r"app\.secret_key"):
        load_settings(environ={})


def test_malformed_file_names_the_file(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[app\nsecret_key = 1", encoding="utf-8")
    with pytest.raises(SettingsError, match="broken.toml"):
        load_settings(broken, environ={})


def test_wrong_type_names_key_and_file(tmp_path):
    deployment = tmp_path / "site.toml"
    deployment.write_text('[security]\nmax_failed_logins = "many"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"security\.max_failed_logins.*site\.toml"):
        load_settings(deployment, environ={"CCHC_SECRET_KEY": "x"})


def test_unknown_key_is_refused(tmp_path):
    deployment = tmp_path / "site.toml"
    deployment.write_text('[database]\nurll = "sqlite://"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"database\.urll"):
        load_settings(deployment, environ={"CCHC_SECRET_KEY": "x"})


def test_malformed_environment_value_names_the_variable():
    with pytest.raises(SettingsError, match="CCHC_SECURITY_LOCKOUT_MINUTES"):
        load_settings(environ={"CCHC_SECRET_KEY": "x", "CCHC_SECURITY_LOCKOUT_MINUTES": "soon"})


def test_missing_deployment_file_is_named(tmp_path):
    with pytest.raises(SettingsError, match="nowhere.toml"):
        load_settings(tmp_path / "nowhere.toml", environ={})
