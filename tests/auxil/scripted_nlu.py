"""A stand-in for the Rasa server, for tests whose subject is not understanding.

It answers `POST /model/parse` over HTTP as Rasa does, from a script: the sentences the tests send and
every training example in nlu_data/, each with its intent; anything else is out of scope and unsure.
The bot's own NLU client, conversation and everything behind them run unchanged."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bot.nlu.evaluation import training_examples

MARKUP = re.compile(r"<[^>]+>")
SURE = 0.95
UNSURE = 0.3

# What the tests that use this stand-in send, with the intent a trained model gives them.
SCRIPT: Mapping[str, str] = {
    "ik wil met een medewerker praten": "human_handoff",
    "ik wil met een medewerker spreken": "human_handoff",
    "müşteri temsilcisiyle konuşmak istiyorum": "human_handoff",
    "أريد التحدث مع موظف": "human_handoff",
    "i want to talk to a real person please": "human_handoff",
    "ik zoek een sociale woning": "housing_social",
    "sociale woning wachtlijst": "housing_social",
    "je cherche un logement social": "housing_social",
    "waar kan ik nederlands leren": "dutch_course",
    "where can i learn dutch?": "dutch_course",
    "hollandaca kursu nerede?": "dutch_course",
    "де записатися на курси нідерландської?": "dutch_course",
    "أين يمكنني تسجيل عنواني؟": "register_address",
    "where is the city hall": "city_hall",
    "where is the city hall please": "city_hall",
    "waar is het stadhuis": "city_hall",
    "i need a family doctor": "health_care",
    "i need a family doctor please": "health_care",
    "je veux m'inscrire dans un club de foot": "clubs_sport",
    "there is a fire in my building help": "emergency",
    "زوجي يضربني وأنا خائفة الآن": "emergency",
    "мені ніде спати сьогодні вночі, нас виселили": "housing_emergency",
    "teşekkürler": "thank",
    "merci": "thank",
    "شكرا": "thank",
    "hallo": "greet",
}


def script_from(data_dir: Path) -> dict[str, str]:
    """The training examples and SCRIPT, case-folded (SCRIPT wins)."""
    script = {example.text.casefold(): example.intent for example in training_examples(data_dir)}
    script.update({text.casefold(): intent for text, intent in SCRIPT.items()})
    return script


def parse_result(text: str, script: Mapping[str, str]) -> dict[str, object]:
    """Rasa's answer shape: the intent and the ranking, sure for a scripted text, unsure otherwise."""
    intent = script.get(MARKUP.sub("", text).strip().casefold())
    name, confidence = (intent, SURE) if intent else ("out_of_scope", UNSURE)
    rest = 1 - confidence
    ranking = [{"name": name, "confidence": confidence}]
    if name != "out_of_scope":
        ranking.append({"name": "out_of_scope", "confidence": rest})
    return {"text": text, "intent": ranking[0], "intent_ranking": ranking, "entities": []}


@contextmanager
def scripted_nlu(data_dir: Path) -> Iterator[str]:
    """Serve the script on 127.0.0.1 while the block runs; yields its URL (for RASA_URL)."""
    script = script_from(data_dir)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/status":
                self.send_error(404)
                return
            self.answer({"model_file": "scripted.tar.gz"})

        def do_POST(self) -> None:
            if self.path != "/model/parse":
                self.send_error(404)
                return
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            text = str(json.loads(body or b"{}").get("text") or "")
            self.answer(parse_result(text, script))

        def answer(self, data: dict[str, object]) -> None:
            answer = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
