from datetime import date, datetime

from digest.document import (
    Actor,
    Article,
    Briefing,
    Conflict,
    ConflictSide,
    InputsReport,
    Skipped,
    Story,
    SummarySentence,
    TranslationStatus,
    Venue,
)


def test_briefing_round_trips_through_its_dict() -> None:
    article = Article("a1", "نص", title="عنوان", outlet="هسبريس", published=datetime(2022, 5, 10, 12, 0))
    story = Story(
        id="s-1",
        headline={"ar": "عنوان", "en": "Title", "es": "Título"},
        articles=(article,),
        summary={"ar": (SummarySentence("جملة.", ("a1",)),)},
        actors=(
            Actor(
                {"ar": "بلينكن", "en": "Antony Blinken", "es": "Antony Blinken"},
                "person",
                {"en": "US Secretary of State"},
                ("بلينكن",),
                ("a1",),
                2,
            ),
        ),
        venue=Venue(
            {"ar": "مراكش", "en": "Marrakesh", "es": "Marrakech"}, {"ar": "المغرب", "en": "Morocco", "es": "Marruecos"}
        ),
        event_date=date(2022, 5, 11),
        conflicts=(
            Conflict(
                {"en": "Blinken"},
                "attendance",
                "superseded",
                (ConflictSide({"en": "attends"}, ("a1",), ("2022-04-20",), ("...",)),),
            ),
        ),
        translation={"en": TranslationStatus("argos", "model-missing", "install")},
    )
    briefing = Briefing(date(2022, 5, 11), ("ar", "en", "es"), (story,), InputsReport(1, (Skipped("x", "empty"),), 0))
    data = briefing.to_dict()
    again = Briefing.from_dict(data).to_dict()
    assert again == data
    assert data["stories"][0]["articles"][0]["published"] == "2022-05-10T12:00:00"
