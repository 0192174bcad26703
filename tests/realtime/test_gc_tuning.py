"""The serving process tunes its garbage collector once at start-up, unless PODIUM_GC_TUNING=false."""

from __future__ import annotations

import dataclasses
import gc

import pytest

import podium.app
from podium.core import memory
from tests.conftest import Stack, start_server, stop_server


def test_tuning_raises_the_thresholds_and_freezes_what_start_up_made(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_tuned", False)
    before = gc.get_threshold()
    try:
        memory.tune_for_serving()
        assert gc.get_threshold() == memory.SERVING_THRESHOLDS
        assert gc.get_freeze_count() > 0
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


@pytest.mark.parametrize("stack", ["embedded"], indirect=True)
@pytest.mark.parametrize("tuning", [True, False])
async def test_the_app_tunes_at_start_up_as_its_setting_says(stack: Stack, tuning: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[None] = []
    monkeypatch.setattr(podium.app, "tune_for_serving", lambda: calls.append(None))
    realtime = dataclasses.replace(stack.settings.realtime, gc_tuning=tuning)

    _, uv_server, task = await start_server(dataclasses.replace(stack.settings, realtime=realtime))
    await stop_server(uv_server, task)

    assert len(calls) == (1 if tuning else 0)


def test_the_setting_is_on_unless_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from podium.settings import load_settings

    monkeypatch.setenv("PODIUM_SECRET_KEY", "test")  # no key file made for the default database
    monkeypatch.delenv("PODIUM_GC_TUNING", raising=False)
    assert load_settings().realtime.gc_tuning is True
    monkeypatch.setenv("PODIUM_GC_TUNING", "false")
    assert load_settings().realtime.gc_tuning is False
