"""Forms of the plan and task pages. They only collect input; ``core.scheduling`` validates it."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import TextInput

from core.scheduling.plans import parse_date
from core.scheduling.tasks import TASK_STATUSES
from core.services import ServiceError


class DmyDateField(StringField):
    """A date typed as dd/mm/yyyy (YYYY-MM-DD accepted too); a bad value is a clear Vietnamese error."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": "dd/mm/yyyy", "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%d/%m/%Y") if self.data else ""

    def process_formdata(self, valuelist):
        if valuelist:
            try:
                self.data = parse_date(valuelist[0], str(self.label.text))
            except ServiceError as exc:
                self.data = None
                raise ValueError(str(exc)) from None


def int_or_none(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class TaskForm(FlaskForm):
    title = StringField("Tên nhiệm vụ")
    unit_id = SelectField("Đơn vị chủ trì", coerce=int_or_none, validate_choice=False)
    owner_user_id = SelectField("Người phụ trách", coerce=int_or_none, validate_choice=False)
    target_unit_id = SelectField("Đơn vị được kiểm tra", coerce=int_or_none, validate_choice=False)
    contents = TextAreaField("Nội dung kiểm tra (mỗi dòng một nội dung)", render_kw={"rows": 4})
    due_date = DmyDateField("Hạn hoàn thành")
    status = SelectField("Trạng thái", choices=[SelectChoice(k, v) for k, v in TASK_STATUSES.items()],
                         validate_choice=False)
    progress = StringField("Tiến độ (%)", default="0", render_kw={"inputmode": "numeric"})
    evidence_note = TextAreaField("Kết quả thực hiện, minh chứng", render_kw={"rows": 3})

    REPORT_FIELDS = ("status", "progress", "evidence_note")  # what a task's owner may report without managing

    def fill_choices(self, owners, targets, users) -> "TaskForm":
        self.unit_id.choices = [SelectChoice(u.id, f"{u.code} – {u.name}") for u in owners]
        self.target_unit_id.choices = ([SelectChoice("", "— chọn đơn vị —")] +
                                       [SelectChoice(u.id, f"{u.code} – {u.name}") for u in targets])
        self.owner_user_id.choices = ([SelectChoice("", "— không chỉ định —")] +
                                      [SelectChoice(u.id, str(u)) for u in users])
        return self

    def values(self, inspection: bool, report_only: bool = False) -> dict:
        """The submitted values as service arguments (raw text for the service to judge)."""
        fields = {"status": self.status.data, "progress": self.progress.data or "0",
                  "evidence_note": self.evidence_note.data or ""}
        if report_only:
            return fields
        fields.update(title=self.title.data or "", unit_id=self.unit_id.data, owner_user_id=self.owner_user_id.data,
                      due_date=self.due_date.data)
        if inspection:
            fields.update(target_unit_id=self.target_unit_id.data, contents=self.contents.data or "")
        return fields

    def load(self, task) -> "TaskForm":
        for name in ("title", "unit_id", "owner_user_id", "target_unit_id", "due_date", "status", "evidence_note"):
            getattr(self, name).data = getattr(task, name)
        self.progress.data = str(task.progress)
        self.contents.data = "\n".join(task.contents or [])
        return self
