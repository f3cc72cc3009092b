"""Responses and selections are strong signals in the learning data: a response to a need's
challenge weighs as much as a buyer's interest, a selection twice that."""

from datetime import UTC, datetime

from sqlalchemy import Engine, insert

from app.learning import training
from app.models import Impression, Interaction
from app.platform.db import make_sessionmaker
from matching.rerank import FEATURE_NAMES


def test_a_selection_outweighs_a_response_which_outweighs_nothing(engine: Engine) -> None:
    shown = datetime(2026, 1, 1, tzinfo=UTC)
    impressions = [
        {
            "shown_at": shown,
            "batch": "b1",
            "need_id": 7,
            "profile_id": profile,
            "position": profile,
            "score": 0.5,
            "features": [0.5] * len(FEATURE_NAMES),
            "model_version_id": None,
            "explored": False,
        }
        for profile in (1, 2, 3)
    ]
    interactions = [
        {"kind": "challenge.responded", "need_id": 7, "profile_id": 1},
        {"kind": "challenge.responded", "need_id": 7, "profile_id": 2},
        {"kind": "challenge.selected", "need_id": 7, "profile_id": 2},
    ]
    with engine.begin() as conn:
        conn.execute(insert(Impression), impressions)
        conn.execute(insert(Interaction), interactions)
    with make_sessionmaker(engine)() as session:
        data = training.load_dataset(session)
    assert data.y.tolist() == [training.GAIN_RESPONDED, training.GAIN_SELECTED, 0.0]
    assert training.GAIN_SELECTED > training.GAIN_RESPONDED >= training.GAIN_BUYER
