"""The yearly progress cycle (進行管理): cycles, entries per initiative × organization, history,
rating scales, and the committee's opinions with the official responses.

A package of modules that import one way (scales ← cycles ← entries ← packets; figures); the app's models
are all importable from here."""

from sasaeai.progress.models.cycles import Cycle, CycleQuerySet
from sasaeai.progress.models.entries import (
    Entry,
    EntryQuerySet,
    EntryVersion,
    Opinion,
    OpinionQuerySet,
)
from sasaeai.progress.models.figures import FigureRequest
from sasaeai.progress.models.packets import Packet, Reminder
from sasaeai.progress.models.scales import PlanRatingScale, RatingLevel, RatingScale

__all__ = ["Cycle", "CycleQuerySet", "Entry", "EntryQuerySet", "EntryVersion", "FigureRequest",
           "Opinion",
           "OpinionQuerySet", "Packet", "PlanRatingScale", "RatingLevel", "RatingScale",
           "Reminder"]
