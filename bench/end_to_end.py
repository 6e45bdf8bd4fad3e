"""End to end: simulated residents -> Bot API emulator -> `python -m bot run` -> Rasa -> SQLite."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.emulator import Outgoing, TelegramLimits, TimedEmulator
from bench.nlu_proxy import NluCall, NluTimingProxy
from bench.procs import BotProcess, LoopLag, RssSampler, StallWatch, cpu_seconds, wait_until
from bench.profile import PySpy
from bench.relays import run_relays
from bench.scenario import Action, LoadPlan, Script, due, steady_rate
from bench.stats import latency_summary, max_in_window, per_second
from emulator import FakeUser, SentMessage

WARM_UP = ("hallo", "where is the city hall", "je cherche un logement")


@dataclass
class Pushed:
    """One thing a resident sent, and where the bot's answer to it starts in the chat's activity."""

    resident: int
    step: int
    kind: str
    text: str
    chat_id: int
    update_id: int
    pushed: float
    scheduled: float
    first_index: int


class BotUnderLoad:
    """The bot as a child process, the emulator and the NLU timing proxy, for one run."""

    def __init__(
        self,
        rasa_url: str,
        database: Path,
        workdir: Path,
        limits: TelegramLimits | None = None,
        with_cases: bool = False,
    ):
        self.emulator = TimedEmulator(limits=limits)
        self.forum = self.emulator.make_forum("Bench caseworkers") if with_cases else None
        self.proxy = NluTimingProxy(rasa_url)
        self.database = database
        self.bot = BotProcess({}, workdir)

    async def __aenter__(self) -> BotUnderLoad:
        await self.emulator.start()
        await self.proxy.start()
        self.bot.env = {
            "TELEGRAM_BOT_TOKEN": self.emulator.token,
            "TELEGRAM_BASE_URL": self.emulator.base_url,
            "TELEGRAM_BASE_FILE_URL": self.emulator.base_file_url,
            "RASA_URL": self.proxy.url,
            "DATABASE_PATH": str(self.database),
            "STAFF_CHAT_ID": str(self.forum.id) if self.forum is not None else "0",
        }
        started = time.perf_counter()
        await self.bot.start()
        calls = self.emulator.world.calls
        ready = await wait_until(
            lambda: not self.bot.alive() or any(c.method.lower() == "getupdates" for c in calls), 120
        )
        if not ready or not self.bot.alive():
            await self.__aexit__()
            raise RuntimeError(f"the bot did not start:\n{self.bot.log_tail()}")
        self.startup_seconds = round(time.perf_counter() - started, 2)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.bot.stop()
        await self.emulator.stop()
        await self.proxy.stop()

    async def warm_up(self) -> None:
        user = self.emulator.make_user("Warm-up", language_code="nl")
        event = self.emulator.timed.chat_event(user.id)
        for text in WARM_UP:
            event.clear()
            self.emulator.push_text(user, text)
            await asyncio.wait_for(event.wait(), 30)
            await asyncio.sleep(0.3)
        self.warm_up_user = user


class Residents:
    """Residents following their scripts at the planned times; one message at a time each."""

    def __init__(self, emulator: TimedEmulator, plan: LoadPlan, scripts: list[Script]) -> None:
        self.emulator = emulator
        self.world = emulator.timed
        self.plan = plan
        self.scripts = scripts
        self.pushed: list[Pushed] = []
        self.users = [emulator.make_user(f"R{s.index}", language_code=s.language) for s in scripts]

    async def run(self) -> None:
        """Every resident's script; stopped after a bounded time (what is unanswered then is lost)."""
        self.started = time.perf_counter()
        self.timed_out = False
        limit = self.plan.duration + self.plan.reply_timeout * 3 + 60
        try:
            await asyncio.wait_for(asyncio.gather(*map(self._resident, self.scripts, self.users)), limit)
        except TimeoutError:
            self.timed_out = True
        self.ended = time.perf_counter()

    async def _resident(self, script: Script, user: FakeUser) -> None:
        event = self.world.chat_event(user.id)
        for step, action in enumerate(script.actions):
            scheduled = self.started + due(self.plan, script, step)
            await self._turn_free(user.id, scheduled)
            event.clear()
            index = len(self.world.by_chat[user.id])
            kind, update_id = self._push(user, action)
            self.pushed.append(
                Pushed(
                    script.index,
                    step,
                    kind,
                    action.text,
                    user.id,
                    update_id,
                    self.world.pushed_at[update_id],
                    scheduled,
                    index,
                )
            )
            deadline = time.perf_counter() + self.plan.reply_timeout
            while len(self.world.by_chat[user.id]) <= index and time.perf_counter() < deadline:
                event.clear()
                try:
                    await asyncio.wait_for(event.wait(), deadline - time.perf_counter())
                except TimeoutError:
                    break

    async def _turn_free(self, chat_id: int, scheduled: float) -> None:
        """Wait for the planned time and until the bot has been quiet in this chat for a moment."""
        for _ in range(1000):
            activity = self.world.by_chat[chat_id]
            quiet_from = activity[-1].at + self.plan.quiet if activity else 0.0
            wait = max(scheduled, quiet_from) - time.perf_counter()
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    def _push(self, user: FakeUser, action: Action) -> tuple[str, int]:
        """Press the button the action names when the chat shows one; otherwise type the text."""
        wanted = {"feedback": "fb:up:", "menu": "menu", "topic": f"topic:{action.topic}"}.get(action.kind)
        if wanted is not None:
            found = self._button(user.id, wanted, exact=action.kind != "feedback")
            if found is not None:
                message, data = found
                return action.kind, self.emulator.push_callback(user, message, data)
        return "text", self.emulator.push_text(user, action.text)

    def _button(self, chat_id: int, wanted: str, exact: bool) -> tuple[SentMessage, str] | None:
        for out in reversed(self.world.by_chat[chat_id]):
            record = out.record
            if record.deleted:
                continue
            for row in record.keyboard:
                for button in row:
                    value = button.value or ""
                    if button.kind == "callback" and (
                        value == wanted or (not exact and value.startswith(wanted))
                    ):
                        return record, value
        return None


