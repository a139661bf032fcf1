"""An outside engine: the pillar's first sentence as the post, then the policy every engine shares."""

from __future__ import annotations

from typing import Any

from workbench.brand import BrandVoice
from workbench.brief import Brief, extract_brief
from workbench.compose import choose_cta, finish
from workbench.drafts import Draft, Provenance
from workbench.pillar import Pillar
from workbench.platforms import PlatformSpec


class EchoEngine:
    name = "echo"

    def brief(self, pillar: Pillar) -> Brief:
        return extract_brief(pillar)

    def draft(self, pillar: Pillar, brief: Brief, brand: BrandVoice, spec: PlatformSpec, variant: int = 0,
              promotional: bool | None = None) -> Draft:
        first = pillar.sentences[0]
        cta = choose_cta(brand, spec, pillar.stem, bool(promotional), variant)
        text = first.text + (f"\n\n{cta.text}" if cta else "")
        draft = Draft(platform=spec.name, parts=[text], cta=cta, variant=variant,
                      provenance=Provenance(source_sentence_ids=[first.id], engine=self.name,
                                            pillar_hash=pillar.content_hash))
        return finish(draft, pillar, spec)


def create(**_: Any) -> EchoEngine:
    return EchoEngine()
