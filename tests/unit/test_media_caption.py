"""What of an image or file message is the sender's own words (read by the crisis net)."""

from __future__ import annotations

from bot.matrix.events import media_caption


def test_caption_field_and_body_that_differs_from_the_file_name() -> None:
    assert media_caption({"body": "a.jpg", "caption": "I want to die"}) == "I want to die"
    assert media_caption({"body": "ik wil dood", "filename": "a.jpg"}) == "ik wil dood"


def test_a_bare_file_name_is_no_caption() -> None:
    assert media_caption({"body": "IMG_0012.jpg", "filename": "IMG_0012.jpg"}) == ""
    assert media_caption({"body": "IMG_0012.jpg"}) == ""
    assert media_caption({"body": "  "}) == ""
    assert media_caption(None) == ""
    # An old client without `filename` that puts words in the body: read them.
    assert media_caption({"body": "kijk wat hij deed"}) == "kijk wat hij deed"