def _signature(out: Outgoing) -> tuple[Any, ...]:
    record = out.record
    return (record.method, record.text, record.venue, tuple(map(tuple, record.keyboard)))


def analyse(residents: Residents, calls: list[NluCall]) -> dict[str, Any]:
    """Latencies, lost and duplicate replies, NLU time and bot overhead per resident message."""
    world = residents.world
    by_chat: dict[int, list[Pushed]] = {}
    for item in residents.pushed:
        by_chat.setdefault(item.chat_id, []).append(item)
    calls_by_text: dict[str, list[NluCall]] = {}
    for call in calls:
        calls_by_text.setdefault(call.text, []).append(call)
    first, complete, text_first, nlu, overhead, lags, delivery = [], [], [], [], [], [], []
    before_nlu, after_nlu = [], []
    lost = duplicates = 0
    examples: list[dict[str, Any]] = []
    for chat_id, items in by_chat.items():
        activity = world.by_chat[chat_id]
        for number, item in enumerate(items):
            end = items[number + 1].first_index if number + 1 < len(items) else len(activity)
            window = activity[item.first_index : end]
            lags.append(max(item.pushed - item.scheduled, 0.0))
            if not window:
                lost += 1
                continue
            sent = [_signature(out) for out in window if out.kind == "sent"]
            if len(sent) != len(set(sent)) and len(examples) < 5:
                examples.append(
                    {
                        "step": item.step,
                        "kind": item.kind,
                        "text": item.text[:60],
                        "replies": [
                            [out.method, out.kind, out.record.text[:40], round((out.at - item.pushed) * 1000)]
                            for out in window
                        ],
                    }
                )
            duplicates += len(sent) - len(set(sent))
            latency = window[0].at - item.pushed
            first.append(latency)
            if item.update_id in world.handed_at:
                delivery.append(world.handed_at[item.update_id] - item.pushed)
            complete.append(window[-1].at - item.pushed)
            nlu_seconds = 0.0
            if item.kind == "text":
                text_first.append(latency)
                matched = next(
                    (
                        c
                        for c in calls_by_text.get(item.text.strip(), [])
                        if item.pushed <= c.started <= window[0].at
                    ),
                    None,
                )
                if matched is not None:
                    nlu_seconds = matched.seconds
                    after_nlu.append(window[0].at - matched.ended)
                    if item.update_id in world.handed_at:
                        before_nlu.append(matched.started - world.handed_at[item.update_id])
                    nlu.append(nlu_seconds)
            overhead.append(latency - nlu_seconds)
    pushed = residents.pushed
    replies = [
        world.by_chat[p.chat_id][p.first_index].at
        for p in pushed
        if len(world.by_chat[p.chat_id]) > p.first_index
    ]
    out_times = [out.at for out in world.outgoing if out.chat_id in by_chat]
    per_chat = max((max_in_window([o.at for o in world.by_chat[c]]) for c in by_chat), default=0)
    return {
        "messages": len(pushed),
        "texts": sum(p.kind == "text" for p in pushed),
        "buttons": {kind: sum(p.kind == kind for p in pushed) for kind in ("feedback", "menu", "topic")},
        "replied": len(first),
        "lost": lost,
        "duplicates": duplicates,
        "duplicate_examples": examples,
        "latency_first_reply": latency_summary(first),
        "latency_complete_turn": latency_summary(complete),
        "latency_text_first_reply": latency_summary(text_first),
        "nlu_call": latency_summary(nlu),
        "bot_overhead": latency_summary(overhead),
        "update_delivery": latency_summary(delivery),
        "bot_before_nlu": latency_summary(before_nlu),
        "bot_after_nlu": latency_summary(after_nlu),
        "throughput_per_s": steady_rate(residents.plan, residents.started, replies),
        "offered_per_s": steady_rate(residents.plan, residents.started, [p.pushed for p in pushed]),
        "offered_max_per_100ms": max_in_window([p.pushed for p in pushed], 0.1),
        "schedule_lag": latency_summary(lags),
        "telegram": {
            "messages_out": len(out_times),
            "max_per_1s_window": max_in_window(out_times),
            "max_per_chat_per_1s_window": per_chat,
            "per_second": per_second(out_times, residents.started),
            "by_method": dict(
                Counter(f"{out.method} ({out.kind})" for out in world.outgoing if out.chat_id in by_chat)
            ),
            "errors": len(world.errors),
            "too_many_requests": sum(error.error_code == 429 for error in world.errors),
            "updates_handed_out_again": world.handed_again,
        },
    }


