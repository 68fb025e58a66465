"""Plugin enablement per unit: installed plugins × the admin's units, through core.services.enablement."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from sqlalchemy import select

from core.admin.base import ScopedAccessMixin
from core.admin.core_views import tree_rows
from core.app import current_state
from core.models import PluginState, Unit
from core.services import ServiceError
from core.services.enablement import (MissingDependencies, disable_plugin, enable_plugin, is_enabled,
                                      missing_dependencies)
from core.services.units import UnitTree


class PluginsPage(ScopedAccessMixin, BaseView):
    permission = "core.plugins.manage"

    # -- helpers ------------------------------------------------------------------------------
    @staticmethod
    def _session():
        return current_state().db.session()

    def _target(self, values):
        """The (manifest, unit) named by a request; 404 for an unknown plugin or a unit outside the admin's scope."""
        registry = current_state().registry
        name, unit_id = values.get("plugin", ""), values.get("unit", "")
        if name not in registry.plugins or not unit_id.isdigit() or int(unit_id) not in self.allowed_unit_ids():
            abort(404)
        unit = self._session().get(Unit, int(unit_id))
        if unit is None:
            abort(404)
        return registry.get(name), unit

    def _back(self):
        return redirect(url_for(".index"))

    # -- pages --------------------------------------------------------------------------------
    @expose("/")
    def index(self):
        session = self._session()
        state = current_state()
        tree = UnitTree.load(session)
        rows = tree_rows(session, self.allowed_unit_ids())
        installed = set(session.scalars(select(PluginState.name)))
        enabled = {(m.name, unit.id) for m in state.registry.manifests for unit, _ in rows
                   if is_enabled(session, m.name, unit.id)}
        return self.render("admin/cchc_plugins.html", manifests=state.registry.manifests, rows=rows,
                           enabled=enabled, installed=installed, has_children=lambda u: bool(tree.children.get(u.id)))

    @expose("/enable", methods=["POST"])
    def enable(self):
        manifest, unit = self._target(request.form)
        with_subunits = request.form.get("with_subunits") == "1"
        with_dependencies = request.form.get("with_dependencies") == "1"
        session = self._session()
        if with_subunits and not UnitTree.load(session).subtree(unit.id) <= self.allowed_unit_ids():
            flash(f"Không thể bật cho cả đơn vị cấp dưới của {unit.code}: có đơn vị ngoài phạm vi quản lý của bạn "
                  "(sub-units outside your scope)", "error")
            return self._back()
        registry = current_state().registry
        try:
            done = enable_plugin(session, registry, manifest.name, unit, with_subunits, with_dependencies)
            session.commit()
        except MissingDependencies as exc:
            session.rollback()
            return self.render("admin/cchc_plugin_dependencies.html", manifest=manifest, unit=unit,
                               missing=[registry.get(name) for name in exc.missing], at_unit=exc.unit,
                               with_subunits=with_subunits)
        except ServiceError as exc:
            session.rollback()
            flash(f"Không bật được phân hệ {manifest.label} cho đơn vị {unit.code}: {exc}", "error")
            return self._back()
        if done:
            listed = ", ".join(f"{registry.get(name).label} @ {code}" for name, code in done)
            flash(f"Đã bật: {listed}.", "success")
        else:
            flash(f"Phân hệ {manifest.label} đã được bật cho đơn vị {unit.code} từ trước.", "info")
        return self._back()

    @expose("/decline", methods=["POST"])
    def decline(self):
        manifest, unit = self._target(request.form)
        registry = current_state().registry
        missing = missing_dependencies(self._session(), registry, manifest.name, unit)
        names = ", ".join(f"{registry.get(name).label} ({name})" for name in missing) or "các phân hệ phụ thuộc"
        flash(f"Chưa bật phân hệ {manifest.label} cho đơn vị {unit.code}: phân hệ này cần {names} "
              "được bật trước (missing dependencies declined).", "error")
        return self._back()

    @expose("/disable", methods=["GET", "POST"])
    def disable(self):
        values = request.form if request.method == "POST" else request.args
        manifest, unit = self._target(values)
        session = self._session()
        registry = current_state().registry
        if request.method == "GET":
            blocking = [registry.get(d) for d in registry.dependants(manifest.name) if is_enabled(session, d, unit.id)]
            return self.render("admin/cchc_plugin_disable.html", manifest=manifest, unit=unit, blocking=blocking,
                               enabled=is_enabled(session, manifest.name, unit.id))
        try:
            changed = disable_plugin(session, registry, manifest.name, unit)
            session.commit()
        except ServiceError as exc:
            session.rollback()
            flash(str(exc), "error")
            return self._back()
        if changed:
            flash(f"Đã tắt phân hệ {manifest.label} cho đơn vị {unit.code}; dữ liệu được giữ nguyên.", "success")
        else:
            flash(f"Phân hệ {manifest.label} chưa được bật cho đơn vị {unit.code}.", "info")
        return self._back()
