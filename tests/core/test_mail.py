"""SMTP sending against a real loopback server: login, STARTTLS refusal, per-message errors."""
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from core.mail import MailConfig, OutgoingMail, send_mails
from core.services import ServiceError
from tests.core.test_reminders import Inbox, free_port


def config(port, **changes):
    values = dict(enabled=True, host="127.0.0.1", port=port, username="", password="", use_tls=False, use_ssl=False,
                  from_address="cchc@example.vn", timeout=5, max_attempts=3)
    values.update(changes)
    return MailConfig(**values)


class Rejecting(Inbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"cchc", b"dung-mat-khau")
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


@pytest.fixture
def server():
    inbox = Rejecting()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticate,
                            auth_require_tls=False)
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def mails(*addresses):
    return [OutgoingMail(to=a, subject="Nhắc việc: hạn 26/02/2026", text="Nội dung tiếng Việt có dấu.",
                         html="<p>Nội dung</p>") for a in addresses]


def test_login_and_one_refused_recipient_does_not_stop_the_batch(server):
    results = send_mails(config(server.port, username="cchc", password="dung-mat-khau"),
                         mails("a@example.vn", "nobody@example.vn", "b@example.vn"))
    assert results[0] is None and results[2] is None
    assert "từ chối địa chỉ nhận nobody@example.vn" in results[1]
    assert [to for to, _ in server.messages] == [["a@example.vn"], ["b@example.vn"]]
    assert server.messages[0][1]["Subject"] == "Nhắc việc: hạn 26/02/2026"


def test_wrong_password_and_missing_starttls_are_reported_for_every_mail(server):
    wrong = send_mails(config(server.port, username="cchc", password="sai"), mails("a@example.vn", "b@example.vn"))
    assert len(set(wrong)) == 1 and "từ chối đăng nhập của 'cchc'" in wrong[0]
    no_tls = send_mails(config(server.port, use_tls=True), mails("a@example.vn"))
    assert "STARTTLS" in no_tls[0]
    assert server.messages == []


def test_contradictory_settings_are_refused():
    from core.settings import load_settings
    settings = load_settings(environ={}, require=False,
                             overrides={"mail": {"enabled": True, "use_tls": True, "use_ssl": True}})
    with pytest.raises(ServiceError, match="Chỉ bật một"):
        MailConfig.from_settings(settings)
    assert send_mails(config(1), []) == []
