"""The `reflectbot` command."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

from bot.clock import ManualClock, SystemClock
from bot.config import Settings
from bot.logs import keep_payloads_out_of_logs
from bot.roles import Role
from bot.runtime import Runtime
from dialogs.learning_report import Period, Scope
from dialogs.models.catalogue import Catalogue, ModelFileError, load_model_file
from dialogs.models.schema import FacilitationModel
from dialogs.state import SessionState
from dialogs.timing import time_box_words
from storage import migrate

log = logging.getLogger("reflectbot")


class CommandError(Exception):
    """A problem the person running the command can fix; printed without a traceback."""


def _runtime(manual_clock: bool = False) -> Runtime:
    clock = ManualClock(SystemClock().now()) if manual_clock else None
    return Runtime.build(Settings(), clock=clock)


def _model(catalogue: Catalogue, model_id: str) -> FacilitationModel:
    model = catalogue.get(model_id)
    if model is None:
        known = ", ".join(sorted(catalogue.models))
        raise CommandError(f"there is no model '{model_id}'. Known models: {known}")
    return model


# -- models --------------------------------------------------------------------------------


def cmd_models_list(args: argparse.Namespace) -> None:
    catalogue = Catalogue.load(Settings().models_dir)
    for model in catalogue:
        counts = "/".join(str(len(s.questions)) for s in model.stages)
        stages = f"{len(model.stages)} stage{'s' if len(model.stages) != 1 else ''}"
        print(f"{model.id:<18} {model.name}  ({stages}, {counts} questions)")
    for problem in catalogue.problems:
        print(f"skipped: {problem}", file=sys.stderr)


def describe(model: FacilitationModel) -> str:
    lines = [model.name, model.summary]
    if model.source:
        lines.append(f"Source: {model.source}")
    roles = model.roles
    lines.append(f"Roles: {roles.facilitator}; {roles.presenter}; {roles.consultant}")
    if model.duration:
        lines.append(f"Lasts {time_box_words(model.duration)}")
    for number, stage in enumerate(model.stages, 1):
        box = f" (time box: {time_box_words(stage.time_box)})" if stage.time_box else ""
        asked = f"{len(stage.questions)} question{'s' if len(stage.questions) != 1 else ''}"
        lines.append(f"\nStage {number}: {stage.title}{box} — {asked}")
        if stage.speakers:
            lines.append(f"  {stage.speakers}")
        for q_number, question in enumerate(stage.questions, 1):
            kind = f" (scale {question.scale.low}–{question.scale.high})" if question.scale else ""
            lines.append(f"  {q_number:>2}. {question.text}{kind}  [asks: {question.asks.value}]")
        if stage.key_points_prompt:
            lines.append(f"  Key points: {stage.key_points_prompt}")
        lines.extend(f"  For the record: {item.label}" for item in model.stage_fields(stage.id))
    if model.prompts:
        lines.append("\nReflective prompts for the facilitator:")
        lines.extend(f"  - {prompt}" for prompt in model.prompts)
    if model.preparation:
        lines.append("\nTo prepare (sent with the preparation pack):")
        lines.extend(f"  - {line}" for line in model.preparation)
    lines.append(f"\nRecord: {model.record.title}")
    lines.extend(f"  - {section.title}" for section in model.record.sections)
    lines.extend(f"  On the record form: {item.label}" for item in model.record_form_fields)
    if model.record.learning_section:
        audience = model.record.learning_audience or "(no audience named)"
        lines.append(f"Learning audience: {audience}")
    if model.evaluation:
        lines.append("\nEvaluation questions:")
        lines.extend(f"  - {question.text}" for question in model.evaluation)
    return "\n".join(lines)


def cmd_models_show(args: argparse.Namespace) -> None:
    model = _model(Catalogue.load(Settings().models_dir), args.id)
    print(model.model_dump_json(indent=2) if args.json else describe(model))


def cmd_models_validate(args: argparse.Namespace) -> None:
    try:
        model = load_model_file(Path(args.file))
    except ModelFileError as error:
        raise CommandError(f"{args.file} is not a valid model:\n{error}") from error
    counts = ", ".join(f"{s.title} ({len(s.questions)})" for s in model.stages)
    print(f"{args.file} is valid: {model.id} — {counts}")


# -- running sessions ----------------------------------------------------------------------


async def _with_runtime(
    work: Callable[[Runtime], Awaitable[None]], *, manual_clock: bool = False
) -> None:
    runtime = _runtime(manual_clock)
    try:
        await runtime.prepare_database()
        await work(runtime)
    finally:
        await runtime.close()


def cmd_demo(args: argparse.Namespace) -> None:
    from adapters.console.demo import Demo

    async def work(runtime: Runtime) -> None:
        await Demo(runtime, sys.stdout).run(_model(runtime.catalogue, args.model))

    asyncio.run(_with_runtime(work, manual_clock=True))


def cmd_console(args: argparse.Namespace) -> None:
    from adapters.console.rehearsal import Rehearsal

    async def work(runtime: Runtime) -> None:
        await Rehearsal(runtime, sys.stdin, sys.stdout).run(args.model)

    asyncio.run(_with_runtime(work))


def cmd_serve(args: argparse.Namespace) -> None:
    from bot.server import serve

    serve(
        Settings(),
        host=args.host,
        port=args.port,
        practice=args.command == "practice",
        role=Role(getattr(args, "role", Role.ALL)),
    )


def _learning_word(state: SessionState) -> str | None:
    """Whether a published session's learning themes reached their lead (None: it had none)."""
    if state.learning is None:
        return None
    return "not delivered" if state.learning_undelivered else "delivered"


