"""The six questions the assistant must answer right, each in its own language."""

ACCEPTANCE = [
    ("ik zoek een sociale woning", "nl", "housing_social"),
    ("where can I learn Dutch?", "en", "dutch_course"),
    ("je veux m'inscrire dans un club de foot", "fr", "clubs_sport"),
    ("أين يمكنني تسجيل عنواني؟", "ar", "register_address"),
    ("Hollandaca kursu nerede?", "tr", "dutch_course"),
    ("де записатися на курси нідерландської?", "uk", "dutch_course"),
]
