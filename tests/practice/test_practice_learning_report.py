"""The practice room's Learning page: the learning report of the room's sessions, as a page
and as files, with nothing in it that names the case or the people."""

from __future__ import annotations

from collections.abc import Callable

from practice_kit import Visitor, publish, start_session

from bot.runtime import Runtime

Make = Callable[[], Visitor]
CHARTS = ("Sessions per month", "Agencies taking part")


async def test_the_learning_page_gives_the_rooms_report_as_a_page_and_as_files(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, _ = await start_session(runtime, visitors)
    await publish(runtime, chair, priya, dan, record={"learning_summary": "Share chronologies."})
    room = await chair.page()
    assert "Learning" in room.texts("//p[@class='links']/a")

    page = await chair.get(chair.base + "/learning")
    assert page.status == 200
    links = dict(
        zip(
            page.texts("//ul[@id='reports']//a"),
            page.tree.xpath("//ul[@id='reports']//a/@href"),
            strict=True,
        )
    )
    assert list(links) == ["Web page", "PDF", "Word", "CSV (the figures)"]

    status, headers, body = await chair.download(links["Web page"].removeprefix(chair.base))
    report = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "Share chronologies." in report
    assert all(f'aria-label="{chart}"' in report for chart in CHARTS)
    for kept_out in ("RCD-0417", "Priya", "Dan", "Morgan"):
        assert kept_out not in report
    _, headers, body = await chair.download(links["PDF"].removeprefix(chair.base))
    assert body.startswith(b"%PDF") and headers["Content-Type"] == "application/pdf"
    _, _, body = await chair.download(links["CSV (the figures)"].removeprefix(chair.base))
    assert "Sessions by model" in body.decode()


async def test_a_period_narrows_the_report_and_a_bad_one_is_explained(
    runtime: Runtime, visitors: Make
) -> None:
    chair, priya, dan, _ = await start_session(runtime, visitors)
    await publish(runtime, chair, priya, dan)
    page = await chair.get(chair.base + "/learning?from=2026-12-01&to=2026-12-31")
    assert "2026-12-01 to 2026-12-31" in page.text
    (web_page,) = [
        h
        for h in page.tree.xpath("//ul[@id='reports']//a/@href")
        if h.endswith(".html?from=2026-12-01&to=2026-12-31")
    ]
    _, _, body = await chair.download(web_page.removeprefix(chair.base))
    assert "0 sessions" in body.decode(), "the session was held in November"
    bad = await chair.get(chair.base + "/learning?from=yesterday")
    assert bad.status == 400 and "as dates" in bad.text
    backwards = await chair.get(chair.base + "/learning/report.pdf?from=2026-12-02&to=2026-12-01")
    assert backwards.status == 400
    unknown = await chair.get(chair.base + "/learning/report.exe")
    assert unknown.status == 404
    stranger = await visitors().get(chair.base + "/learning")
    assert stranger.status in (401, 403)
