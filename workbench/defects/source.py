"""Defects that need the pillar (`Context.source`): ORDER, DANGLING inside a post, MISLEADING numbers and
dropped qualifiers, NO_CONTEXT, PERSONA, THREAD_FLOW. Each detector yields nothing when the source is unknown,
except where the draft alone shows the defect."""

from __future__ import annotations
