"""The text of docs/benchmarks.md; its tables are rendered by tabulate."""

from __future__ import annotations

from typing import Any

from tabulate import tabulate

from bench.stats import ratio


def _v(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{digits if abs(value) >= 10 else 2}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    cells = [[_v(cell) for cell in row] for row in rows]
    return [tabulate(cells, headers=header, tablefmt="github", disable_numparse=True), ""]


def _latency_row(name: str, summary: dict[str, Any] | None) -> list[Any]:
    summary = summary or {}
    return [name, summary.get("count"), *(summary.get(f"{key}_ms") for key in ("p50", "p95", "p99", "max"))]


LATENCY_HEADER = ["", "n", "p50 ms", "p95 ms", "p99 ms", "max ms"]


def _machine(info: dict[str, Any]) -> list[str]:
    sizes = info.get("sizes", {})
    return [
        "## Machine and run",
        "",
        *_table(
            ["", ""],
            [
                ["date (UTC)", info.get("date")],
                ["nproc", info.get("nproc")],
                ["memory", f"{info.get('memory_gb')} GB"],
                ["CPU", info.get("cpu")],
                ["Python", info.get("python")],
                [
                    "python-telegram-bot / Rasa / SQLite",
                    f"{info.get('python_telegram_bot')} / {info.get('rasa')} / {info.get('sqlite')}",
                ],
                [
                    "load average at start / end",
                    f"{info.get('load_average_at_start')} / {info.get('load_average_at_end')}",
                ],
                [
                    "residents × messages, offered load",
                    f"{sizes.get('residents')} × {sizes.get('per_resident')}, {sizes.get('rate')} msg/s",
                ],
            ],
        ),
        "A load average above `nproc` means other work shared the CPU during the run; latencies then "
        "include waiting for a core.",
        "",
    ]


def _targets(checks: list[dict[str, Any]]) -> list[str]:
    mark = {True: "pass", False: "**FAIL**", None: "not measured"}
    return [
        "## Targets",
        "",
        *_table(
            ["target", "measured", "result"], [[c["target"], c["measured"], mark[c["pass"]]] for c in checks]
        ),
    ]


def _nlu(nlu: dict[str, Any]) -> list[str]:
    if not nlu:
        return []
    training = nlu.get("training") or {}
    rows = [[lang, s["examples"], s["accuracy"], s["macro_f1"]] for lang, s in nlu["languages"].items()]
    memory = nlu.get("server_memory") or {}
    return [
        "## 1. NLU",
        "",
        "Held-out split (`nlu_data/tests/`), scored through the bot's own Rasa client "
        "(`bot.nlu.evaluation`) against a Rasa server started for the run; latency is the round trip of "
        "`POST /model/parse` over the same requests, one at a time.",
        "",
        *_table(
            ["language", "examples", "accuracy", "macro-F1"],
            [[r[0], r[1], f"{r[2]:.3f}", f"{r[3]:.3f}"] for r in rows],
        ),
        *_table(LATENCY_HEADER, [_latency_row("/model/parse", nlu.get("parse_latency"))]),
        *_table(
            ["", ""],
            [
                ["model", nlu.get("model")],
                ["model size", f"{_v(nlu.get('model_mb'), 2)} MB"],
                [
                    "training (`rasa train nlu`, empty cache): wall / CPU",
                    "skipped"
                    if training.get("skipped")
                    else f"{_v(training.get('seconds'))} s / {_v(training.get('cpu_seconds'))} s",
                ],
                [
                    "Rasa server RSS",
                    f"{_v(memory.get('rss_mb'))} MB (peak {_v(memory.get('peak_rss_mb'))} MB)",
                ],
            ],
        ),
    ]


def _e2e_rows(e2e: dict[str, Any]) -> list[list[Any]]:
    return [
        _latency_row("reply (first message of the answer)", e2e.get("latency_first_reply")),
        _latency_row("reply to typed questions only", e2e.get("latency_text_first_reply")),
        _latency_row("complete turn (last message)", e2e.get("latency_complete_turn")),
        _latency_row("NLU call (proxy)", e2e.get("nlu_call")),
        _latency_row("bot overhead (reply − NLU)", e2e.get("bot_overhead")),
        _latency_row("update available → handed to the bot by getUpdates", e2e.get("update_delivery")),
        _latency_row("typed question: handed to the bot → NLU call", e2e.get("bot_before_nlu")),
        _latency_row("typed question: NLU answer → first reply", e2e.get("bot_after_nlu")),
    ]


def _end_to_end(e2e: dict[str, Any]) -> list[str]:
    if not e2e:
        return []
    tg, memory, db = e2e["telegram"], e2e["bot_memory"], e2e["database"]
    return [
        "## 2. End to end",
        "",
        "Simulated residents write to the Bot API emulator (`emulator`) on 127.0.0.1; the bot runs as "
        "`python -m bot run` in its own process, long polling the emulator, with `RASA_URL` pointing at a "
        "timing proxy in front of the Rasa server and a fresh SQLite file. Each resident asks held-out "
        "questions in their language, presses 👍 on an answer, goes back to the menu and opens a topic. "
        "Residents arrive one after another, each at a random moment of their arrival slot, and each "
        "writes every 2 s, so that once their conversations overlap the offered load is steady, one message "
        "after another at random moments as independent people write; a resident writes again only after "
        "the bot went quiet in their chat. Throughput is counted in that steady part of the run. Latency "
        "runs from the moment an update is available to the moment the reply's request reaches the "
        "emulator; bot overhead is that latency minus the NLU call measured at "
        "the proxy (the whole latency for button presses).",
        "",
        *_table(LATENCY_HEADER, _e2e_rows(e2e)),
        *_table(
            ["", ""],
            [
                [
                    "messages (typed / buttons)",
                    f"{e2e['messages']} ({e2e['texts']} / {sum(e2e['buttons'].values())})",
                ],
                ["replied / lost / duplicate", f"{e2e['replied']} / {e2e['lost']} / {e2e['duplicates']}"],
                ["typed messages logged in SQLite", f"{db['texts_logged']} of {db['texts_sent']}"],
                [
                    "case relays both ways (faults injected) / delivered / lost / duplicate",
                    relay_summary(e2e.get("relays")),
                ],
                [
                    "sustained throughput (steady part)",
                    f"{e2e['throughput_per_s']} msg/s (offered {e2e.get('offered_per_s', '–')})",
                ],
                ["most messages offered within any 100 ms", e2e.get("offered_max_per_100ms", "–")],
                [
                    "messages sent by the bot; max in any 1 s; max per chat in any 1 s",
                    f"{tg['messages_out']}; {tg['max_per_1s_window']}; {tg['max_per_chat_per_1s_window']}",
                ],
                [
                    "messages sent by the bot, by kind",
                    ", ".join(f"{k}: {v}" for k, v in tg.get("by_method", {}).items()),
                ],
                ["Bot API errors (429)", f"{tg['errors']} ({tg['too_many_requests']})"],
                [
                    "updates handed to the bot again (not confirmed in time)",
                    tg.get("updates_handed_out_again", "–"),
                ],
                ["bot RSS end / peak", f"{memory['rss_mb']} / {memory['peak_rss_mb']} MB"],
                [
                    "CPU per message: bot / Rasa NLU server",
                    f"{_v(e2e.get('bot_cpu_ms_per_message'))} ms / "
                    f"{_v(e2e.get('nlu_server_cpu_ms_per_message'))} ms",
                ],
                ["errors in the bot log", e2e.get("bot_log_errors")],
                [
                    "load generator (emulator, proxy, residents): CPU per message; its event-loop lag p99",
                    f"{_v(e2e.get('harness_cpu_ms_per_message'))} ms; "
                    f"{_v((e2e.get('harness_loop_lag') or {}).get('p99_ms'))} ms",
                ],
                [
                    "longest stall of the machine during the run (a thread that only sleeps woke this late)",
                    f"{_v(e2e.get('machine_longest_stall_ms'))} ms",
                ],
                ["runs made again because the machine stalled > 100 ms", _stalled(e2e)],
                [
                    "bot start-up (process start to first getUpdates)",
                    f"{_v(e2e.get('bot_startup_seconds'))} s",
                ],
            ],
        ),
    ]


def _stalled(e2e: dict[str, Any]) -> str:
    attempts = e2e.get("stalled_attempts") or []
    described = [
        f"stall {a['machine_longest_stall_ms']} ms: reply p99 {a['reply_p99_ms']} ms, "
        f"overhead p99 {a['overhead_p99_ms']} ms"
        for a in attempts
    ]
    return f"{len(attempts)} ({'; '.join(described)})" if attempts else "0"


def _growth(growth: dict[str, Any], plot: bool) -> list[str]:
    points = (growth or {}).get("points") or []
    if not points:
        return []
    rows = [
        [
            p["rows"],
            p["database_mb"],
            p["latency_first_reply"]["p50_ms"],
            p["latency_first_reply"]["p95_ms"],
            p["latency_first_reply"]["p99_ms"],
            p["bot_overhead"]["p99_ms"],
            p["bot_memory"]["peak_rss_mb"],
            f"{p['lost']} / {p['duplicates']}",
        ]
        for p in points
    ]
    plan = points[0]["plan"]
    lines = [
        "## 3. Growth",
        "",
        f"The same run ({plan['residents']} residents × {plan['per_resident']} messages "
        f"at {plan['rate']} msg/s) "
        "against a database pre-filled with logged conversations (one resident per ten rows), the schema "
        "made by `bot.storage.Storage`. Each size runs twice, from the smallest to the largest and back, "
        "so that a machine getting busier or quieter during the part weighs on every size alike; the "
        "latencies are the mean of the two runs, memory the higher, lost and duplicate replies the sum.",
        "",
        *_table(
            [
                "log rows",
                "DB MB",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "overhead p99 ms",
                "bot peak RSS MB",
                "lost / dup",
            ],
            rows,
        ),
    ]
    if plot:
        lines += ["![Reply latency and bot memory against database size](benchmarks-growth.svg)", ""]
    calls = [p for p in points if p.get("storage_calls")]
    if calls:
        names = list(calls[0]["storage_calls"])
        lines += [
            "The bot's own storage calls for one turn, timed directly on each filled database "
            "(300 rounds, p50 / p99 in µs), and the bot's start-up time (it applies the retention period "
            "at start-up):",
            "",
            *_table(
                ["log rows", *names, "start-up s"],
                [
                    [
                        p["rows"],
                        *(
                            f"{p['storage_calls'][n]['p50_us']} / {p['storage_calls'][n]['p99_us']}"
                            for n in names
                        ),
                        p.get("bot_startup_seconds"),
                    ]
                    for p in calls
                ],
            ),
        ]
    return lines


def _cpu_total(e2e: dict[str, Any]) -> float | None:
    bot, nlu = e2e.get("bot_cpu_ms_per_message"), e2e.get("nlu_server_cpu_ms_per_message")
    return None if bot is None or nlu is None else round(bot + nlu, 2)


def _cpu_ours(e2e: dict[str, Any]) -> str:
    return (
        f"{_v(_cpu_total(e2e))} (bot {_v(e2e.get('bot_cpu_ms_per_message'))} + NLU server "
        f"{_v(e2e.get('nlu_server_cpu_ms_per_message'))})"
    )


def _stack(stack: dict[str, Any], e2e: dict[str, Any]) -> list[str]:
    if not stack:
        return []
    head = ["## 4. Side by side with Rasa's own stack", ""]
    if stack.get("skipped"):
        return [*head, f"Skipped ({stack.get('reason')}).", ""]
    ours, theirs = e2e.get("latency_first_reply") or {}, stack["latency"]
    complete = e2e.get("latency_complete_turn") or {}
    memory = stack.get("server_memory") or {}
    rows = [
        [
            "p50 ms",
            ours.get("p50_ms"),
            complete.get("p50_ms"),
            theirs["p50_ms"],
            ratio(ours.get("p50_ms"), theirs["p50_ms"]),
        ],
        [
            "p95 ms",
            ours.get("p95_ms"),
            complete.get("p95_ms"),
            theirs["p95_ms"],
            ratio(ours.get("p95_ms"), theirs["p95_ms"]),
        ],
        [
            "p99 ms",
            ours.get("p99_ms"),
            complete.get("p99_ms"),
            theirs["p99_ms"],
            ratio(ours.get("p99_ms"), theirs["p99_ms"]),
        ],
        [
            "throughput msg/s",
            e2e.get("throughput_per_s"),
            "",
            stack["throughput_per_s"],
            ratio(e2e.get("throughput_per_s"), stack["throughput_per_s"]),
        ],
        [
            "lost / duplicate",
            f"{e2e.get('lost')} / {e2e.get('duplicates')}",
            "",
            f"{stack['lost']} / {stack['duplicates']}",
            "",
        ],
        [
            "CPU ms per message",
            _cpu_ours(e2e),
            "",
            stack.get("server_cpu_ms_per_message"),
            ratio(_cpu_total(e2e), stack.get("server_cpu_ms_per_message")),
        ],
    ]
    return [
        *head,
        "The same assistant built the way Rasa intends: a generated project with every intent of "
        "`nlu_data/data` (same pipeline, `policies: [RulePolicy]`), one rule per intent answering with "
        "`utter_<intent>` (the English answer from `content/answers`), intents for 👍, the menu and each "
        "topic (pressed as `/intent` payloads), trained with `rasa train` and served by "
        "`rasa run --enable-api`. "
        "The same residents send the same messages at the same offered load to "
        "`POST /webhooks/rest/webhook`; latency is the HTTP round trip.",
        "",
        *_table(["", "ours (reply)", "ours (complete turn)", "Rasa stack", "ours / Rasa"], rows),
        f"Rasa stack: training {_v(stack['training']['seconds'])} s, "
        f"model {stack['training']['model_mb']} MB, "
        f"server RSS {_v(memory.get('rss_mb'))} MB (peak {_v(memory.get('peak_rss_mb'))} MB).",
        "",
    ]


def _burst(burst: dict[str, Any]) -> list[str]:
    if not burst:
        return []
    per_second = ", ".join(map(str, burst["per_second"]))
    return [
        "## 5. Telegram limits",
        "",
        f"{burst['residents']:,} new residents each send `{burst['message']}` at the same moment. "
        "The emulator enforces Telegram's limits here: a message beyond 30 in any second overall, "
        "or beyond 1 in any second in one chat, is answered 429 Too Many Requests (retry after 1 s).",
        "",
        *_table(
            ["", ""],
            [
                [
                    "delivered / lost / duplicate",
                    f"{burst['delivered']} / {burst['lost']} / {burst['duplicates']}",
                ],
                ["429 answers", burst["too_many_requests"]],
                [
                    "max messages in any 1 s (overall / one chat)",
                    f"{burst['max_per_1s_window']} / {burst['max_per_chat_per_1s_window']}",
                ],
                ["last reply after", f"{burst['total_seconds']} s"],
                ["theoretical minimum (residents / 30)", f"{burst['minimum_seconds']} s"],
                ["ratio", burst["ratio_to_minimum"]],
            ],
        ),
        f"Messages per second, from the burst on: {per_second}.",
        "",
    ]


def _profile(profile: dict[str, Any]) -> list[str]:
    summary = (profile or {}).get("profile") or {}
    if not summary.get("available"):
        return []
    run = profile["run"]
    rows = [
        [f"`{item['function']}`", item["samples"], f"{item['share']:.1%}"]
        for item in summary["bot_inclusive"]
    ]
    leaves = [
        [f"`{item['function']}`", item["samples"], f"{item['share']:.1%}"] for item in summary["own_time"]
    ]
    return [
        "## Profile of the bot",
        "",
        f"A target of the bot was missed, so the bot was profiled with py-spy (200 samples/s, idle time "
        f"excluded) during a run of {run['plan']['residents']} residents × {run['plan']['per_resident']} "
        f"messages at {run['plan']['rate']} msg/s ({summary['samples']} samples; reply p99 "
        f"{run['latency_first_reply']['p99_ms']} ms there). Raw stacks: `bench/results/profile.txt`.",
        "",
        "Where the samples end (the function running), by library:",
        "",
        *_table(
            ["library", "samples", "share"],
            [
                [item["function"], item["samples"], f"{item['share']:.1%}"]
                for item in summary.get("by_area", [])
            ],
        ),
        "Where the bot's own code spends CPU (inclusive):",
        "",
        *_table(["function", "samples", "share"], rows),
        "Hottest functions (own time):",
        "",
        *_table(["function", "samples", "share"], leaves),
    ]


FAILED_TITLES = {
    "nlu": "1. NLU",
    "end_to_end": "2. End to end",
    "growth": "3. Growth",
    "rasa_stack": "4. Side by side with Rasa's own stack",
    "telegram_limits": "5. Telegram limits",
    "profile": "Profile of the bot",
}


def _safety(safety: dict[str, Any]) -> list[str]:
    if "with_nlu" not in safety:
        return []
    lines = [
        "## Urgent check",
        "",
        f"The safety set `nlu_data/safety/` ({safety['messages']} messages), as "
        f"`python -m bot safety report` runs it: found / danger messages per category, and calm "
        f"messages flagged. NLU threshold "
        f"{safety['threshold']}.",
        "",
    ]
    for mode, title in (
        ("signals_only", "signals alone (NLU down)"),
        ("with_nlu", "signals and NLU ranking"),
    ):
        data = safety[mode]
        languages = data["by_language"]
        categories = list(next(iter(languages.values()))["categories"]) if languages else []
        rows = [
            [
                language,
                *(f"{found}/{total}" for found, total in values["categories"].values()),
                f"{values['recall'] * 100:.0f} %",
                f"{values['false_alarms'] * 100:.0f} % of {values['calm']}",
            ]
            for language, values in languages.items()
        ]
        lines += [
            f"**{title}**: recall {data['recall'] * 100:.1f} %, "
            f"false alarms {data['false_alarms'] * 100:.1f} %",
            "",
        ]
        lines += _table(["language", *categories, "recall", "false alarms"], rows)
        lines.append("")
    cost = safety["cost"]
    lines += [
        f"Cost of the check per message, fresh cache, {cost['messages']} messages: p50 {cost['p50_us']} µs, "
        f"p99 {cost['p99_us']} µs, max {cost['max_us']} µs.",
        "",
    ]
    return lines


def render(results: dict[str, Any], checks: list[dict[str, Any]], plot: bool) -> str:
    failed = {
        name: part["failed"] for name, part in results.items() if isinstance(part, dict) and "failed" in part
    }
    results = {name: part for name, part in results.items() if name not in failed}
    lines = [
        "# Benchmarks",
        "",
        "`make bench` measures Welkom on the machine it runs on and rewrites this file (everything above "
        "the notes at the end); `bench/results/*.json` holds every number. `make bench-smoke` runs the same "
        "harness with tiny sizes.",
        "",
        *_targets(checks),
        *_machine(results.get("machine") or {}),
        *_nlu(results.get("nlu") or {}),
        *_safety(results.get("safety") or {}),
        *_end_to_end(results.get("end_to_end") or {}),
        *_growth(results.get("growth") or {}, plot),
        *_stack(results.get("rasa_stack") or {}, results.get("end_to_end") or {}),
        *_burst(results.get("telegram_limits") or {}),
        *_profile(results.get("profile") or {}),
    ]
    for name, reason in failed.items():
        lines += [f"## {FAILED_TITLES.get(name, name)}", "", f"This part failed in this run: `{reason}`.", ""]
    return "\n".join(lines)


def relay_summary(relays: dict[str, Any] | None) -> str:
    if not relays:
        return "not measured"
    faults = ", ".join(f"{count} × {name}" for name, count in relays["faults_injected"].items())
    return (
        f"{relays['relays']} ({faults}) / {relays['delivered']} / {relays['lost']} / {relays['duplicates']}"
    )
