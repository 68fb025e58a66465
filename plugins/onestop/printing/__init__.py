"""Printed forms 01–06 of the one-stop counter: built once as data (``content``), rendered as Word
(``word``) or as a printable page (the blueprint's template), with a QR code (``qr``) on the slip."""
from plugins.onestop.printing.content import TITLES, available, build
from plugins.onestop.printing.word import render as to_docx

__all__ = ["TITLES", "available", "build", "to_docx"]