def cmd_sessions_list(args: argparse.Namespace) -> None:
    async def work(runtime: Runtime) -> None:
        async with runtime.store.transaction() as uow:
            stored = await uow.sessions.listing()
        rows = [
            {
                "id": s.id,
                "platform": s.platform,
                "model": s.state.model.id,
                "phase": s.state.phase.value,
                "case_reference": s.state.case_reference,
                "created_at": s.state.created_at.isoformat(),
                "participants": len(s.state.participants),
                "learning": _learning_word(s.state),
            }
            for s in stored
        ]
        if args.json:
            print(json.dumps(rows, indent=2))
            return
        if not rows:
            print("No sessions yet.")
        for row in rows:
            print(
                f"{row['id']}  {row['created_at'][:16]}  {row['platform']:<8} {row['model']:<16} "
                f"{row['phase']:<18} case {row['case_reference']}"
            )

    asyncio.run(_with_runtime(work))


def cmd_audit(args: argparse.Namespace) -> None:
    async def work(runtime: Runtime) -> None:
        async with runtime.store.transaction() as uow:
            entries = await uow.audit.entries(args.session)
        if not entries:
            print("The audit log is empty.")
        for entry in entries:
            print(
                f"{entry.at:%Y-%m-%d %H:%M:%S}  {entry.session_id or '-'}  {entry.actor}  {entry.action}"
            )

    asyncio.run(_with_runtime(work))


TEXT_FORMATS = ("md", "html", "csv")


def _write_document(data: bytes, format_: str, output: str | None) -> None:
    """A document to its file, or a text one to standard output."""
    if output:
        Path(output).write_bytes(data)
        print(f"Wrote {output}", file=sys.stderr)
    elif format_ in TEXT_FORMATS:
        sys.stdout.write(data.decode())
    else:
        raise CommandError(f"a {format_} file is binary: give --output FILE")


def cmd_export(args: argparse.Namespace) -> None:
    from adapters.export.document import NoRecord, record_document
    from adapters.export.formats import FORMATS

    async def work(runtime: Runtime) -> None:
        async with runtime.store.transaction() as uow:
            stored = await uow.sessions.get(args.session)
            if stored is None:
                raise CommandError(f"there is no session '{args.session}'")
            try:
                data = FORMATS[args.format](
                    record_document(stored.state, runtime.settings.protective_marking)
                )
            except NoRecord as error:
                raise CommandError(str(error)) from error
            await uow.audit.add(
                stored.id, f"exported ({args.format})", "command line", runtime.clock.now()
            )
        _write_document(data, args.format, args.output)

    asyncio.run(_with_runtime(work))


