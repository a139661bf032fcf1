"""Article ingest leaves site furniture out of the sentences engines quote, and says what it dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.pillar import load_pillar

ARTICLE = """---
title: "  How we plan a month of posts\\n"
authors:
  - dana-reyes
---

<img alt="Dana at her desk" src="{{ site.baseurl }}/assets/dana.jpg" />

Meta Description (150 characters): Learn how a small team plans a month of posts in one afternoon.

By Dana Reyes | March 3, 2025

We plan a whole month of posts in one afternoon. Last year that saved us 6 hours a week, as our
[planning guide]({{ "/2024/01/plan/" | url }}) explains.

{{< img src="calendar-screenshot" alt="ALT_TEXT" >}}

*Our calendar for March, with every post in place.*

## Tip #1: Batch the writing:

Writing in one sitting keeps the voice steady. You can do this by:

Blocking three hours on a Friday
Drafting every caption before lunch

```python
print("not prose")
```

- [First related link](https://example.com/a)
- [Second related link](https://example.com/b)
- [Third related link](https://example.com/c)

1. Review

Every draft gets a second reader before it is scheduled.

## Related posts

- Why we stopped posting daily is a post you might like.

## Wrapping up

Share this post with your team.

Plans are cheap, and the habit of planning is what pays.
"""


@pytest.fixture()
def article(tmp_path: Path) -> Path:
    path = tmp_path / "plan.md"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_site_furniture_is_not_a_sentence(article: Path) -> None:
    p = load_pillar(article)
    texts = [s.text for s in p.sentences]
    joined = " ".join(texts)
    for junk in ("{{", "{%", "Meta Description", "site.baseurl", "print(", "related link", "Dana at her desk",
                 "Our calendar for March", "By Dana Reyes", "Share this", "might like"):
        assert junk not in joined, junk
    assert "We plan a whole month of posts in one afternoon." in texts
    # the link whose target was a template keeps its words
    assert any("as our planning guide explains." in t for t in texts)
    assert texts[-1] == "Plans are cheap, and the habit of planning is what pays."
    dropped = p.meta["dropped"]
    assert dropped["seo"] == 1 and dropped["code"] == 1 and dropped["links"] == 3 and dropped["image"] >= 2
    assert dropped["template"] >= 1 and dropped["byline"] == 1 and dropped["related"] >= 1


def test_title_author_and_headings_come_from_the_content(article: Path) -> None:
    p = load_pillar(article)
    assert p.title == "How we plan a month of posts"
    assert p.meta["author"] == "Dana Reyes"
    headings = [s.heading for s in p.sections]
    assert "Tip #1: Batch the writing" in headings and "Review" in headings and "Wrapping up" in headings
    bullets = [s for s in p.sentences if s.kind == "bullet"]
    assert [b.text for b in bullets] == ["Blocking three hours on a Friday", "Drafting every caption before lunch"]
    tip = headings.index("Tip #1: Batch the writing")
    assert {b.section for b in bullets} == {tip}


def test_an_seo_label_with_its_value_on_the_next_line(tmp_path: Path) -> None:
    text = ("Why Teams Batch Their Posts\nMeta Title (65 characters):\nBatching Posts | Example Studio\n"
            "Focus keyword: batching\nSlug: why-teams-batch\n\nTeams that batch their posts write better ones. "
            "They also publish on time.\nPosted on June 2, 2025\n")
    path = tmp_path / "batch.txt"
    path.write_text(text, encoding="utf-8")
    p = load_pillar(path)
    assert p.title == "Why Teams Batch Their Posts"
    assert [s.text for s in p.sentences] == ["Teams that batch their posts write better ones.",
                                             "They also publish on time."]
    assert p.meta["dropped"] == {"byline": 1, "seo": 4}


def test_a_first_line_that_is_a_paragraph_is_not_the_title(tmp_path: Path) -> None:
    path = tmp_path / "notes-2025-final.txt"
    path.write_text("Batching content saves time. Small teams plan a month of posts at once, and batching "
                    "content keeps the voice steady.\nThe calendar shows every post in one view.\n", encoding="utf-8")
    p = load_pillar(path)
    assert p.title == "Batching Content"
    assert "notes" not in p.title.lower()
    assert any("states no title" in w for w in p.warnings)
    assert p.sentences[0].text == "Batching content saves time."


def test_numbered_plain_headings_stay_headings(tmp_path: Path) -> None:
    path = tmp_path / "steps.txt"
    path.write_text("Three Steps To A Calm Week\n\n1. Plan\nWrite the whole week down on Monday morning.\n\n"
                    "2. Batch\nDraft every post in one sitting.\n\nA list:\n1. First item here\n2. Second item here\n",
                    encoding="utf-8")
    p = load_pillar(path)
    assert [s.heading for s in p.sections] == ["Three Steps To A Calm Week", "1. Plan", "2. Batch"]
    assert [s.kind for s in p.sentences if "item here" in s.text] == ["bullet", "bullet"]


def test_the_corpus_has_no_template_syntax_or_seo_lines(shared: Path) -> None:
    files = sorted((shared / "corpus").glob("*/*"))
    files = [f for f in files if f.suffix in (".md", ".txt", ".srt") and not f.name.startswith("LICENSE")]
    if not files:
        pytest.skip(f"no corpus files under {shared / 'corpus'}")
    for f in files:
        p = load_pillar(f)
        assert p.title and p.title.lower().replace(" ", "-") != f.stem.lower(), f.name
        for s in p.sentences:
            assert "{{" not in s.text and "{%" not in s.text and "Meta Description" not in s.text, (f.name, s.text)
            assert not s.text.lstrip().startswith(("http://", "https://")), (f.name, s.text)
            assert len(s.text.split()) <= 80, (f.name, s.text)
