"""Side by side: the same assistant as a plain Rasa 3.6 bot (NLU + RulePolicy + responses), fed the
same residents at the same offered load through Rasa's REST channel."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from bench.procs import MeasuredRasaServer, RssSampler, cpu_seconds, rasa_train
from bench.scenario import Action, LoadPlan, Script, due, steady_rate
from bench.stats import latency_summary
from bot.content import Content
from bot.nlu.evaluation import training_examples
from bot.nlu.rasa_server import free_port

LANGUAGE = "en"


def _button(title: str, payload: str) -> dict[str, str]:
    return {"title": title, "payload": payload}


def generate(project: Path, content: Content, nlu_dir: Path) -> dict[str, Any]:
    """domain.yml, config.yml, rules and the NLU data of a Rasa assistant giving our answers."""
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(nlu_dir / "data", project / "data" / "nlu")
    intents = sorted({example.intent for example in training_examples(nlu_dir / "data")})
    responses: dict[str, list[dict[str, Any]]] = {}
    for intent in intents:
        answer = content.answers.get(intent)
        if answer is not None:
            text = answer.texts[LANGUAGE]
            responses[f"utter_{intent}"] = [{"text": f"{text.title}\n\n{text.body}"}]
        else:
            responses[f"utter_{intent}"] = [{"text": content.text(LANGUAGE, "not_understood")}]
    responses["utter_feedback_up"] = [{"text": content.text(LANGUAGE, "feedback_thanks")}]
    responses["utter_menu"] = [
        {
            "text": content.text(LANGUAGE, "menu_prompt"),
            "buttons": [
                _button(content.text(LANGUAGE, f"topic.{topic}"), f"/topic_{topic}")
                for topic in content.topics
            ],
        }
    ]
    extra = ["feedback_up", "menu"]
    for topic, entries in content.topics.items():
        extra.append(f"topic_{topic}")
        buttons = [
            _button(content.answers[intent].texts[LANGUAGE].title, f"/{intent}")
            for intent in entries
            if intent in content.answers
        ]
        responses[f"utter_topic_{topic}"] = [
            {"text": content.text(LANGUAGE, "topic_prompt"), "buttons": buttons}
        ]
    all_intents = intents + extra
    domain = {
        "version": "3.1",
        "intents": all_intents,
        "responses": responses,
        "session_config": {"session_expiration_time": 60, "carry_over_slots_to_new_session": True},
    }
    rules = {
        "version": "3.1",
        "rules": [
            {"rule": f"answer {intent}", "steps": [{"intent": intent}, {"action": f"utter_{intent}"}]}
            for intent in all_intents
        ],
    }
    config = yaml.safe_load((nlu_dir / "config.yml").read_text(encoding="utf-8"))
    config["policies"] = [{"name": "RulePolicy"}]
    _write(project / "domain.yml", domain)
    _write(project / "data" / "rules.yml", rules)
    _write(project / "config.yml", config)
    _write(project / "credentials.yml", {"rest": None})
    return {"intents": len(all_intents), "responses": len(responses), "rules": len(rules["rules"])}


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def train(project: Path, rasa_venv: Path, cache: Path) -> dict[str, Any]:
    started = time.perf_counter()
    arguments = ["--config", "config.yml", "--domain", "domain.yml", "--data", "data", "--out", "models"]
    rasa_train(rasa_venv, [*arguments, "--fixed-model-name", "stack"], project, cache)
    model = project / "models" / "stack.tar.gz"
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "model_mb": round(model.stat().st_size / 1e6, 2),
    }


class StackServer(MeasuredRasaServer):
    """`rasa run --enable-api` with the REST channel, serving the generated assistant."""

    @property
    def working_directory(self) -> Path:
        return self.model.parent.parent

    def command(self) -> list[str]:
        return [*super().command(), "--credentials", str(self.working_directory / "credentials.yml")]


def rasa_message(action: Action) -> str:
    """What pressing our button is in Rasa: a button payload naming the intent."""
    return {"feedback": "/feedback_up", "menu": "/menu", "topic": f"/topic_{action.topic}"}.get(
        action.kind, action.text
    )


async def run_rest_load(url: str, plan: LoadPlan, scripts: list[Script]) -> dict[str, Any]:
    """The same residents at the same offered load, through POST /webhooks/rest/webhook."""
    latencies: list[float] = []
    lost = duplicates = errors = 0
    ends: list[float] = []
    sends: list[float] = []
    # aiohttp, as the bot itself uses: httpx would add about 3 ms of client CPU to Rasa's round trips.
    connector = aiohttp.TCPConnector(limit=plan.residents)
    timeout = aiohttp.ClientTimeout(total=plan.reply_timeout)
    webhook = f"{url}/webhooks/rest/webhook"
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:
        for _ in range(3):  # warm-up
            async with client.post(webhook, json={"sender": "warm-up", "message": "hallo"}) as response:
                await response.read()
        started = time.perf_counter()

        async def resident(script: Script) -> None:
            nonlocal lost, duplicates, errors
            sender = f"resident-{script.index}"
            for step, action in enumerate(script.actions):
                wait = started + due(plan, script, step) - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
                sent = time.perf_counter()
                sends.append(sent)
                try:
                    payload = {"sender": sender, "message": rasa_message(action)}
                    async with client.post(webhook, json=payload) as response:
                        response.raise_for_status()
                        messages = await response.json()
                except (aiohttp.ClientError, TimeoutError, ValueError):
                    errors += 1
                    lost += 1
                    continue
                if not messages:
                    lost += 1
                    continue
                ended = time.perf_counter()
                latencies.append(ended - sent)
                ends.append(ended)
                texts = [str(message.get("text")) for message in messages]
                duplicates += len(texts) - len(set(texts))

        limit = plan.duration + plan.reply_timeout * 3 + 60
        timed_out = False
        try:
            await asyncio.wait_for(asyncio.gather(*map(resident, scripts)), limit)
        except TimeoutError:
            timed_out = True
    return {
        "messages": plan.messages,
        "replied": len(latencies),
        "lost": plan.messages - len(latencies) if timed_out else lost,
        "timed_out": timed_out,
        "duplicates": duplicates,
        "errors": errors,
        "latency": latency_summary(latencies),
        "throughput_per_s": steady_rate(plan, started, ends),
        "offered_per_s": steady_rate(plan, started, sends),
    }


async def run_stack(
    plan: LoadPlan, scripts: list[Script], content: Content, nlu_dir: Path, rasa_venv: Path, workdir: Path
) -> dict[str, Any]:
    project = workdir / "rasa-stack"
    generated = generate(project, content, nlu_dir)
    trained = await asyncio.to_thread(train, project, rasa_venv, workdir / "rasa-cache")
    server = StackServer(project / "models" / "stack.tar.gz", rasa_venv, free_port(), project / "rasa.log")
    await asyncio.to_thread(server.start, 300)
    try:
        assert server.pid is not None
        sampler = RssSampler(server.pid)
        sampler.start()
        cpu_before = cpu_seconds(server.pid)
        result = await run_rest_load(server.url, plan, scripts)
        cpu = cpu_seconds(server.pid) - cpu_before
        result["server_memory"] = await sampler.stop()
        result["server_cpu_ms_per_message"] = round(cpu * 1000 / max(plan.messages, 1), 2)
    finally:
        await asyncio.to_thread(server.stop)
    return {"generated": generated, "training": trained, **result}
