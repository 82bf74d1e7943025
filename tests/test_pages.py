"""Page checks that span pages: duplicates, unknown related slugs, ICD-11 shape."""

from __future__ import annotations

from search.pages import Page, check_corpus, content_hash, page_from_dict, page_to_dict, slugify


def test_slugify() -> None:
    assert slugify("Post-Herpetic Neuralgia (Pain After Shingles)") == "post-herpetic-neuralgia-pain-after-shingles"
    assert slugify("Ménière's Disease") == "meniere-s-disease"


def test_duplicate_slug_and_unknown_related_are_problems() -> None:
    pages = [
        Page(slug="a", title="A", related=("b",), source="a.md"),
        Page(slug="b", title="B", source="b.md"),
        Page(slug="b", title="B again", source="b2.md"),
        Page(slug="c", title="C", related=("zzz",), source="c.md"),
    ]
    valid, problems = check_corpus(pages)
    assert [p.slug for p in valid] == ["a", "b"]
    assert [str(p) for p in problems] == [
        "b2.md: field 'slug': duplicate slug 'b', already used by b.md. Fix: give each page its own slug",
        "c.md: field 'related': related slug(s) 'zzz' do not exist. "
        "Fix: use the slug of an existing page, or remove the entry",
    ]


def test_bad_icd_code_and_empty_title() -> None:
    _, problems = check_corpus([Page(slug="x", title=" ", icd11=("F32",), source="x.md")])
    assert [p.field for p in problems] == ["title", "icd11"]


def test_round_trip_and_hash_are_stable() -> None:
    page = Page(slug="a", title="A", icd11=("6A71",), aliases=("x",))
    assert page_from_dict(page_to_dict(page)) == page
    assert content_hash(page) == content_hash(page_from_dict(page_to_dict(page)))
    assert content_hash(page) != content_hash(Page(slug="a", title="B"))
