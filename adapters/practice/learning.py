"""The practice room's Learning page: the learning report of the room's sessions for a period,
as a web page or a PDF, Word or CSV file."""

from __future__ import annotations

from datetime import date

from aiohttp import web

from adapters.export.files import MEDIA_TYPES, REPORT_FORMATS, report_file
from adapters.practice.pages import PLATFORM, Pages, Viewer
from bot.learning import load_report
from dialogs.learning_report import Period, Scope

# The report is a page of its own: its styles are inline, and it needs nothing else.
REPORT_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
LABELS = {"html": "Web page", "pdf": "PDF", "docx": "Word", "csv": "CSV (the figures)"}


class LearningPages(Pages):
    def _period(self, request: web.Request, viewer: Viewer) -> Period:
        try:
            start, end = (
                date.fromisoformat(day) if (day := request.query.get(name, "").strip()) else None
                for name in ("from", "to")
            )
        except ValueError:
            start = end = date.max
        if start == date.max or (start and end and end < start):
            self.refuse(
                web.HTTPBadRequest,
                "Not a period",
                "Give the first and last days of the period as dates, the first not after the "
                "last, or leave them empty for every session so far.",
                self.person_url(viewer.room.id, viewer.me.id, "/learning"),
            )
        return Period(start, end)

    async def learning_page(self, request: web.Request) -> web.Response:
        viewer = await self.viewer(request)
        period = self._period(request, viewer)
        base = self.person_url(viewer.room.id, viewer.me.id)
        query = "&".join(
            f"{name}={day.isoformat()}"
            for name, day in (("from", period.start), ("to", period.end))
            if day
        )
        links = {
            f"{base}/learning/report.{kind}" + (f"?{query}" if query else ""): LABELS[kind]
            for kind in REPORT_FORMATS
        }
        return self.render("learning.html", room=viewer.room, base=base, period=period, links=links)

    async def learning_report(self, request: web.Request) -> web.Response:
        viewer = await self.viewer(request)
        kind = request.match_info["format"]
        if kind not in REPORT_FORMATS:
            self.refuse(
                web.HTTPNotFound,
                "No such format",
                "The learning report is a web page, or a PDF, Word or CSV file.",
                self.person_url(viewer.room.id, viewer.me.id, "/learning"),
            )
        runtime = self.runtime
        scope = Scope(period=self._period(request, viewer))
        report = await load_report(
            runtime.store, runtime.catalogue, runtime.clock, scope, (PLATFORM, viewer.room.id)
        )
        now = runtime.clock.now()
        body = await report_file(report, kind, runtime.settings.protective_marking, now)
        async with runtime.store.transaction() as uow:
            await uow.audit.add(None, f"learning report ({kind})", viewer.me.id, now)
        headers = dict(REPORT_HEADERS)
        if kind != "html":
            headers["Content-Disposition"] = f'attachment; filename="learning-report.{kind}"'
        return web.Response(body=body, headers=headers | {"Content-Type": MEDIA_TYPES[kind]})
