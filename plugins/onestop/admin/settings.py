"""The one-stop administrator's settings per unit: the counter's name and contacts, published statistics."""
from __future__ import annotations

from sqlalchemy import select
from wtforms.validators import Length, Optional, Regexp, ValidationError

from core.toolkit import ScopedModelView, Unit
from plugins.onestop.admin.common import UnitFormMixin
from plugins.onestop.models import CounterSettings
from plugins.onestop.models.settings import DEFAULT_COUNTER_NAME
from plugins.onestop.services.intake import EMAIL


class CounterSettingsView(UnitFormMixin, ScopedModelView):
    permission = "onestop.catalogue.read"
    write_permission = "onestop.catalogue.manage"
    can_view_details = False
    column_list = ("unit_id", "counter_name", "address", "phone", "publish_statistics")
    column_labels = {"unit_id": "Đơn vị", "counter_name": "Tên bộ phận một cửa", "address": "Địa chỉ",
                     "phone": "Điện thoại", "email": "Thư điện tử", "opening_hours": "Giờ làm việc in trên phiếu",
                     "publish_statistics": "Công khai số liệu thống kê"}
    column_formatters = {"unit_id": lambda v, c, m, n: v.unit_codes().get(m.unit_id, m.unit_id),
                         "publish_statistics": lambda v, c, m, n: "Có" if m.publish_statistics else "Không"}
    form_columns = form_rules = ("unit_id", "counter_name", "address", "phone", "email", "opening_hours",
                                 "publish_statistics")
    form_args = {
        "counter_name": {"description": "In trên giấy tiếp nhận, hẹn trả (mẫu 01) và các mẫu 02–06",
                         "validators": [Length(max=255)]},
        "address": {"validators": [Length(max=500)]},
        "phone": {"description": "Số điện thoại hoặc đường dây nóng của bộ phận", "validators": [Length(max=40)]},
        "email": {"validators": [Optional(), Regexp(EMAIL, message="Địa chỉ thư điện tử không hợp lệ"), Length(max=255)]},
        "opening_hours": {"description": "Ví dụ: Sáng 7h00–11h30, chiều 13h30–17h00, thứ Hai đến thứ Sáu"},
        "publish_statistics": {"description": "Bỏ chọn để không đưa số liệu của đơn vị lên trang thống kê công khai",
                               "default": True},
    }

    def get_empty_list_message(self):
        return (f"Chưa có đơn vị nào được cấu hình: phiếu in dùng tên mặc định “{DEFAULT_COUNTER_NAME}” "
                "và số liệu được công khai. Bấm “Tạo mới” để khai báo tên, địa chỉ, điện thoại của bộ phận.")

    def unit_codes(self) -> dict[int, str]:
        return dict(self.session.execute(select(Unit.id, Unit.code).where(Unit.id.in_(self.allowed_unit_ids()))).all())

    def on_model_change(self, form, model, is_created):
        with self.session.no_autoflush:  # the new row must not find itself
            others = select(CounterSettings.id).where(CounterSettings.unit_id == model.unit_id)
            taken = self.session.scalar(others.where(CounterSettings.id != model.id) if model.id else others)
        if taken:
            raise ValidationError("Đơn vị này đã có cấu hình một cửa; hãy sửa cấu hình hiện có")
        model.counter_name = (model.counter_name or "").strip() or DEFAULT_COUNTER_NAME
        for name in ("address", "phone", "email", "opening_hours"):
            setattr(model, name, (getattr(model, name) or "").strip())
        super().on_model_change(form, model, is_created)