def cmd_evaluations(args: argparse.Namespace) -> None:
    from dialogs.evaluation import summarise

    async def work(runtime: Runtime) -> None:
        if args.model:
            _model(runtime.catalogue, args.model)
        async with runtime.store.transaction() as uow:
            rows = await uow.evaluations.answers(args.model)
        by_model: dict[str, list[dict[str, str]]] = {}
        for model_id, answers in rows:
            by_model.setdefault(model_id, []).append(answers)
        if not by_model:
            print("No evaluations yet.")
        for model_id, evaluations in sorted(by_model.items()):
            model = runtime.catalogue.get(model_id)
            print(f"{model.name if model else model_id}: {len(evaluations)} evaluation(s)")
            if model is None:
                print("  (this model is no longer installed, so its questions cannot be shown)")
                continue
            for summary in summarise(model, evaluations):
                print(f"  {summary.text}  [{summary.answered} answered]")
                if summary.distribution:
                    counts = "  ".join(f"{v}: {n}" for v, n in summary.distribution.items())
                    mean = f"  mean {summary.mean:.1f}" if summary.mean is not None else ""
                    print(f"    {counts}{mean}")
                for comment in summary.comments:
                    print(f"    - {comment}")

    asyncio.run(_with_runtime(work))


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{option} {text!r} is not a date: give it as YYYY-MM-DD") from error


def _learning_scope(args: argparse.Namespace, catalogue: Catalogue) -> Scope:
    from bot.learning import audiences
    from dialogs.learning import audience_key

    period = Period(_day(args.start, "--from"), _day(args.end, "--to"))
    if period.start and period.end and period.end < period.start:
        raise CommandError("--to is before --from")
    if args.model:
        _model(catalogue, args.model)
    if args.audience:
        known = audiences(catalogue)
        if audience_key(args.audience) not in {audience_key(a) for a in known}:
            raise CommandError(
                f"no model sends its learning to '{args.audience}'. Audiences: {'; '.join(known)}"
            )
    return Scope(
        period=period, model_id=args.model, audiences=(args.audience,) if args.audience else ()
    )


def cmd_learning_report(args: argparse.Namespace) -> None:
    from adapters.export.learning import write_report
    from bot.learning import load_report

    async def work(runtime: Runtime) -> None:
        scope = _learning_scope(args, runtime.catalogue)
        report = await load_report(runtime.store, runtime.catalogue, runtime.clock, scope)
        now = runtime.clock.now()
        data = write_report(report, args.format, runtime.settings.protective_marking, now)
        async with runtime.store.transaction() as uow:
            await uow.audit.add(None, f"learning report ({args.format})", "command line", now)
        _write_document(data, args.format, args.output)

    asyncio.run(_with_runtime(work))


def cmd_guard_check(args: argparse.Namespace) -> None:
    from dialogs.guard import find_identifiers, redact

    text = sys.stdin.read() if args.text == "-" else args.text
    findings = find_identifiers(text)
    if args.json:
        rows = [
            {
                "kind": f.kind.value,
                "label": f.label,
                "start": f.start,
                "end": f.end,
                "text": text[f.start : f.end],
            }
            for f in findings
        ]
        print(json.dumps({"findings": rows, "redacted": redact(text, findings)}, indent=2))
        return
    if not findings:
        print("Nothing that looks like a child or family identifier.")
        return
    for f in findings:
        print(f"{f.label:<26} {text[f.start : f.end]!r}  (characters {f.start}–{f.end})")
    print(f"\nRedacted: {redact(text, findings)}")


def cmd_teams_package(args: argparse.Namespace) -> None:
    from adapters.teams.package import PackageError, build_package

    try:
        written = build_package(Settings().microsoft_app_id, Path(args.output))
    except PackageError as error:
        raise CommandError(str(error)) from error
    print(f"Wrote {written}: upload it in Teams (Apps → Manage your apps → Upload an app).")


def cmd_erase(args: argparse.Namespace) -> None:
    from aiohttp import web

    from bot.erasure import erase_session
    from bot.server import install_adapters

    async def work(runtime: Runtime) -> None:
        install_adapters(web.Application(), runtime)  # the configured platforms' deliverers
        erasure = await erase_session(runtime, args.session, actor="command line")
        if erasure is None:
            raise CommandError(f"there is no session '{args.session}'")
        print(f"Session {args.session} has been erased; the audit log records that it was.")
        print(f"The bot's own posts taken back from the channel: {erasure.retracted}.")
        for left in erasure.left:
            print(f"Not taken back: {left}")

    asyncio.run(_with_runtime(work))


def cmd_db_upgrade(args: argparse.Namespace) -> None:
    async def work() -> None:
        runtime = _runtime()
        try:
            await migrate.upgrade(runtime.store)
        finally:
            await runtime.close()

    asyncio.run(work())
    print("The database schema is up to date.")


