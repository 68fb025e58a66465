"""What forms 01–06 say about a dossier (Circular 01/2018/TT-VPCP, replaced by Circular 03/2025 [U]).

Free of Flask: built from the database alone; ``lookup_url`` is handed in by the caller.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from core.toolkit import ServiceError, Settings, Unit, User, hours_for_unit
from plugins.onestop.models import Dossier, Transition
from plugins.onestop.models.catalogue import LIMIT_KINDS
from plugins.onestop.printing.model import Fields, Para, PrintDoc, QrCode, Signatures, Table
from plugins.onestop.services.clock import local
from plugins.onestop.services.counter import counter_of
from plugins.onestop.services.workflow import ACTIONS, STATUSES

TITLES = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "04": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "05": "Thông báo về việc dừng xử lý hồ sơ",
    "06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
}
NEEDS_ACTION = {"02": "request_supplement", "03": "refuse", "04": "extend", "05": "stop"}
EXTRA_ACTIONS = {"register": "Đăng ký trực tuyến", "receive": "Tiếp nhận hồ sơ"}
SIGN = "(Ký và ghi rõ họ tên)"


def ref(dossier: Dossier) -> str:
    return dossier.code or f"DK-{dossier.id}"


def _d(value: date | datetime | None) -> str:
    if value is None:
        return "…/…/……"
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime("%d/%m/%Y")


def _place_date(value: date | datetime) -> str:
    day = local(value).date() if isinstance(value, datetime) else value
    return f"……, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def _hm(moment: datetime) -> str:
    moment = local(moment)
    return f"{moment:%H} giờ {moment:%M} phút, ngày {moment:%d/%m/%Y}"


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return (user.full_name or user.username) if user else ""


def _last(dossier: Dossier, action: str) -> Transition | None:
    found = [t for t in dossier.transitions if t.action == action]
    return found[-1] if found else None


def available(dossier: Dossier) -> list[str]:
    """The forms that exist for this dossier: the slip once received, 02–05 once their act is done, 06 always."""
    forms = ["01"] if dossier.code else []
    forms += [n for n, action in NEEDS_ACTION.items() if _last(dossier, action) is not None]
    return forms + ["06"]


def _applicant(dossier: Dossier) -> Fields:
    return Fields([("Ông/Bà", dossier.applicant_name), ("Số định danh cá nhân", dossier.applicant_id_number),
                   ("Địa chỉ", dossier.applicant_address), ("Số điện thoại", dossier.applicant_phone),
                   ("Thư điện tử", dossier.applicant_email)])


def _procedure_line(dossier: Dossier) -> Para:
    p = dossier.procedure
    return Para(f"Nội dung yêu cầu giải quyết: {p.name} (mã thủ tục {p.national_code}; lĩnh vực {p.field.name}).")


def build(session: Session, settings: Settings, dossier: Dossier, number: str, lookup_url: str = "") -> PrintDoc:
    """Form ``number`` for ``dossier``; ``ServiceError`` when that form does not exist for it (yet)."""
    if number not in TITLES:
        raise ServiceError(f"Không có mẫu số {number!r} (unknown form)")
    if number not in available(dossier):
        raise ServiceError(f"Hồ sơ {ref(dossier)} chưa có {TITLES[number].lower()} (form not available)")
    unit = session.get(Unit, dossier.unit_id)
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    doc = PrintDoc(number, TITLES[number], (parent.name if parent else unit.name).upper(),
                   counter_of(session, unit.id).name.upper() if parent is None else unit.name.upper(), ref(dossier), "",
                   filename=f"mau-{number}-{ref(dossier)}.docx")
    action = NEEDS_ACTION.get(number)
    step = _last(dossier, action) if action else None
    when = {"01": dossier.received_at}.get(number) or (step.at if step else datetime.now().astimezone())
    doc.place_date = _place_date(when)
    BUILDERS[number](session, settings, dossier, doc, unit, step, lookup_url)
    return doc


def _slip(session, settings, dossier: Dossier, doc: PrintDoc, unit: Unit, step, lookup_url: str) -> None:
    p, counter = dossier.procedure, counter_of(session, unit.id)
    closing = hours_for_unit(session, settings, dossier.unit_id).afternoon[1]
    contacts = f" ({counter.contacts()})" if counter.contacts() else ""
    hours = f" Giờ làm việc: {counter.opening_hours}." if counter.opening_hours else ""
    documents = [[str(i), d.name, str(d.originals), str(d.certified_copies), str(d.copies)]
                 for i, d in enumerate(dossier.documents, 1)]
    doc.blocks += [
        Fields([("Mã hồ sơ", ref(dossier))]),
        Para(f"{counter.name} – {unit.name} đã tiếp nhận hồ sơ của:"), _applicant(dossier), _procedure_line(dossier),
        Para("1. Thành phần hồ sơ nộp gồm:", bold=True),
        Table(["STT", "Tên giấy tờ", "Bản chính", "Bản sao chứng thực", "Bản sao"],
              documents or [["", "(không có thành phần hồ sơ giấy)", "", "", ""]]),
        Para("2. Số lượng hồ sơ: 01 (bộ)."),
        Para(f"3. Thời gian giải quyết hồ sơ theo quy định: {p.limit_for(dossier.channel)} "
             f"{LIMIT_KINDS.get(p.limit_kind, p.limit_kind)}."),
        Para(f"4. Thời gian nhận hồ sơ: {_hm(dossier.received_at)}."),
        Para(f"5. Thời gian trả kết quả giải quyết hồ sơ: trước {closing:%H} giờ {closing:%M} phút, "
             f"ngày {_d(dossier.appointment_on)}.", bold=True),
        Para(f"6. Nhận kết quả tại: {counter.name} – {unit.name}{contacts}.{hours}"),
        Para(f"7. Tra cứu tình trạng hồ sơ: quét mã QR hoặc truy cập {lookup_url}, nhập mã hồ sơ "
             f"{ref(dossier)} và mã tra cứu {dossier.lookup_secret}."),
        Fields([("Mã tra cứu (giữ bí mật)", dossier.lookup_secret)]),
        QrCode(lookup_url, "Quét mã để tra cứu hồ sơ"),
        Signatures([("NGƯỜI NỘP HỒ SƠ", SIGN, dossier.applicant_name),
                    ("NGƯỜI TIẾP NHẬN HỒ SƠ", SIGN, _name(session, dossier.received_by))]),
    ]


def _intro(session, dossier: Dossier, unit: Unit) -> list:
    received = f"Ngày {_d(dossier.received_at)}, " if dossier.received_at else ""
    return [Para(f"Kính gửi: Ông/Bà {dossier.applicant_name}."), Fields([("Mã hồ sơ", ref(dossier))]),
            _procedure_line(dossier),
            Para(f"{received}{counter_of(session, unit.id).name} – {unit.name} đã nhận hồ sơ đề nghị giải quyết thủ tục hành chính nêu trên "
                 f"của Ông/Bà.")]


def _supplement(session, settings, dossier: Dossier, doc: PrintDoc, unit: Unit, step: Transition, lookup_url) -> None:
    missing = (step.details or {}).get("missing_documents") or []
    restart = dossier.procedure.supplement_policy == "restart"
    doc.blocks += _intro(session, dossier, unit) + [
        Para("Qua xem xét, hồ sơ của Ông/Bà cần bổ sung, hoàn thiện các nội dung sau (yêu cầu một lần, đầy đủ):"),
        Table(["STT", "Giấy tờ, nội dung cần bổ sung, hoàn thiện"], [[str(i), m] for i, m in enumerate(missing, 1)]),
        Para(f"Lý do: {step.note}"),
        Para("Thời hạn giải quyết được tính lại từ đầu khi nhận đủ hồ sơ bổ sung." if restart else
             f"Thời hạn giải quyết tạm dừng từ ngày {_d(step.at)} và được tính tiếp khi nhận đủ hồ sơ bổ sung."),
        Para("Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ Bộ phận tiếp nhận và trả kết quả "
             "để được hướng dẫn.", italic=True),
        Signatures([("NGƯỜI HƯỚNG DẪN", SIGN, _name(session, step.user_id))]),
    ]


def _refusal(session, settings, dossier: Dossier, doc: PrintDoc, unit: Unit, step: Transition, lookup_url) -> None:
    doc.blocks += _intro(session, dossier, unit) + [
        Para("Qua xem xét, cơ quan, đơn vị không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:"),
        Para(step.note, bold=True),
        Para("Xin thông báo để Ông/Bà được biết và thực hiện.", italic=True),
        Signatures([("NGƯỜI TIẾP NHẬN HỒ SƠ", SIGN, _name(session, step.user_id))]),
    ]


def _apology(session, settings, dossier: Dossier, doc: PrintDoc, unit: Unit, step: Transition, lookup_url) -> None:
    previous = dossier.appointment_on
    for t in dossier.transitions:
        if t.id == step.id:
            break
        if t.action == "extend" and (t.details or {}).get("new_date"):
            previous = date.fromisoformat(t.details["new_date"])
    new_date = (step.details or {}).get("new_date")
    new_text = _d(date.fromisoformat(new_date)) if new_date else _d(dossier.extended_until)
    doc.blocks += _intro(session, dossier, unit) + [
        Para(f"Theo giấy tiếp nhận hồ sơ và hẹn trả kết quả, thời gian trả kết quả là ngày {_d(previous)}."),
        Para("Tuy nhiên, đến nay cơ quan, đơn vị chưa trả kết quả giải quyết hồ sơ của Ông/Bà đúng hẹn."),
        Para(f"Lý do: {step.note}"),
        Para("Sự chậm trễ này đã gây phiền hà cho Ông/Bà. Cơ quan, đơn vị trân trọng xin lỗi Ông/Bà và hẹn lại "
             f"thời gian trả kết quả vào ngày {new_text}.", bold=True),
        Signatures([("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "(Ký, ghi rõ họ tên và đóng dấu)", _name(session, step.user_id))]),
    ]


def _stop(session, settings, dossier: Dossier, doc: PrintDoc, unit: Unit, step: Transition, lookup_url) -> None:
    doc.blocks += _intro(session, dossier, unit) + [
        Para(f"Cơ quan, đơn vị thông báo dừng xử lý hồ sơ của Ông/Bà kể từ ngày {_d(step.at)}."),
        Para(f"Lý do: {step.note}", bold=True),
        Para("Ông/Bà liên hệ Bộ phận tiếp nhận và trả kết quả để nhận lại hồ sơ (nếu có).", italic=True),
        Signatures([("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "(Ký, ghi rõ họ tên và đóng dấu)", _name(session, step.user_id))]),
    ]


def _control(session, settings, dossier: Dossier, doc: PrintDoc, unit: Unit, step, lookup_url) -> None:
    rows = []
    for i, t in enumerate(dossier.transitions, 1):
        label = EXTRA_ACTIONS.get(t.action) or (ACTIONS[t.action].label if t.action in ACTIONS else t.action)
        change = f"{STATUSES.get(t.from_status, 'Mới')} → {STATUSES.get(t.to_status, t.to_status)}"
        note = t.note
        if (t.details or {}).get("missing_documents"):
            note = f"{note} (cần bổ sung: {'; '.join(t.details['missing_documents'])})".strip()
        if (t.details or {}).get("new_date"):
            note = f"{note} (hẹn lại: {_d(date.fromisoformat(t.details['new_date']))})".strip()
        rows.append([str(i), local(t.at).strftime("%d/%m/%Y %H:%M"), label, change,
                     _name(session, t.user_id) or "—", str(t.step), note])
    doc.blocks += [
        Fields([("Mã hồ sơ", ref(dossier)), ("Người nộp", dossier.applicant_name),
                ("Thủ tục", dossier.procedure.name), ("Ngày nhận hồ sơ", _d(dossier.received_at)),
                ("Ngày hẹn trả", _d(dossier.appointment_on)),
                ("Ngày hẹn lại", _d(dossier.extended_until) if dossier.extended_until else "—"),
                ("Trạng thái hiện tại", STATUSES.get(dossier.status, dossier.status))]),
        Table(["STT", "Thời gian", "Thao tác", "Trạng thái", "Người thực hiện", "Bước", "Ghi chú"], rows),
    ]


BUILDERS = {"01": _slip, "02": _supplement, "03": _refusal, "04": _apology, "05": _stop, "06": _control}
