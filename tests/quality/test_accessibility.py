"""Every page type is accessible: no serious or critical axe-core violation (WCAG 2.x A/AA and
best practices, colour contrast included, in both colour schemes), landmarks, headings in order,
alt text on every image, a label on every field, errors tied to their fields, no sideways
scrolling on a phone."""

import pytest

from tests.browser.harness import require_chromium

require_chromium()

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


def axe_report(visit, impacts):
    lines = []
    for violation in visit.axe:
        if violation["impact"] in impacts:
            lines.append(
                f"{visit.name}: {violation['id']} ({violation['impact']}) {violation['help']}"
            )
            lines += [f"    {node['html'][:160]}" for node in violation["nodes"][:5]]
    return lines


def test_no_page_type_has_a_serious_or_critical_axe_violation(page_type_visits):
    found = [line for visit in page_type_visits for line in axe_report(visit, BLOCKING)]
    assert not found, "axe-core found:\n" + "\n".join(found)


def test_every_page_type_has_the_landmarks_a_screen_reader_jumps_between(page_type_visits):
    wrong = [
        f"{visit.name}: {visit.structure['landmarks']}"
        for visit in page_type_visits
        if visit.structure["landmarks"]["main"] != 1
        or not all(
            visit.structure["landmarks"][name] for name in ("banner", "navigation", "contentinfo")
        )
    ]
    assert not wrong, "landmarks missing or doubled:\n" + "\n".join(wrong)


def heading_problems(headings):
    """An h1 first, one h1 only, and no level skipped on the way down (h2 then h4)."""
    levels = [level for level, _ in headings]
    problems = []
    if not levels or levels[0] != 1:
        problems.append("the first heading is not an h1")
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} h1 elements")
    for (before, _), (level, text) in zip(headings, headings[1:], strict=False):
        if level > before + 1:
            problems.append(f"h{before} then h{level} ({text!r})")
    return problems


def test_headings_on_every_page_type_start_at_h1_and_skip_no_level(page_type_visits):
    wrong = [
        f"{visit.name}: {problem}"
        for visit in page_type_visits
        if visit.scheme == "light"
        for problem in heading_problems(visit.structure["headings"])
    ]
    assert not wrong, "headings out of order:\n" + "\n".join(wrong)


def test_every_image_has_alt_text_and_every_field_a_label(page_type_visits):
    wrong = [
        f"{visit.name}: {kind}: {html}"
        for visit in page_type_visits
        for kind in ("imagesWithoutAlt", "unlabelledFields")
        for html in visit.structure[kind]
    ]
    assert not wrong, "\n".join(wrong)


def test_posters_tell_a_screen_reader_which_film_they_show(page_type_visits):
    film = next(v for v in page_type_visits if v.label == "film" and v.width == 1280)
    assert film.structure["posterAlts"], "the film page shows no poster"
    empty = [v.name for v in page_type_visits if not all(v.structure["posterAlts"])]
    assert not empty, f"a visible poster with empty alt text on: {empty}"


def test_form_errors_are_tied_to_their_fields(page_type_visits):
    for visit in page_type_visits:
        if visit.label != "comment form with errors":
            continue
        assert visit.structure["invalidFields"] >= 2, f"{visit.name}: no field marked invalid"
        assert not visit.structure["invalidFieldsWithoutDescription"], visit.name
        assert not visit.structure["orphanErrors"], visit.name


def test_no_page_type_scrolls_sideways_on_a_phone(page_type_visits):
    wrong = [
        f"{visit.name}: {visit.structure['sidewaysScroll']}px wider than the screen"
        for visit in page_type_visits
        if visit.structure["sidewaysScroll"] > 0
    ]
    assert not wrong, "\n".join(wrong)
