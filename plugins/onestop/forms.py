"""The public forms (Flask-WTF, CSRF-protected), with their messages in Vietnamese."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from plugins.onestop.services.intake import EMAIL, ID_NUMBER, PHONE
from plugins.onestop.services.public import has_control

REQUIRED = "Vui lòng nhập {}."


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _length(limit: int):
    """At most ``limit`` characters, and no control character (PostgreSQL refuses NUL in text)."""
    def check(form, field):
        if isinstance(field.data, str) and has_control(field.data):
            raise ValidationError("Nội dung chứa ký tự không hợp lệ.")
        Length(max=limit, message=f"Tối đa {limit} ký tự.")(form, field)
    return check


class RegistrationForm(FlaskForm):
    name = StringField("Họ và tên người nộp", filters=[_strip],
                       validators=[DataRequired(REQUIRED.format("họ và tên")), _length(255)])
    id_number = StringField("Số định danh cá nhân (CCCD)", filters=[_strip], validators=[
        DataRequired(REQUIRED.format("số định danh cá nhân")),
        Regexp(ID_NUMBER, message="Số định danh phải gồm 12 chữ số (hoặc CMND 9 chữ số).")])
    address = StringField("Địa chỉ", filters=[_strip],
                          validators=[DataRequired(REQUIRED.format("địa chỉ")), _length(500)])
    phone = StringField("Số điện thoại", filters=[_strip], validators=[
        DataRequired(REQUIRED.format("số điện thoại")),
        Regexp(PHONE, message="Số điện thoại phải gồm 10–11 chữ số, bắt đầu bằng 0.")])
    email = StringField("Thư điện tử", filters=[_strip], validators=[
        Optional(), _length(255), Regexp(EMAIL, message="Địa chỉ thư điện tử không hợp lệ.")])


class LookupForm(FlaskForm):
    code = StringField("Mã hồ sơ", filters=[_strip],
                       validators=[DataRequired(REQUIRED.format("mã hồ sơ")), _length(60)])
    secret = StringField("Mã tra cứu (in trên giấy hẹn)", filters=[_strip], validators=[
        DataRequired(REQUIRED.format("mã tra cứu")), _length(12)])


SCORE_CHOICES = [SelectChoice("5", "5 – Rất hài lòng"), SelectChoice("4", "4 – Hài lòng"),
                 SelectChoice("3", "3 – Bình thường"), SelectChoice("2", "2 – Chưa hài lòng"),
                 SelectChoice("1", "1 – Không hài lòng")]


def rating_form_class(criteria) -> type[FlaskForm]:
    """A rating form with one 1–5 choice per criterion in force (the criteria are a rule)."""

    class RatingForm(LookupForm):
        comment = TextAreaField("Ý kiến góp ý (không bắt buộc)", validators=[Optional(), _length(2000)])

    for criterion in criteria:
        setattr(RatingForm, f"score_{criterion.code}", RadioField(
            criterion.label, choices=SCORE_CHOICES,
            validators=[DataRequired(f"Chọn mức đánh giá cho “{criterion.label}”.")]))
    return RatingForm
