from __future__ import annotations

from pathlib import Path

import pytest

from workbench.brand import available_brands, load_brand
from workbench.errors import BrandError


def test_the_two_example_profiles_load() -> None:
    formal = load_brand("northwind-advisory")
    playful = load_brand("sunny-studio")
    assert formal.emoji.policy == "none" and formal.emoji.max_per_post == 0
    assert formal.person == "we" and playful.person == "you"
    assert formal.vocabulary.banned["game-changing"] == "significant"
    assert playful.emoji.max_per_post == 3
    assert {"northwind-advisory", "sunny-studio"} <= set(available_brands())


def test_per_platform_view() -> None:
    formal = load_brand("northwind-advisory")
    assert formal.hashtags_for("instagram") == ["#NorthwindAdvisory", "#B2BMarketing"]
    assert formal.hashtags_for("linkedin") == ["#NorthwindAdvisory"]
    assert formal.cta_kinds_for("instagram") == ["comment", "follow"]
    assert formal.max_hashtags_for("x") == 1
    # the brand cannot allow more than the platform does
    assert load_brand("sunny-studio").max_hashtags_for("instagram", 3) == 3
    assert load_brand("sunny-studio").max_hashtags_for("linkedin", 5) == 5
    assert load_brand("sunny-studio").emoji_for("linkedin").max_per_post == 1


def test_cta_url_gets_utm_parameters_and_keeps_its_query(tmp_path: Path) -> None:
    formal = load_brand("northwind-advisory")
    assert formal.cta_url("link", "linkedin", "smm-guide") == (
        "https://northwind.example/insights?utm_source=linkedin&utm_medium=social&utm_campaign=smm-guide")
    profile = tmp_path / "b.yaml"
    profile.write_text("name: B\nctas:\n  link:\n    texts: [Read it.]\n    url: https://b.example/p?ref=1&utm_source=old\n")
    assert load_brand(profile).cta_url("link", "x", "p") == (
        "https://b.example/p?ref=1&utm_source=x&utm_medium=social&utm_campaign=p")
    assert formal.cta_url("comment", "x") is None


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "brand.yaml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(("yaml_text", "expected"), [
    ("name: A\ntone:\n  adjetives: [calm]\n", ":3: tone.adjetives: unknown field (did you mean 'adjectives'?)"),
    ("name: A\nemoji:\n  policy: sometimes\n", ":3: emoji.policy: Input should be 'none', 'sparing' or 'free'"),
    ("name: A\nreading_grade: hard\n", ":2: reading_grade: Input should be a valid number"),
    ("name: A\noverrides:\n  instagarm:\n    person: we\n",
     ":3: overrides.instagarm: Value error, unknown platform 'instagarm'. did you mean 'instagram'?"),
    ("name: A\nmix: {value: 90, promotion: 20}\n", ":2: mix: Value error, value (90) + promotion (20) must add up"),
    ("name: A\nhashtags:\n  brand: [NoHash]\n", ":3: hashtags.brand.0: String should match pattern"),
    ("tone: {}\n", "name: Field required"),
])
def test_a_bad_profile_names_file_line_and_field(tmp_path: Path, yaml_text: str, expected: str) -> None:
    path = write(tmp_path, yaml_text)
    with pytest.raises(BrandError) as exc:
        load_brand(path)
    assert expected in str(exc.value)
    assert str(path) in str(exc.value)


def test_broken_yaml_and_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(BrandError, match="not valid YAML at line 3"):
        load_brand(write(tmp_path, "name: A\ntone: [unclosed\n"))
    with pytest.raises(BrandError, match="no brand voice named 'acme'.*northwind-advisory"):
        load_brand("acme")


def test_workspace_profiles_come_first(tmp_path: Path) -> None:
    (tmp_path / "brand_voice").mkdir()
    (tmp_path / "brand_voice" / "northwind-advisory.yaml").write_text("name: Local Northwind\n")
    assert load_brand("northwind-advisory", workspace=tmp_path).name == "Local Northwind"


LAUGHS = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9 if i > 1 else ['lol'] * 9)}]\n" for i in range(1, 10))


def test_a_billion_laughs_profile_fails_fast_naming_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, f"name: A\n{LAUGHS}tone:\n  do: *l9\n")
    with pytest.raises(BrandError, match=r"anchor '&l1': anchors and aliases are not allowed at line 2") as exc:
        load_brand(path)
    assert str(path) in str(exc.value) and "instead of '&name' and '*name'" in str(exc.value)


def test_an_oversize_profile_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = write(tmp_path, "name: A\ndescription: " + "word " * 220_000 + "\n")  # 1.1 MB
    with pytest.raises(BrandError, match=r"brand voice file is 1\.1 MB, over the 1024 KiB limit"):
        load_brand(path)