def logged_texts(database: Path, resident_ids: list[int]) -> int:
    """Typed messages the bot logged for these residents (each should be logged exactly once)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        marks = ",".join("?" * len(resident_ids))
        query = f"SELECT count(*) FROM conversation_log WHERE text != '' AND resident_id IN ({marks})"
        return int(connection.execute(query, resident_ids).fetchone()[0])
    finally:
        connection.close()


async def run_bot_load(
    plan: LoadPlan,
    scripts: list[Script],
    rasa_url: str,
    database: Path,
    workdir: Path,
    profile: Path | None = None,
    rasa_pid: int | None = None,
    relays: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """One load run against a freshly started bot; `profile`: py-spy the bot into this file;
    `rasa_pid`: also measure the CPU time of the Rasa server; `relays` (cases, messages per side):
    with a staff group, and after the load, residents and a caseworker writing through cases."""
    async with BotUnderLoad(rasa_url, database, workdir, with_cases=relays is not None) as system:
        await system.warm_up()
        startup = system.bot.pid
        sampler = RssSampler(startup)
        sampler.start()
        spy = PySpy(startup, profile) if profile is not None else None
        if spy is not None:
            await spy.start()
        residents = Residents(system.emulator, plan, scripts)
        calls_before = len(system.proxy.calls)
        cpu_before = cpu_seconds(startup)
        rasa_before = cpu_seconds(rasa_pid) if rasa_pid else 0.0
        own_before = time.process_time()
        loop_lag, stalls = LoopLag(), StallWatch()
        loop_lag.start()
        stalls.start()
        await residents.run()
        longest_stall = stalls.stop()
        lag = await loop_lag.stop()
        own_cpu = time.process_time() - own_before
        cpu = cpu_seconds(startup) - cpu_before
        rasa_cpu = cpu_seconds(rasa_pid) - rasa_before if rasa_pid else None
        await asyncio.sleep(max(plan.quiet, 0.5))
        if spy is not None:
            await spy.stop()
        memory = await sampler.stop()
        result = analyse(residents, system.proxy.calls[calls_before:])
        if relays is not None and system.forum is not None:
            result["relays"] = await run_relays(system.emulator, system.forum, database, *relays)
        log_tail = system.bot.log_tail(2000)
    result["plan"] = {**plan.__dict__, "messages": plan.messages}
    result["timed_out"] = residents.timed_out
    result["bot_startup_seconds"] = system.startup_seconds
    result["bot_memory"] = memory
    messages = max(len(residents.pushed), 1)
    result["bot_cpu_ms_per_message"] = round(cpu * 1000 / messages, 2)
    result["harness_cpu_ms_per_message"] = round(own_cpu * 1000 / messages, 2)
    result["harness_loop_lag"] = latency_summary(lag)
    result["machine_longest_stall_ms"] = round(longest_stall * 1000, 1)
    result["nlu_server_cpu_ms_per_message"] = round(rasa_cpu * 1000 / messages, 2) if rasa_cpu else None
    result["bot_log_errors"] = sum(" ERROR " in line for line in log_tail.splitlines())
    texts = sum(p.kind == "text" for p in residents.pushed)
    result["database"] = {
        "texts_sent": texts,
        "texts_logged": logged_texts(database, [u.id for u in residents.users]),
    }
    return result