# -- the parser ----------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="reflectbot",
        description="Facilitates multi-agency reflective case discussions in Slack and Teams.",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the bot's web app (Slack, Teams, practice room)")
    serve.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default $PORT or 3978)")
    serve.add_argument(
        "--role",
        choices=[role.value for role in Role],
        default=Role.ALL.value,
        help="web: answer requests; worker: deliver and run the timers; all: both (default; "
        "web and worker need PostgreSQL)",
    )
    serve.set_defaults(run=cmd_serve)

    practice = commands.add_parser(
        "practice", help="serve the browser practice room (with any configured platforms)"
    )
    practice.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    practice.add_argument("--port", type=int, default=None, help="port (default $PORT or 3978)")
    practice.set_defaults(run=cmd_serve)

    demo = commands.add_parser("demo", help="print a whole scripted session in the terminal")
    demo.add_argument("--model", default="morrison-4x4x4", help="model id (see: models list)")
    demo.set_defaults(run=cmd_demo)

    console = commands.add_parser("console", help="rehearse a session interactively")
    console.add_argument("--model", default=None, help="model id (asked if not given)")
    console.set_defaults(run=cmd_console)

    models = commands.add_parser("models", help="list, show and validate facilitation models")
    models_commands = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    models_commands.add_parser("list", help="every available model").set_defaults(
        run=cmd_models_list
    )
    show = models_commands.add_parser("show", help="a model's stages and questions")
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help="the validated model as JSON")
    show.set_defaults(run=cmd_models_show)
    validate = models_commands.add_parser("validate", help="check a model file")
    validate.add_argument("file")
    validate.set_defaults(run=cmd_models_validate)

    sessions = commands.add_parser("sessions", help="sessions in the database")
    sessions_commands = sessions.add_subparsers(dest="sessions_command", required=True)
    listing = sessions_commands.add_parser("list", help="every session")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=cmd_sessions_list)

    audit = commands.add_parser("audit", help="who started, approved, cancelled … and when")
    audit.add_argument("--session", default=None)
    audit.set_defaults(run=cmd_audit)

    export = commands.add_parser("export", help="write a published record to a file")
    export.add_argument("session")
    export.add_argument("--format", choices=["md", "html", "docx", "pdf"], default="md")
    export.add_argument("--output", default=None, help="file to write (default: standard output)")
    export.set_defaults(run=cmd_export)

    evaluations = commands.add_parser("evaluations", help="what participants said of sessions")
    evaluations.add_argument("--model", default=None)
    evaluations.set_defaults(run=cmd_evaluations)

    learning = commands.add_parser("learning", help="learning across sessions, for the leads")
    learning_commands = learning.add_subparsers(dest="learning_command", required=True)
    report = learning_commands.add_parser(
        "report", help="sessions, agencies, learning themes, actions and evaluations of a period"
    )
    report.add_argument("--from", dest="start", metavar="DATE", help="first day (YYYY-MM-DD)")
    report.add_argument("--to", dest="end", metavar="DATE", help="last day (YYYY-MM-DD)")
    report.add_argument("--model", default=None, help="only this model's sessions")
    report.add_argument("--audience", default=None, help="only models sending learning to it")
    report.add_argument("--format", choices=["html", "pdf", "docx", "csv"], required=True)
    report.add_argument("--output", default=None, help="file to write (default: standard output)")
    report.set_defaults(run=cmd_learning_report)

    guard = commands.add_parser("guard", help="the identifier guard, for administrators")
    guard_commands = guard.add_subparsers(dest="guard_command", required=True)
    check = guard_commands.add_parser("check", help="what the guard finds in a text")
    check.add_argument("text", help="the text, or - to read standard input")
    check.add_argument("--json", action="store_true")
    check.set_defaults(run=cmd_guard_check)

    erase = commands.add_parser("erase", help="delete a session's content on request")
    erase.add_argument("session")
    erase.set_defaults(run=cmd_erase)

    teams = commands.add_parser("teams-package", help="build the Teams app package (zip)")
    teams.add_argument("--output", default="reflectbot-teams.zip", help="the zip to write")
    teams.set_defaults(run=cmd_teams_package)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply database migrations").set_defaults(
        run=cmd_db_upgrade
    )
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.command in ("serve", "practice") else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    keep_payloads_out_of_logs()
    try:
        args.run(args)
    except CommandError as error:
        print(f"reflectbot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
