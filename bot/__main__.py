"""Command line: `python -m bot run | chat | ask | content check | content review | nlu train |
safety report | insights`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from pathlib import Path

from bot.settings import Settings

MAX_FALSE_ALARMS = 0.05


def argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Welkom, the newcomer assistant.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "run", help="run the Telegram bot (starts its own Rasa server unless RASA_URL is set)"
    )
    chat = commands.add_parser("chat", help="chat with the assistant in this terminal (no Telegram needed)")
    chat.add_argument("--lang", help="the language your 'phone' is set to, for example nl or ar")
    ask = commands.add_parser("ask", help="send one message through the full pipeline and print the reply")
    ask.add_argument("question")
    ask.add_argument("--lang", help="answer as for a resident who chose this language")
    ask.add_argument("--json", action="store_true", help="print language, intent, confidence and replies")
    content = commands.add_parser("content", help="work with the content files")
    content.add_argument("action", choices=["check", "review"])
    commands.add_parser("caseworker", help="a caseworker console on the same database as `make chat`")
    report = commands.add_parser("report", help="reports for staff")
    report.add_argument("kind", choices=["unanswered"])
    report.add_argument("--out", default="reports/unanswered.csv", help="where to write the CSV")
    flows = commands.add_parser("flows", help="the guided flows")
    flows.add_argument("action", choices=["diagram"])
    flows.add_argument("--out", default="docs/flows", help="folder for one Mermaid diagram per flow")
    safety = commands.add_parser("safety", help="the urgent-message check")
    safety.add_argument("action", choices=["report"])
    safety.add_argument("--signals-only", action="store_true", help="without the NLU (as when Rasa is down)")
    safety.add_argument("--set", help="a folder of <language>.yml to measure (default nlu_data/safety)")
    insights = commands.add_parser(
        "insights", help="the staff insights page (read-only; password hash in INSIGHTS_PASSWORD_HASH)"
    )
    insights.add_argument(
        "--hash-password", action="store_true", help="ask for a password and print its INSIGHTS_PASSWORD_HASH"
    )
    nlu = commands.add_parser("nlu", help="the Rasa NLU model and server")
    nlu.add_argument("action", choices=["train", "serve", "report"])
    return parser


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    return argument_parser().parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    settings = Settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and Telegram URLs hold the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # APScheduler logs two lines at INFO each time a job runs, and the content reload runs every few seconds.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)

    if arguments.command == "content" and arguments.action == "review":
        from bot.content.review import print_review

        return print_review(settings, sys.stdout)
    if arguments.command == "content":
        from bot.content.check import check_all

        return check_all(settings, sys.stdout)
    if arguments.command == "nlu":
        return run_nlu(settings, arguments.action)
    if arguments.command == "caseworker":
        return run_caseworker_console(settings)
    if arguments.command == "insights":
        return run_insights(settings, arguments.hash_password)
    if arguments.command == "report":
        return report_unanswered(settings, Path(arguments.out))
    if arguments.command == "flows":
        from bot.content.diagram import write_diagrams

        for path in write_diagrams(settings.content_dir, settings.flows_dir, Path(arguments.out)):
            print(path)
        return 0

    if arguments.command == "safety" and arguments.signals_only:
        return asyncio.run(safety_report(settings, with_nlu=False, folder=arguments.set))
    from bot.services import rasa_service

    with rasa_service(settings) as rasa_url:
        if arguments.command == "safety":
            settings = settings.model_copy(update={"rasa_url": rasa_url})
            return asyncio.run(safety_report(settings, with_nlu=True, folder=arguments.set))
        settings = settings.model_copy(update={"rasa_url": rasa_url})
        if arguments.command == "run":
            return run_telegram(settings)
        if arguments.command == "chat":
            from bot.terminal import run_chat

            run_chat(settings, arguments.lang)
            return 0
        from bot.ask import as_json, as_text, ask

        turn = asyncio.run(ask(settings, arguments.question, arguments.lang))
        print(as_json(turn) if arguments.json else as_text(turn))
        return 0


def run_nlu(settings: Settings, action: str) -> int:
    from bot.nlu.rasa_server import ensure_model, load_into_running_server

    if action == "report":
        from bot.content import load_content
        from bot.nlu.report import nlu_report
        from bot.services import thresholds

        answers = load_content(settings.content_dir, settings.flows_dir).answers
        reports = nlu_report(
            settings.nlu_dir, settings.rasa_venv, Path("reports"), answers, thresholds(settings)
        )
        for report in reports:
            print(f"{report.language}: accuracy {report.accuracy:.3f}, macro-F1 {report.f1:.3f}")
        print("details: reports/nlu/summary.md")
        return 0
    model = ensure_model(settings.nlu_dir, settings.rasa_venv)
    print(f"model: {model}")
    if action == "train" and load_into_running_server(settings.effective_rasa_url, model):
        print(f"the Rasa server at {settings.effective_rasa_url} now serves {model.name}")
    if action == "serve":
        from bot.services import rasa_service

        with rasa_service(settings) as url:
            print(f"serving at {url}; Ctrl-C stops it")
            with contextlib.suppress(KeyboardInterrupt):
                asyncio.run(asyncio.Event().wait())
    return 0


async def safety_report(settings: Settings, with_nlu: bool, folder: str | None = None) -> int:
    """Recall and false alarms of the urgent check per language and category; 1 when a target is missed."""
    from bot.content import load_content
    from bot.core.language import LanguageDetection
    from bot.core.urgent import known_words, urgent_check
    from bot.nlu import RasaNlu
    from bot.safety_report import evaluate, format_report, nlu_rankings, read_safety_set, threshold_sweep

    content = load_content(settings.content_dir, settings.flows_dir)
    from bot.nlu.evaluation import training_examples

    examples = [example.text for example in training_examples(settings.nlu_dir / "data")]
    check, detector = urgent_check(content, known_words(examples)), LanguageDetection(content.languages)
    messages = read_safety_set(Path(folder) if folder else settings.nlu_dir / "safety")
    results = {"signals only (NLU down)": evaluate(check, messages, detector)}
    if with_nlu:
        nlu = RasaNlu(settings.effective_rasa_url, settings.rasa_timeout_seconds)
        try:
            rankings = await nlu_rankings(nlu, messages)
        finally:
            await nlu.close()
        results["signals and NLU ranking"] = evaluate(check, messages, detector, rankings)
    print(format_report(results, tuple(content.urgent.categories)))
    if with_nlu:
        print(threshold_sweep(check, messages, detector, rankings))
    missed = any(r.recall() < 1.0 or r.false_alarm_rate() > MAX_FALSE_ALARMS for r in results.values())
    return 1 if missed else 0


def run_caseworker_console(settings: Settings) -> int:
    from bot.console import run_console
    from bot.core.case_desk import CaseDesk
    from bot.services import open_services

    services = open_services(settings, handoff_enabled=True)
    desk = CaseDesk(services.conversation, services.cases, services.storage, settings.show_caseworker_name)
    try:
        run_console(desk, sys.stdin, sys.stdout)
    finally:
        asyncio.run(services.close())
    return 0


def run_insights(settings: Settings, hash_password: bool) -> int:
    from bot.insights.site import password_hash, serve

    if hash_password:
        import getpass

        print(f"INSIGHTS_PASSWORD_HASH={password_hash(getpass.getpass('Password for staff: '))}")
        return 0
    if not settings.insights_password_hash.get_secret_value():
        print(
            "INSIGHTS_PASSWORD_HASH is not set (see .env.example); make one with "
            "`python -m bot insights --hash-password`.",
            file=sys.stderr,
        )
        return 2
    address = f"http://{settings.insights_host}:{settings.insights_port}"
    print(f"insights for staff: log in at {address}/-/login (user: staff), then {address}/-/dashboards")
    return serve(settings)


def report_unanswered(settings: Settings, out: Path) -> int:
    from bot.storage import Storage
    from bot.storage.reports import summary, unanswered, write_csv

    storage = Storage(settings.database_path)
    questions = unanswered(storage)
    storage.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        write_csv(questions, handle)
    print(summary(questions))
    print(f"CSV: {out}")
    return 0


def run_telegram(settings: Settings) -> int:
    from bot.telegram import build_application

    if not settings.telegram_bot_token.get_secret_value():
        print("TELEGRAM_BOT_TOKEN is not set (see .env.example); try `make chat` instead.", file=sys.stderr)
        return 2
    application = build_application(settings)
    if settings.telegram_mode == "webhook":
        from bot.telegram.webhook import serve_until_signalled

        asyncio.run(serve_until_signalled(application, settings))
    else:
        application.run_polling()
    return 0


if __name__ == "__main__":
    sys.exit(main())
